"""Contiguous time windows covering a range, cut at UTC midnights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime, timedelta


@dataclass(frozen=True)
class Window:
    """The half-open interval [start, end)."""

    start: datetime
    end: datetime


def windows(start: datetime, end: datetime, span: timedelta) -> Iterator[Window]:
    """Windows from `start` to `end` with no gap, every bound after `start` a UTC midnight.

    Midnight bounds mean the same instant to an API that reads only the date part of a
    time parameter. Each window ends `span` after the midnight its start falls on, so
    the first one (and the last) may be shorter.
    """
    midnight = start.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    stop = midnight + span
    while start < end:
        stop = min(stop, end)
        yield Window(start, stop)
        start, stop = stop, stop + span
