"""What the iovox documentation leaves open, one answer per option (tests vary them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Readings:
    """How the simulated account and API behave where the documentation is silent."""

    end_inclusive: bool = True
    """Whether `end_date` includes calls at exactly that second ("calls received before a
    given date", yet a time-less end defaults to 23:59:59, which reads as inclusive)."""
    zone: str = "UTC"
    """The account's time zone, in which the API writes and reads its zone-less times."""
