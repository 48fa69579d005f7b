"""Instants and time zones as the taps' settings and bookmarks write them."""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc


def parse_instant(value: str) -> datetime:
    """Read a date (UTC midnight) or an ISO-8601 date-time (UTC when it has no offset).

    Raises:
        ValueError: If `value` is neither.
    """
    text = value.strip()
    if len(text) == len("yyyy-mm-dd"):
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat has no `Z`
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_zone(name: str) -> tzinfo:
    """The zone of an IANA name; `UTC` (any case) is the fixed UTC zone.

    Raises:
        ZoneInfoNotFoundError: If there is no such zone.
        ValueError: If `name` cannot be a zone name (e.g. `+01:00`).
    """
    return UTC if name.upper() == "UTC" else ZoneInfo(name)


def is_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone."""
    try:
        parse_zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def whole_second(moment: datetime) -> datetime:
    """`moment` without its fraction of a second."""
    return moment.replace(microsecond=0)
