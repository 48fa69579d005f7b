"""Contiguous time windows covering a range."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator


class Window(NamedTuple):
    """The half-open interval [start, end)."""

    start: datetime
    end: datetime


def windows(
    start: datetime, end: datetime, span: timedelta, origin: datetime | None = None
) -> Iterator[Window]:
    """Windows from `start` to `end` with no gap, each at most `span` long.

    Every bound after `start` is `origin + k * span` (`origin` defaults to `start`), so
    with `origin` a UTC midnight and `span` whole days, every inner bound is a midnight;
    the first window (and the last) may then be shorter.
    """
    stop = (start if origin is None else origin) + span
    while stop <= start:
        stop += span
    while start < end:
        stop = min(stop, end)
        yield Window(start, stop)
        start, stop = stop, stop + span


def local_day(day: date, zone: tzinfo) -> Window:
    """A calendar day in `zone`, from its first instant to the next day's, in UTC.

    Days around a daylight-saving change last 23 or 25 hours; a midnight that does not
    exist starts the day at the first instant that does.
    """
    start = datetime.combine(day, time(), zone).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(timezone.utc)
    return Window(start, end)
