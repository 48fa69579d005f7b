"""Time conversions: config values, the API's ISO-8601 strings and the tap's output form."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

SECOND = timedelta(seconds=1)


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


def iso(moment: datetime) -> str:
    """The output form, in UTC: `2025-01-01T00:00:00.000+00:00`.

    Milliseconds, or microseconds when the instant has them. Strings in this form sort
    as their instants do (`.123+` sorts before `.123456`), which the SDK relies on when
    it compares bookmarks as text.
    """
    moment = moment.astimezone(timezone.utc)
    precision = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    return moment.isoformat(timespec=precision)


def request_time(moment: datetime, *, round_up: bool = False) -> str:
    """A time parameter in the documentation's form, `2025-01-01T00:00:00Z`.

    Whole seconds, rounded down (or up) so the request covers `moment`.
    """
    whole = moment.astimezone(timezone.utc).replace(microsecond=0)
    if round_up and whole < moment:
        whole += SECOND
    return whole.strftime("%Y-%m-%dT%H:%M:%SZ")


def datetime_fields(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """The top-level properties the schema declares as `format: date-time`."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    return tuple(k for k, v in properties.items() if v.get("format") == "date-time")


def range_errors(
    values: Mapping[str, Any], start: str, end: str, *, label: str = "", strict: bool = True
) -> list[str]:
    """What is wrong with two optional time settings: each must parse, end follow start.

    `strict`: end must be after start, not equal to it. `label` prefixes the names.
    """
    errors = []
    parsed = {}
    for name in (start, end):
        value = values.get(name)
        if value is None:
            continue
        try:
            parsed[name] = parse_instant(str(value))
        except ValueError:
            errors.append(
                f"{label}{name} {value!r} is not a date (yyyy-mm-dd) or an ISO-8601 date-time"
            )
    if len(parsed) == 2 and (  # noqa: PLR2004
        parsed[end] <= parsed[start] if strict else parsed[end] < parsed[start]
    ):
        order = "after" if strict else "at or after"
        errors.append(
            f"{label}{end} ({values[end]}) must be {order} {label}{start} ({values[start]})"
        )
    return errors
