"""The tap's pure building blocks: time parsing, windows, Retry-After, throttle."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import pairwise

import pytest
import requests
from tap_dixa.client import retry_after_seconds
from tap_dixa.throttle import Throttle
from tap_dixa.timestamps import epoch_ms_to_iso, parse_instant, to_epoch_ms
from tap_dixa.windows import windows

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
