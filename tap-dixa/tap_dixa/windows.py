"""Contiguous time windows covering a range."""

from __future__ import annotations

from dataclasses import dataclass
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
    """Windows of `span` (the last one shorter) from `start` to `end`, with no gap."""
    while start < end:
        stop = min(start + span, end)
        yield Window(start, stop)
        start = stop
