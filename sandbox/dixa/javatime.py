"""Times as Dixa's JVM services write them (java.time's toString), from epoch ms.

`ZonedDateTime` (v1 activity log, custom attributes): `2021-12-01T12:46:36.581Z[GMT]`, and
like every java.time value it drops a zero fraction and then zero seconds:
`2021-12-01T12:46Z[GMT]`. `Instant` (agents, analytics): always has seconds,
`2023-04-21T10:23:14.293Z` or `2020-12-16T09:41:43Z`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def zoned(milliseconds: int) -> str:
    """`ZonedDateTime.toString()` in the GMT zone."""
    moment = _EPOCH + timedelta(milliseconds=milliseconds)
    millis = milliseconds % 1000
    text = moment.strftime("%Y-%m-%dT%H:%M")
    if moment.second or millis:
        text += f":{moment.second:02d}"
    if millis:
        text += f".{millis:03d}"
    return text + "Z[GMT]"


def instant(milliseconds: int) -> str:
    """`Instant.toString()`: seconds always, milliseconds when not zero."""
    moment = _EPOCH + timedelta(milliseconds=milliseconds)
    millis = milliseconds % 1000
    fraction = f".{millis:03d}" if millis else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def parse(text: str) -> int:
    """Epoch ms of an ISO-8601 instant as clients send it (`Z` or an offset, any precision).

    Raises:
        ValueError: If `text` is not such an instant.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        msg = f"{text!r} has no offset"
        raise ValueError(msg)
    return (parsed - _EPOCH) // timedelta(milliseconds=1)
