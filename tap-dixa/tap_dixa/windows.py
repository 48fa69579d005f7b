"""Contiguous time windows covering a range, and calendar days as windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True)
class Window:
    """The half-open interval [start, end)."""

    start: datetime
    end: datetime


def windows(start: datetime, end: datetime, span: timedelta) -> Iterator[Window]:
    """Windows of `span` (the last one shorter) from `start` to `end`, with no gap."""
    while start < end:
        stop = min(start + span, end)
        yield Window(start, stop)
        start = stop


def local_day(day: date, zone: tzinfo) -> Window:
    """A calendar day in `zone`, from its first instant to the next day's, in UTC.

    Days around a daylight-saving change last 23 or 25 hours; a midnight that does not
    exist starts the day at the first instant that does.
    """
    start = datetime.combine(day, time(), zone).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(timezone.utc)
    return Window(start, end)
