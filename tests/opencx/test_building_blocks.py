"""The tap's pure building blocks: times, windows, Retry-After, throttle."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import pairwise

import pytest
import requests
from tap_opencx.client import retry_after_seconds
from tap_opencx.throttle import Throttle
from tap_opencx.timestamps import iso, parse_instant, request_time
from tap_opencx.windows import windows

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", datetime(2025, 3, 1, tzinfo=UTC)),
        ("2025-03-01T10:00:00", datetime(2025, 3, 1, 10, tzinfo=UTC)),
        ("2023-11-07T05:31:56Z", datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)),
        ("2025-03-01T10:00:00.123Z", datetime(2025, 3, 1, 10, 0, 0, 123000, tzinfo=UTC)),
        ("2025-03-01T15:30:00+05:30", datetime(2025, 3, 1, 10, tzinfo=UTC)),
    ],
)
def test_parse_instant_reads_dates_and_offsets_as_utc(text: str, expected: datetime) -> None:
    assert parse_instant(text) == expected
    assert parse_instant(text).utcoffset() == timedelta(0)


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


def test_windows_cover_the_range_and_are_cut_at_midnight() -> None:
    start = datetime(2025, 1, 1, 13, 45, tzinfo=UTC)
    end = datetime(2025, 3, 5, 12, tzinfo=UTC)
    planned = list(windows(start, end, timedelta(days=7)))
    assert planned[0].start == start
    assert planned[0].end == datetime(2025, 1, 8, tzinfo=UTC)
    assert planned[-1].end == end
    assert all(a.end == b.start for a, b in pairwise(planned))
    assert all(w.end - w.start <= timedelta(days=7) for w in planned)
    assert all(w.end.time() == datetime.min.time() for w in planned[:-1])
    assert list(windows(end, end, timedelta(days=1))) == []


def _response(retry_after: str | None) -> requests.Response:
    response = requests.Response()
    response.status_code = 429
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def test_retry_after_seconds_and_http_dates() -> None:
    assert retry_after_seconds(_response("7")) == 7.0
    assert retry_after_seconds(_response(None)) is None
    assert retry_after_seconds(_response("soon")) is None
    assert retry_after_seconds(None) is None
    in_ten = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    assert 8.5 <= (retry_after_seconds(_response(in_ten)) or 0) <= 10
    past = format_datetime(datetime.now(UTC) - timedelta(seconds=10), usegmt=True)
    assert retry_after_seconds(_response(past)) == 0.0


def test_throttle_spaces_requests_evenly_without_idling() -> None:
    calls: list[float] = []
    throttled = Throttle(3, period=0.4).wrap(lambda: calls.append(time.monotonic()))

    for _ in range(7):
        throttled()

    # 1/rate apart, so no reading of "3 per 0.4 s" (sliding or fixed window, bucket) is broken ...
    assert all(b - a >= 0.4 / 3 for a, b in pairwise(calls))
    # ... and no idling: 7 calls take 6 intervals plus the 2% margin.
    assert calls[-1] - calls[0] < 0.8 * 1.02 + 0.2
