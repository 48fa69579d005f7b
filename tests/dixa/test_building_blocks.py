"""The tap's pure building blocks: Dixa's times, paging and analytics field types."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from support_taps_common.times import parse_instant
from tap_dixa.fieldtypes import pivot
from tap_dixa.paging import next_page_key
from tap_dixa.timestamps import epoch_ms_to_iso, parse_api_instant, to_epoch_ms

UTC = timezone.utc


def test_epoch_milliseconds_round_trip_exactly() -> None:
    # Under TZ=Asia/Kolkata a naive local conversion would shift this by 5.5 hours.
    for milliseconds in (0, 1, 999, 1_735_689_600_000, 1_735_689_600_001, 4_102_444_799_999):
        text = epoch_ms_to_iso(milliseconds)
        assert text.endswith("+00:00")
        assert to_epoch_ms(parse_instant(text)) == milliseconds
    assert epoch_ms_to_iso(1_735_689_600_123) == "2025-01-01T00:00:00.123+00:00"


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
