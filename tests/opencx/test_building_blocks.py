"""The tap's pure building blocks: its times."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from support_taps_common.times import parse_instant
from tap_opencx.timestamps import iso, request_time, to_iso

UTC = timezone.utc


def test_output_times_sort_as_their_instants() -> None:
    rng = random.Random(5)  # noqa: S311 (test data)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    moments = [base + timedelta(microseconds=rng.randrange(10**7)) for _ in range(500)]
    moments += [m.replace(microsecond=m.microsecond // 1000 * 1000) for m in moments[:250]]
    assert sorted(moments, key=iso) == sorted(moments)
    assert iso(base) == "2025-01-01T00:00:00.000+00:00"
    assert iso(base + timedelta(microseconds=5)) == "2025-01-01T00:00:00.000005+00:00"
    assert all(parse_instant(iso(m)) == m for m in moments)


def test_request_times_are_whole_seconds_that_cover_the_instant() -> None:
    moment = datetime(2025, 1, 1, 10, 0, 0, 500000, tzinfo=timezone(timedelta(hours=5)))
    assert request_time(moment) == "2025-01-01T05:00:00Z"
    assert request_time(moment, round_up=True) == "2025-01-01T05:00:01Z"
    assert request_time(moment.replace(microsecond=0), round_up=True) == "2025-01-01T05:00:00Z"


@pytest.mark.parametrize(
    "text",
    [
        "2023-11-07T05:31:56.123Z",
        "2023-11-07T05:31:56.000Z",
        "2023-11-07T05:31:56Z",
        "2023-11-07T05:31:56.123456Z",
        "2023-11-07T05:31:56.123000Z",
        "2023-11-07T11:01:56.123+05:30",
        "2023-11-07T05:31:56.123",
        "2023-11-07",
        "2023-W45-2T05:31:56.123Z",  # an ISO week date: not the API's form, still a time
    ],
)
def test_api_times_convert_as_a_datetime_round_trip_would(text: str) -> None:
    assert to_iso(text) == iso(parse_instant(text))


@pytest.mark.parametrize(
    "text",
    ["yesterday", "2023-11-07T25:31:56.123Z", "2023-13-07T05:31:56Z", "2023-11-07T05:31:5x.123Z"],
)
def test_api_times_that_are_not_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (the message is Python's)
        to_iso(text)
