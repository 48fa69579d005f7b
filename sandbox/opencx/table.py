"""Records of one kind, their JSON and time indexes, for the simulated Open CX API."""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from datetime import datetime, timedelta, timezone
from typing import Any

Record = dict[str, Any]

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MILLISECOND = timedelta(milliseconds=1)


def iso(milliseconds: int) -> str:
    """`2025-01-01T00:00:00.000Z`, as JavaScript's `Date.toISOString` writes it."""
    seconds, millis = divmod(milliseconds, 1000)
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis:03d}Z"


def milliseconds(text: str) -> int:
    """Epoch milliseconds of a time the data wrote with `iso`."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment - EPOCH) // MILLISECOND


class Table:
    """Records by key; each record's JSON is rendered once, time fields are indexed."""

    def __init__(self) -> None:
        """An empty table."""
        self.records: dict[str, Record] = {}
        self._json: dict[str, bytes] = {}
        self._indexes: dict[str, tuple[list[int], list[str]]] = {}

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, key: str) -> Record:
        return self.records[key]

    def __contains__(self, key: object) -> bool:
        return key in self.records

    def put(self, key: str, record: Record) -> None:
        """Add or replace a record (call again after changing one in place)."""
        self.records[key] = record
        self._json.pop(key, None)
        self._indexes.clear()

    def json(self, key: str) -> bytes:
        """The record's JSON, rendered once."""
        rendered = self._json.get(key)
        if rendered is None:
            rendered = json.dumps(self.records[key], separators=(",", ":")).encode()
            self._json[key] = rendered
        return rendered

    def between(
        self, field: str, start: int, end: int, *, start_included: bool, end_included: bool
    ) -> list[str]:
        """Keys of records whose time `field` (epoch ms) lies between `start` and `end`."""
        index = self._indexes.get(field)
        if index is None:
            pairs = sorted(
                (milliseconds(r[field]), key) for key, r in self.records.items() if r.get(field)
            )
            index = ([t for t, _ in pairs], [k for _, k in pairs])
            self._indexes[field] = index
        times, keys = index
        lo = (bisect_left if start_included else bisect_right)(times, start)
        hi = (bisect_right if end_included else bisect_left)(times, end)
        return keys[lo:hi]
