"""Open CX's times: ISO-8601 strings such as `2025-01-01T00:00:00.000Z`, and the tap's output."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from support_taps_common.times import parse_instant

UTC = timezone.utc
SECOND = timedelta(seconds=1)
_MILLISECONDS_Z = len("2025-01-01T00:00:00.000Z")


def iso(moment: datetime) -> str:
    """The output form, in UTC: `2025-01-01T00:00:00.000+00:00`.

    Milliseconds, or microseconds when the instant has them. Strings in this form sort
    as their instants do (`.123+` sorts before `.123456`), which the SDK relies on when
    it compares bookmarks as text.
    """
    moment = moment.astimezone(UTC)
    precision = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    return moment.isoformat(timespec=precision)


def to_iso(value: object) -> str:
    """`iso(parse_instant(value))`, by string work for the API's own `...Z` forms.

    Open CX writes times as JavaScript's `toISOString` does; a sync converts millions.

    Raises:
        ValueError: If `value` is not a date or an ISO-8601 date-time.
    """
    # `toISOString`'s form, with a calendar date (`-` at 7, not a week date: 2025-W01-1).
    if (
        value.__class__ is str
        and len(value) == _MILLISECONDS_Z
        and value[23] == "Z"
        and value[19] == "."
        and value[10] == "T"
        and value[7] == "-"
    ):
        local = value[:23]
        datetime.fromisoformat(local)  # validates it
        return local + "+00:00"
    if not isinstance(value, str):
        msg = f"{value!r} is not an ISO-8601 date-time"
        raise ValueError(msg)  # noqa: TRY004 (what a time that does not parse raises)
    return iso(parse_instant(value))


def request_time(moment: datetime, *, round_up: bool = False) -> str:
    """A time parameter in the documentation's form, `2025-01-01T00:00:00Z`.

    Whole seconds, rounded down (or up) so the request covers `moment`.
    """
    whole = moment.astimezone(UTC).replace(microsecond=0)
    if round_up and whole < moment:
        whole += SECOND
    return whole.strftime("%Y-%m-%dT%H:%M:%SZ")
