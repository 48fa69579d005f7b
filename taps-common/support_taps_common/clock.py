"""Times that an API writes without a zone (`YYYY-MM-DD HH:MM:SS`), read in a known one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from support_taps_common.times import parse_zone

if TYPE_CHECKING:
    from datetime import tzinfo

    from typing_extensions import Self

UTC = timezone.utc
API_FORMAT = "%Y-%m-%d %H:%M:%S"
_API_LENGTH = len("2025-01-01 00:00:00")
_OUTPUT_LENGTH = len("2025-01-01T00:00:00+00:00")


def isoformat_utc(moment: datetime) -> str:
    """An aware datetime in UTC as `2025-01-01T00:00:00+00:00` (a fraction only if it has one)."""
    return moment.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class ZonelessClock:
    """Reads and writes an API's zone-less times, which are `zone`'s wall-clock times."""

    zone: tzinfo

    @classmethod
    def named(cls, name: str) -> Self:
        """The clock of an IANA zone name (`UTC`, any case, is the fixed UTC zone).

        Raises:
            ZoneInfoNotFoundError: If there is no such zone.
            ValueError: If `name` cannot be a zone name.
        """
        return cls(parse_zone(name))

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
            if self.zone is UTC:
                return moment
        return moment.astimezone(UTC)

    def to_iso(self, text: str) -> str:
        """`isoformat_utc(parse(text))`, by string work where the zone is UTC.

        Millions of these go by in a sync, and a datetime round trip costs three times as
        much: the API's own form and the output form itself are converted as text.

        Raises:
            ValueError: If `text` is not a time.
        """
        if self.zone is UTC:
            length = len(text)
            if length == _API_LENGTH and text[10] in " T":
                datetime.fromisoformat(text)  # validates it
                return text.replace(" ", "T") + "+00:00"
            if length == _OUTPUT_LENGTH and text.endswith("+00:00") and text[10] == "T":
                datetime.fromisoformat(text)
                return text
        return isoformat_utc(self.parse(text))

    def format(self, moment: datetime) -> str:
        """`moment` as the API writes times, for its query parameters."""
        return moment.astimezone(self.zone).strftime(API_FORMAT)
