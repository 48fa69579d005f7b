"""Times: settings, Conpeek's `YYYY-MM-DD HH:mm:ss` strings, windows and the ISO-8601 output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import tzinfo

UTC = timezone.utc
CONPEEK_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_instant(value: str) -> datetime:
    """Read a setting: a date (UTC midnight) or an ISO-8601 date-time (UTC without an offset).

    Raises:
        ValueError: If `value` is neither.
    """
    text = value.strip()
    if len(text) == 10:  # noqa: PLR2004 (yyyy-mm-dd)
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    return ConpeekClock(UTC).parse(text)


def iso(moment: datetime) -> str:
    """The output form of an aware datetime: ISO-8601 in UTC, e.g. 2025-01-01T00:00:00+00:00."""
    return moment.astimezone(UTC).isoformat()


def whole_second(moment: datetime) -> datetime:
    """`moment` without its fraction of a second (Conpeek's times and ids have none)."""
    return moment.replace(microsecond=0)


class Window(NamedTuple):
    """The half-open interval [start, end)."""

    start: datetime
    end: datetime


def windows(start: datetime, end: datetime, span: timedelta) -> Iterator[Window]:
    """Windows of `span` (the last one shorter) from `start` to `end`, with no gap."""
    while start < end:
        yield Window(start, min(start + span, end))
        start += span


@dataclass(frozen=True)
class ConpeekClock:
    """Reads and writes the API's times, which carry no zone: Conpeek documents them as UTC."""

    zone: tzinfo

    @classmethod
    def named(cls, name: str) -> ConpeekClock:
        """The clock of an IANA zone name (`UTC` unless configured otherwise)."""
        return cls(UTC if name.upper() == "UTC" else ZoneInfo(name))

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
        return moment.astimezone(UTC)

    def to_iso(self, text: str) -> str:
        """`parse(text)` in the output form (the same as `iso(parse(text))`, faster for UTC).

        Raises:
            ValueError: If `text` is not a time.
        """
        if self.zone is UTC and len(text) == 19 and text[10] in " T" and text[16] == ":":  # noqa: PLR2004
            datetime.fromisoformat(text)  # validates YYYY-MM-DD HH:mm:ss
            return f"{text[:10]}T{text[11:]}+00:00"
        return iso(self.parse(text))

    def format(self, moment: datetime) -> str:
        """`moment` as the API writes times, for filter values."""
        return moment.astimezone(self.zone).strftime(CONPEEK_FORMAT)
