"""The core's small parts: times, windows, settings checks, retries, throttle, paging, errors."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
import requests
from support_taps_common.clock import ZonelessClock, isoformat_utc
from support_taps_common.errors import api_message, malformed_record, request_line
from support_taps_common.paging import ShortPageNumberPaginator, ShortPageOffsetPaginator
from support_taps_common.records import KnownFields, TimeFields
from support_taps_common.retries import retry_after_seconds, retry_waits
from support_taps_common.settings import date_range_errors, url_errors, zone_errors
from support_taps_common.throttle import Throttle
from support_taps_common.times import is_zone, parse_instant, parse_zone
from support_taps_common.windows import Window, local_day, windows

if TYPE_CHECKING:
    from collections.abc import Iterable

UTC = timezone.utc


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type,misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", _utc(2025, 3, 1)),
        (" 2025-03-01 ", _utc(2025, 3, 1)),
        ("2025-03-01T10:00:00", _utc(2025, 3, 1, 10)),
        ("2025-03-01T10:00:00Z", _utc(2025, 3, 1, 10)),
        ("2025-03-01 10:00:00z", _utc(2025, 3, 1, 10)),
        ("2025-03-01T15:30:00+05:30", _utc(2025, 3, 1, 10)),
        ("2025-03-01T10:00:00.123456-01:00", _utc(2025, 3, 1, 11, 0, 0, 123456)),
    ],
)
def test_parse_instant_reads_dates_and_offsets_as_utc(text: str, expected: datetime) -> None:
    assert parse_instant(text) == expected
    assert parse_instant(text).utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["", "yesterday", "2025-13-45", "2025-01-01T25:00:00"])
def test_parse_instant_refuses_what_is_not_a_time(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_instant(text)


def test_zones_by_iana_name() -> None:
    assert parse_zone("utc") is UTC
    assert parse_zone("Europe/Paris") == ZoneInfo("Europe/Paris")
    assert is_zone("America/Santiago")
    assert not is_zone("Mars/Base")
    assert not is_zone("+01:00")


def test_windows_cover_the_range_without_gaps() -> None:
    start, end = _utc(2025, 1, 1), _utc(2025, 3, 5, 12)
    planned = list(windows(start, end, timedelta(days=31)))
    assert planned[0].start == start
    assert planned[-1].end == end
    assert all(a.end == b.start for a, b in pairwise(planned))
    assert all(w.end - w.start <= timedelta(days=31) for w in planned)
    assert list(windows(end, end, timedelta(days=1))) == []


def test_windows_with_an_origin_cut_on_its_multiples() -> None:
    start, end = _utc(2025, 1, 1, 17, 30), _utc(2025, 1, 4, 6)
    planned = list(windows(start, end, timedelta(days=1), origin=_utc(2025, 1, 1)))
    assert planned == [
        Window(start, _utc(2025, 1, 2)),
        Window(_utc(2025, 1, 2), _utc(2025, 1, 3)),
        Window(_utc(2025, 1, 3), _utc(2025, 1, 4)),
        Window(_utc(2025, 1, 4), end),
    ]
    far = list(windows(start, end, timedelta(days=1), origin=_utc(2024, 1, 1)))
    assert far == planned


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


def test_date_range_errors() -> None:
    assert date_range_errors({"start_date": "2025-01-01"}) == []
    assert date_range_errors({"start_date": "2025-01-01", "end_date": "2025-01-01"}) == [
        "end_date (2025-01-01) must be after start_date (2025-01-01)"
    ]
    lenient = {"from": "2025-01-01", "to": "2025-01-01"}
    assert date_range_errors(lenient, "from", "to", strict=False) == []
    backwards = {"from": "2025-01-02", "to": "2025-01-01"}
    assert date_range_errors(backwards, "from", "to", label="f.", strict=False) == [
        "f.to (2025-01-01) must be at or after f.from (2025-01-02)"
    ]
    assert date_range_errors({"start_date": "soon"}) == [
        "start_date 'soon' is not a date (yyyy-mm-dd) or an ISO-8601 date-time"
    ]


def test_url_and_zone_errors() -> None:
    settings = {"a": "https://x.example", "b": "x.example", "c": "ftp://x", "zone": "Nowhere"}
    assert url_errors(settings, ["a", "b", "c", "missing"]) == [
        "b 'x.example' is not an http(s) URL",
        "c 'ftp://x' is not an http(s) URL",
    ]
    assert zone_errors(settings, "zone", "Europe/Oslo") == [
        "zone 'Nowhere' is not an IANA time zone (e.g. Europe/Oslo)"
    ]
    assert zone_errors({}, "zone", "Europe/Oslo") == []


def _response(
    status: int = 429, body: bytes = b"", retry_after: str | None = None
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    response._content = body
    response.url = "http://api.example/v1/things?token=not-shown"
    response.request = requests.Request("GET", response.url).prepare()
    return response


def test_retry_after_seconds_and_http_dates() -> None:
    assert retry_after_seconds(_response(retry_after="7")) == 7.0
    assert retry_after_seconds(_response(retry_after="0.5")) == 0.5
    assert retry_after_seconds(_response()) is None
    assert retry_after_seconds(_response(retry_after="soon")) is None
    assert retry_after_seconds(None) is None
    in_ten = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    assert 8.5 <= (retry_after_seconds(_response(retry_after=in_ten)) or 0) <= 10
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=10), usegmt=True)
    assert retry_after_seconds(_response(retry_after=past)) == 0.0


class _RefusedError(Exception):
    def __init__(self, response: requests.Response | None) -> None:
        self.response = response


def test_retry_waits_honour_retry_after_else_back_off_with_jitter() -> None:
    waits = retry_waits(first=1.0, cap=30.0)
    assert next(waits) == 0.0  # primed
    backoff = [waits.send(_RefusedError(None)) for _ in range(4)]
    assert all(c / 2 <= w <= c for w, c in zip(backoff, (1, 2, 4, 8), strict=True))
    assert waits.send(_RefusedError(_response(retry_after="3"))) == 3.0
    assert waits.send(_RefusedError(_response(retry_after="900"))) == 30.0  # capped


def test_throttle_keeps_to_its_budget_without_idling() -> None:
    calls: list[float] = []
    throttled = Throttle(3, period=0.4).wrap(lambda: calls.append(time.monotonic()))

    for _ in range(7):
        throttled()

    # Any 4 consecutive calls span at least one period: never more than 3 per 0.4 s ...
    assert all(calls[i + 3] - calls[i] >= 0.4 for i in range(len(calls) - 3))
    # ... evenly: 1/rate apart, no burst ...
    assert all(b - a >= 0.4 / 3 for a, b in pairwise(calls))
    # ... and it does not idle: 7 calls take 6 intervals of 0.4 / 3 s, plus 2%.
    assert calls[-1] - calls[0] < 0.8 * 1.02 + 0.2


def _arrivals(throttle: Throttle, delays: Iterable[float]) -> list[float]:
    """When each throttled request reached the server, `delay` after it left."""
    arrivals: list[float] = []

    def request(delay: float) -> None:
        time.sleep(delay)  # on its way, then answered at once
        arrivals.append(time.monotonic())

    throttled = throttle.wrap(request)
    for delay in delays:
        throttled(delay)
    return arrivals


def test_throttle_keeps_the_limit_at_the_server_when_a_request_arrives_late() -> None:
    arrivals = _arrivals(Throttle(3, period=0.4), (0.1, 0, 0, 0, 0.1, 0, 0, 0))

    # Evenly spaced departures would have 4 arrivals within 0.31 s after each late one.
    assert all(arrivals[i + 3] - arrivals[i] >= 0.4 for i in range(len(arrivals) - 3))


def test_throttle_keeps_a_limit_per_minute_at_the_server_second_by_second() -> None:
    # 600 a minute is also 10 a second, to a server that counts it that way.
    arrivals = _arrivals(Throttle(600, period=60), (0.05, *[0] * 11))

    # Evenly spaced departures would put 11 arrivals within 0.97 s after the late one.
    assert all(arrivals[i + 10] - arrivals[i] >= 1.0 for i in range(len(arrivals) - 10))
    assert arrivals[-1] - arrivals[0] < 11 * 0.1 * 1.02 + 0.2  # and it does not idle


def test_a_limit_under_one_a_second_spaces_departures_not_answers() -> None:
    # 2 per 2.5 s: a second holds no two requests, so a slow answer costs no extra wait.
    departures: list[float] = []

    def request() -> None:
        departures.append(time.monotonic())
        time.sleep(0.3)  # a slow answer

    throttled = Throttle(2, period=2.5).wrap(request)
    throttled()
    throttled()

    # The second leaves one interval (1.275 s) after the first left, not after it answered
    # (that would be 1.575 s). Departures, not arrivals: two sleeps overrun by different amounts.
    assert 1.275 <= departures[1] - departures[0] < 1.275 + 0.15


def test_threads_sharing_a_throttle_share_its_budget() -> None:
    calls: list[float] = []
    throttled = Throttle(4, period=0.4).wrap(lambda: calls.append(time.monotonic()))
    threads = [threading.Thread(target=lambda: [throttled() for _ in range(4)]) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    calls.sort()
    assert len(calls) == 8
    assert all(b - a >= 0.1 for a, b in pairwise(calls))
    assert all(calls[i + 4] - calls[i] >= 0.4 for i in range(len(calls) - 4))


def test_throttle_off_when_limit_is_zero() -> None:
    def request() -> int:
        return 1

    assert Throttle(0).wrap(request) is request


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"message": "Invalid query"}', "Invalid query"),
        (b'{"error": "Forbidden"}', "Forbidden"),
        (b'{"detail": "Nope"}', "Nope"),
        (b'{"statusCode": 400, "message": ["a is x", "b is y"]}', "a is x; b is y"),
        (b'{"code": 7}', '{"code": 7}'),
        (b"<html>oops</html>", "<html>oops</html>"),
        (b"", "(empty body)"),
    ],
)  # fmt: skip
def test_api_message_finds_the_reason(body: bytes, message: str) -> None:
    assert api_message(_response(400, body)) == message


def test_errors_name_the_request_without_its_query() -> None:
    assert request_line(_response()) == "GET /v1/things"
    error = malformed_record("things", {"id": 1, "when": "yesterday"}, ValueError("bad time"))
    assert str(error) == 'things: malformed record (bad time): {"id": 1, "when": "yesterday"}'


def test_known_fields_keep_the_schema_and_report_the_rest_once() -> None:
    known = KnownFields.from_schema({"properties": {"id": {}, "name": {}}})
    reported: list[set[str]] = []
    record = {"id": 1, "name": "a"}
    assert known.keep(record, lambda f: reported.append(set(f))) is record
    assert known.keep({"id": 1, "x": 2}, lambda f: reported.append(set(f))) == {"id": 1}
    assert known.keep({"id": 2, "x": 3, "y": 4}, lambda f: reported.append(set(f))) == {"id": 2}
    assert reported == [{"x"}, {"y"}]


def test_time_fields_at_the_top_and_one_level_in() -> None:
    stamp = {"type": ["string", "null"], "format": "date-time"}
    schema = {
        "properties": {
            "at": stamp,
            "note": {"type": "string"},
            "items": {"type": "array", "items": {"properties": {"at": stamp, "n": {}}}},
            "inner": {"type": "object", "properties": {"seen": stamp}},
        }
    }
    fields = TimeFields.from_schema(schema)
    record = {"at": 1, "note": 2, "items": [{"at": 3, "n": 4}, "x"], "inner": {"seen": None}}
    assert fields.convert(record, lambda v: f"t{v}") == {
        "at": "t1",
        "note": 2,
        "items": [{"at": "t3", "n": 4}, "x"],
        "inner": {"seen": None},
    }


def test_short_page_paginators_stop_at_a_short_page() -> None:
    pages = [[1, 2], [3, 4], [5]]
    by_number = ShortPageNumberPaginator(2, lambda _: pages[by_number.current_value - 1])
    seen = []
    while not by_number.finished:
        seen.append(by_number.current_value)
        by_number.advance(_response(200))
    assert seen == [1, 2, 3]

    by_offset = ShortPageOffsetPaginator(2, lambda _: pages[by_offset.current_value // 2])
    offsets = []
    while not by_offset.finished:
        offsets.append(by_offset.current_value)
        by_offset.advance(_response(200))
    assert offsets == [0, 2, 4]


def test_zoneless_times_are_the_configured_zones() -> None:
    # Under TZ=Asia/Kolkata a naive local conversion would shift these by 5.5 hours.
    utc, warsaw = ZonelessClock.named("UTC"), ZonelessClock.named("Europe/Warsaw")
    assert utc.parse("2025-01-15 10:00:00") == _utc(2025, 1, 15, 10)
    assert warsaw.parse("2025-01-15 10:00:00") == _utc(2025, 1, 15, 9)
    assert warsaw.parse("2025-07-15 10:00:00") == _utc(2025, 7, 15, 8)
    assert warsaw.parse("2025-07-15T10:00:00Z") == _utc(2025, 7, 15, 10)
    assert warsaw.format(_utc(2025, 7, 15, 8)) == "2025-07-15 10:00:00"
    # The hour the clocks go back happens twice: the first is meant.
    assert warsaw.parse("2025-10-26 02:30:00") == _utc(2025, 10, 26, 0, 30)
    with pytest.raises(ValueError, match="Invalid isoformat"):
        utc.parse("15.01.2025 10:00")


@pytest.mark.parametrize(
    ("zone", "text", "expected"),
    [
        ("UTC", "2025-01-15 10:00:00", "2025-01-15T10:00:00+00:00"),
        ("UTC", "2025-01-15T10:00:00", "2025-01-15T10:00:00+00:00"),
        ("UTC", "2025-01-15T10:00:00+00:00", "2025-01-15T10:00:00+00:00"),
        ("UTC", "2025-01-15T11:00:00+01:00", "2025-01-15T10:00:00+00:00"),
        ("UTC", "2025-01-15 10:00:00.5", "2025-01-15T10:00:00.500000+00:00"),
        ("Europe/Warsaw", "2025-01-15 11:00:00", "2025-01-15T10:00:00+00:00"),
    ],
)
def test_zoneless_times_in_the_output_form(zone: str, text: str, expected: str) -> None:
    assert ZonelessClock.named(zone).to_iso(text) == expected
    assert expected == isoformat_utc(ZonelessClock.named(zone).parse(text))


@pytest.mark.parametrize("text", ["2025-13-15 10:00:00", "2025-01-15T25:00:00+00:00", "soon"])
def test_zoneless_times_that_are_not_times(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        ZonelessClock.named("UTC").to_iso(text)
