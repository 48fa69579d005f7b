"""iovox's account clock: its times carry no zone, and clock changes need wider requests."""

from __future__ import annotations

from datetime import timedelta

from support_taps_common.clock import UTC, ZonelessClock

ZONE_PADDING = timedelta(hours=3)
"""Widening of each request in a zone with daylight saving, beyond any clock change."""


class AccountClock(ZonelessClock):
    """Reads and writes iovox's times, which are the account's wall-clock times."""

    @property
    def padding(self) -> timedelta:
        """How much wider than a window to ask.

        Local times repeat or skip an hour at a clock change, so requests in a zone
        with daylight saving reach well past a window on either side.
        """
        return timedelta(0) if self.zone is UTC else ZONE_PADDING
