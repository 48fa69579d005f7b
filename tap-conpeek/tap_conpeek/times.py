"""Conpeek's times: zone-less `YYYY-MM-DD HH:mm:ss` strings, and the tap's ISO-8601 output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from support_taps_common.times import parse_zone

if TYPE_CHECKING:
    from datetime import tzinfo

UTC = timezone.utc
CONPEEK_FORMAT = "%Y-%m-%d %H:%M:%S"
_API_LENGTH = len("2025-01-01 00:00:00")
_OUTPUT_LENGTH = len("2025-01-01T00:00:00+00:00")


def iso(moment: datetime) -> str:
    """The output form of an aware datetime: ISO-8601 in UTC, e.g. 2025-01-01T00:00:00+00:00."""
    return moment.astimezone(UTC).isoformat()


def utc_to_iso(text: str) -> str:
    """`iso()` of a UTC time: for Conpeek's own form and the output form, without a datetime.

    Millions of these go by in a sync; string work is a third of a datetime round trip.

    Raises:
        ValueError: If `text` is not a time.
    """
    length = len(text)
    if length == _API_LENGTH and text[10] in " T":
        datetime.fromisoformat(text)  # validates it
        return text.replace(" ", "T") + "+00:00"
    if length == _OUTPUT_LENGTH and text.endswith("+00:00") and text[10] == "T":
        datetime.fromisoformat(text)
        return text
    return iso(ConpeekClock(UTC).parse(text))


@dataclass(frozen=True)
class ConpeekClock:
    """Reads and writes the API's times, which carry no zone: Conpeek documents them as UTC."""

    zone: tzinfo

    @classmethod
    def named(cls, name: str) -> ConpeekClock:
        """The clock of an IANA zone name (`UTC` unless configured otherwise)."""
        return cls(parse_zone(name))

    def parse(self, text: str) -> datetime:
        """An aware UTC datetime from `YYYY-MM-DD HH:mm:ss` or an ISO-8601 date-time.

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
        """`iso(parse(text))`: a time in the output form.

        Raises:
            ValueError: If `text` is not a time.
        """
        if self.zone is UTC:
            return utc_to_iso(text)
        return iso(self.parse(text))

    def format(self, moment: datetime) -> str:
        """`moment` as the API writes times, for filter values."""
        return moment.astimezone(self.zone).strftime(CONPEEK_FORMAT)
