"""The tap's pure building blocks: times, windows, days, Retry-After, throttles, paging."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import requests
from tap_dixa.client import retry_after_seconds
from tap_dixa.fieldtypes import pivot
from tap_dixa.paging import next_page_key
from tap_dixa.throttle import Throttle
from tap_dixa.timestamps import epoch_ms_to_iso, parse_api_instant, parse_instant, to_epoch_ms
from tap_dixa.windows import local_day, windows

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", datetime(2025, 3, 1, tzinfo=UTC)),
        ("2025-03-01T10:00:00", datetime(2025, 3, 1, 10, tzinfo=UTC)),
        ("2025-03-01T10:00:00Z", datetime(2025, 3, 1, 10, tzinfo=UTC)),
        ("2025-03-01T15:30:00+05:30", datetime(2025, 3, 1, 10, tzinfo=UTC)),
        ("2025-03-01T10:00:00.123456-01:00", datetime(2025, 3, 1, 11, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_parse_instant_reads_dates_and_offsets_as_utc(text: str, expected: datetime) -> None:
    assert parse_instant(text) == expected
    assert parse_instant(text).utcoffset() == timedelta(0)


def test_epoch_milliseconds_round_trip_exactly() -> None:
    # Under TZ=Asia/Kolkata a naive local conversion would shift this by 5.5 hours.
    for milliseconds in (0, 1, 999, 1_735_689_600_000, 1_735_689_600_001, 4_102_444_799_999):
        text = epoch_ms_to_iso(milliseconds)
        assert text.endswith("+00:00")
        assert to_epoch_ms(parse_instant(text)) == milliseconds
    assert epoch_ms_to_iso(1_735_689_600_123) == "2025-01-01T00:00:00.123+00:00"


def test_windows_cover_the_range_without_gaps() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    end = datetime(2025, 3, 5, 12, tzinfo=UTC)
    planned = list(windows(start, end, timedelta(days=31)))
    assert planned[0].start == start
    assert planned[-1].end == end
    assert all(a.end == b.start for a, b in pairwise(planned))
    assert all(w.end - w.start <= timedelta(days=31) for w in planned)
    assert list(windows(end, end, timedelta(days=1))) == []


def _response(retry_after: str | None) -> requests.Response:
    response = requests.Response()
    response.status_code = 429
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def test_retry_after_seconds_and_http_dates() -> None:
    assert retry_after_seconds(_response("7")) == 7.0
    assert retry_after_seconds(_response("0.5")) == 0.5
    assert retry_after_seconds(_response(None)) is None
    assert retry_after_seconds(_response("soon")) is None
    assert retry_after_seconds(None) is None
    in_ten = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    assert 8.5 <= (retry_after_seconds(_response(in_ten)) or 0) <= 10
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=10), usegmt=True)
    assert retry_after_seconds(_response(past)) == 0.0


def test_throttle_keeps_to_its_budget() -> None:
    calls: list[float] = []
    throttled = Throttle(3, period=0.4).wrap(lambda: calls.append(time.monotonic()))

    for _ in range(7):
        throttled()

    # Any 4 consecutive calls span at least one period: never more than 3 per 0.4 s ...
    assert all(calls[i + 3] - calls[i] >= 0.4 for i in range(len(calls) - 3))
    # ... and the throttle does not idle: 7 calls take 6 intervals of 0.4 / 3 s, plus 2%.
    assert calls[-1] - calls[0] < 0.8 * 1.02 + 0.2


def test_throttle_off_when_limit_is_zero() -> None:
    def request() -> int:
        return 1

    assert Throttle(0).wrap(request) is request


def _utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-12-01T12:46:36.581Z[GMT]", _utc(2021, 12, 1, 12, 46, 36, 581000)),
        ("2021-12-01T12:46Z[GMT]", _utc(2021, 12, 1, 12, 46)),
        ("2021-12-01T12:46:36Z", _utc(2021, 12, 1, 12, 46, 36)),
        ("2021-12-01T12:46:36.123456789Z", _utc(2021, 12, 1, 12, 46, 36, 123456)),
        ("2021-12-01T13:46:36.5+01:00[Europe/Paris]", _utc(2021, 12, 1, 12, 46, 36, 500000)),
        ("2021-12-01T13:46:36[Europe/Paris]", _utc(2021, 12, 1, 12, 46, 36)),
        ("2021-12-01T18:16:36+0530", _utc(2021, 12, 1, 12, 46, 36)),
        ("2021-12-01T12:46:36", _utc(2021, 12, 1, 12, 46, 36)),
    ],
)
def test_api_times_in_every_form_java_writes(text: str, expected: datetime) -> None:
    assert parse_api_instant(text) == expected
    assert parse_api_instant(text).utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["", "yesterday", "2021-12-01", "2021-12-01T12:46[Mars/Base]"])
def test_api_times_that_are_not_times(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not an ISO-8601 date-time|unknown time zone"):
        parse_api_instant(text)


def test_a_per_second_throttle_never_bursts_and_never_idles() -> None:
    calls: list[float] = []
    spaced = Throttle(20, period=1.0).wrap(lambda: calls.append(time.monotonic()))

    for _ in range(8):
        spaced()

    assert all(b - a >= 0.05 for a, b in pairwise(calls)), "1/rate apart: no burst"
    assert calls[-1] - calls[0] < 0.05 * 7 + 0.3


def test_local_days_last_23_to_25_hours() -> None:
    copenhagen = ZoneInfo("Europe/Copenhagen")
    spring = local_day(date(2025, 3, 30), copenhagen)
    autumn = local_day(date(2025, 10, 26), copenhagen)
    assert spring.start == _utc(2025, 3, 29, 23)
    assert spring.end - spring.start == timedelta(hours=23)
    assert autumn.end - autumn.start == timedelta(hours=25)
    # Santiago skips midnight on 2024-09-08: the day starts at the first instant it has.
    santiago = local_day(date(2024, 9, 8), ZoneInfo("America/Santiago"))
    assert santiago.start == _utc(2024, 9, 8, 4)
    assert local_day(date(2024, 9, 7), ZoneInfo("America/Santiago")).end == santiago.start


def _page(link: str) -> dict[str, object]:
    return {"data": [], "meta": {"next": link}}


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (_page("/v1/agents?pageKey=%2B%2Babc%3D&pageLimit=5"), "++abc="),
        (_page("https://dev.dixa.io/v1/agents?pageKey=++abc="), "++abc="),
        (_page("agents?x=1&pageKey=a%2Fb"), "a/b"),
        ({"data": [], "pageKey": "k1"}, "k1"),
        ({"data": [], "meta": {"previous": "/v1/agents?pageKey=p"}}, None),
        ({"data": []}, None),
        ([], None),
    ],
    ids=[
        "relative",
        "absolute-bare-plus",
        "path-relative",
        "top-level",
        "previous",
        "none",
        "list",
    ],
)
def test_next_page_key_wherever_it_is(body: object, key: str | None) -> None:
    assert next_page_key(body) == key


def test_a_next_link_without_a_key_is_an_error() -> None:
    with pytest.raises(ValueError, match="has no pageKey"):
        next_page_key(_page("/v1/agents?page=2"))


def _field(field_name: str, kind: str | None, **typed: object) -> dict[str, object]:
    return {"name": field_name, "field": {**typed, **({"_type": kind} if kind else {})}}


def test_field_types_unwrap_to_plain_values() -> None:
    tag = {"value": "a", "_type": "UUIDField"}
    fields = [
        _field("csid", "LongField", value=184472),
        _field("channel", "StringField", value="EMAIL", label="Email"),
        {"name": "agent_id"},
        _field("at", None, name="at", timestamp="2023-04-21T10:23Z[GMT]"),
        _field("tags", "ListField", values=[tag]),
        _field("seen", "InstantField", value="2023-04-21T12:23:14+02:00"),
        _field("flag", None, value=False),
    ]
    row = {
        "primaryTimestampField": {"name": "created_at", "timestamp": "2023-04-21T10:23:14.293Z"},
        "value": {"value": "2023-04-21T10:23:15Z", "_type": "InstantField"},
        "fields": fields,
    }
    record = pivot(row, "conversations")
    assert record["fields"] == {
        "csid": 184472,
        "channel": "EMAIL",
        "agent_id": None,
        "at": "2023-04-21T10:23:00.000+00:00",
        "tags": ["a"],
        "seen": "2023-04-21T10:23:14.000+00:00",
        "flag": False,
    }
    assert record["labels"] == {"channel": "Email"}
    assert record["value"] == {"value": "2023-04-21T10:23:15.000+00:00", "_type": "InstantField"}
    assert record["primaryTimestamp"] == _utc(2023, 4, 21, 10, 23, 14, 293000)
    relabelled = [*fields[:1], _field("channel", "StringField", value="EMAIL", label="E-mail")]
    again = pivot({**row, "fields": [*relabelled, *fields[2:]]}, "conversations")
    assert again["row_key"] == record["row_key"], "labels are not part of a row's identity"
    assert pivot(row, "other")["row_key"] != record["row_key"]
