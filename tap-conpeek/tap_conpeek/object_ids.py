"""Conpeek's statistics ids: MongoDB ObjectIds, whose first four bytes are epoch seconds."""

from __future__ import annotations

import re
from datetime import datetime, timezone

_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


def is_object_id(value: object) -> bool:
    """Whether `value` is a 24-digit lowercase hexadecimal ObjectId."""
    return isinstance(value, str) and _OBJECT_ID.match(value) is not None


def id_time(object_id: str) -> datetime:
    """The second an ObjectId was made, in UTC."""
    return datetime.fromtimestamp(int(object_id[:8], 16), tz=timezone.utc)


def first_id_at(moment: datetime) -> str:
    """The smallest ObjectId of `moment`'s second: every id made at or after it is larger."""
    return f"{int(moment.timestamp()):08x}{0:016x}"
