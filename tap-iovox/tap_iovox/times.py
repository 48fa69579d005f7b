"""iovox's times: zone-less `YYYY-MM-DD HH:MM:SS` strings, and the tap's ISO-8601 output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from support_taps_common.times import parse_zone

if TYPE_CHECKING:
    from datetime import tzinfo

UTC = timezone.utc
IOVOX_FORMAT = "%Y-%m-%d %H:%M:%S"
ZONE_PADDING = timedelta(hours=3)
"""Widening of each request in a zone with daylight saving, beyond any clock change."""


def iso(moment: datetime) -> str:
    """The output form of an aware datetime: ISO-8601 in UTC, e.g. 2025-01-01T00:00:00+00:00."""
    return moment.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class AccountClock:
    """Reads and writes iovox's times, which carry no zone: they are the account's."""

    zone: tzinfo

    @classmethod
    def named(cls, name: str) -> AccountClock:
        """The clock of an IANA zone name.

        Raises:
            ZoneInfoNotFoundError: If there is no such zone.
        """
        return cls(parse_zone(name))

    @property
    def padding(self) -> timedelta:
        """How much wider than a window to ask.

        Local times repeat or skip an hour at a clock change, so requests in a zone
        with daylight saving reach well past a window on either side.
        """
        return timedelta(0) if self.zone is UTC else ZONE_PADDING

    def parse(self, text: str) -> datetime:
        """An aware UTC datetime from `YYYY-MM-DD HH:MM:SS` or an ISO-8601 date-time.

        A local time that occurs twice (the hour clocks go back) is read as the first.

        Raises:
            ValueError: If `text` is neither.
        """
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC)

    def to_iso(self, text: str) -> str:
        """`iso(parse(text))`, without a datetime round trip for a plain UTC time.

        Raises:
            ValueError: If `text` is not a time.
        """
        if self.zone is UTC and len(text) == 19 and text[10] == " " and text[16] == ":":  # noqa: PLR2004
            datetime.fromisoformat(text)  # validates
            return f"{text[:10]}T{text[11:]}+00:00"
        return iso(self.parse(text))

    def format(self, moment: datetime) -> str:
        """`moment` as the API writes times, for start_date/end_date."""
        return moment.astimezone(self.zone).strftime(IOVOX_FORMAT)
