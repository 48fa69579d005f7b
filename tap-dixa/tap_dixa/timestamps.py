"""Time conversions: config values, epoch milliseconds and the ISO-8601 UTC output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MILLISECOND = timedelta(milliseconds=1)


def parse_instant(value: str) -> datetime:
    """Read a date (UTC midnight) or an ISO-8601 date-time (UTC when it has no offset).

    Raises:
        ValueError: If `value` is neither.
    """
    text = value.strip()
    if len(text) == 10:  # noqa: PLR2004 (yyyy-mm-dd)
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def to_epoch_ms(moment: datetime) -> int:
    """Whole milliseconds since the epoch (floored)."""
    return (moment - EPOCH) // MILLISECOND


@lru_cache(maxsize=4096)
def _date_part(day: int) -> str:
    return (EPOCH + timedelta(days=day)).date().isoformat() + "T"


@cache  # at most 86,400 entries
def _clock_part(second_of_day: int) -> str:
    minutes, second = divmod(second_of_day, 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour:02d}:{minute:02d}:{second:02d}."


_MILLIS_PART = tuple(f"{millis:03d}+00:00" for millis in range(1000))


def epoch_ms_to_iso(milliseconds: int) -> str:
    """`2025-01-01T00:00:00.000+00:00`: exact, whatever the host's time zone.

    Integer arithmetic on cached parts: a tap formats millions of these, and this is
    about three times as fast as building a datetime.
    """
    day, in_day = divmod(milliseconds, 86_400_000)
    second, millis = divmod(in_day, 1000)
    return _date_part(day) + _clock_part(second) + _MILLIS_PART[millis]


def iso(moment: datetime) -> str:
    """The output form of an aware datetime, in UTC with milliseconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class EpochMsFields:
    """Where a stream's schema declares date-times that the API sends as epoch ms.

    Top-level fields and fields of objects inside top-level arrays (e.g. ratings[]).
    """

    top_level: tuple[str, ...]
    in_arrays: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any]) -> EpochMsFields:
        """Find every `format: date-time` property, at the top level or in arrays."""
        properties: Mapping[str, Any] = schema.get("properties", {})
        in_arrays = []
        for name, prop in properties.items():
            item_properties = prop.get("items", {}).get("properties", {})
            nested = tuple(k for k, v in item_properties.items() if _is_datetime(v))
            if nested:
                in_arrays.append((name, nested))
        return cls(
            top_level=tuple(k for k, v in properties.items() if _is_datetime(v)),
            in_arrays=tuple(in_arrays),
        )

    def convert(self, record: dict[str, Any]) -> dict[str, Any]:
        """Replace epoch-ms integers with ISO-8601 UTC strings, in place."""
        _convert(record, self.top_level)
        for name, fields in self.in_arrays:
            for item in record.get(name) or ():
                if isinstance(item, dict):
                    _convert(item, fields)
        return record


def _convert(record: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        value = record.get(name)
        if type(value) is int:
            record[name] = epoch_ms_to_iso(value)


def _is_datetime(prop: Mapping[str, Any]) -> bool:
    return prop.get("format") == "date-time"
