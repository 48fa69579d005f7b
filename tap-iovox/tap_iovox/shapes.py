"""One normalised call from whatever names and types iovox returns.

Integers whatever the name (`call_time_sec` or `call_time_seconds`) or type (`"99"`),
`has_recording` as a boolean from `"TRUE"`/`"FALSE"`, node and link ids as strings,
and every time as ISO-8601 UTC, nested ones (comments, tasks) included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tap_iovox.times import AccountClock

Record = dict[str, Any]

SECONDS = {"call_time_seconds": "call_time_sec", "talk_time_seconds": "talk_time_sec"}
"""Output name -> the name the API returns it under."""
STRING_IDS = ("node_id", "link_id")
NESTED_TIMES = {
    "comments": ("created",),
    "tasks": ("created", "reminder_date", "due_date"),
}
TRUE_WORDS = frozenset({"TRUE", "1", "YES", "Y"})
FALSE_WORDS = frozenset({"FALSE", "0", "NO", "N", ""})


@dataclass(frozen=True)
class CallShaper:
    """Turns a call as returned into the stream's schema."""

    clock: AccountClock
    known: frozenset[str]
    """The schema's properties: others are dropped, as the SDK would."""

    def shape(self, row: Record) -> Record:
        """The normalised call.

        Raises:
            ValueError: For a value that is not what its field documents.
        """
        _rename_seconds(row)
        known = self.known
        # Usually every field is known, and the row itself becomes the record.
        record = row if known.issuperset(row) else {k: v for k, v in row.items() if k in known}
        record["id"] = _integer("id", record.get("id"))
        for name in ("call_start", "call_end"):
            record[name] = self._time(name, record.get(name))
        for name in SECONDS:
            if name in record:
                record[name] = _integer(name, record[name])
        for name in STRING_IDS:
            if record.get(name) is not None:
                record[name] = str(record[name])
        if "has_recording" in record:
            record["has_recording"] = _boolean("has_recording", record["has_recording"])
        for group, times in NESTED_TIMES.items():
            for item in record.get(group) or ():
                self._nested_times(group, item, times)
        return record

    def _nested_times(self, group: str, item: Any, names: tuple[str, ...]) -> None:  # noqa: ANN401
        if isinstance(item, dict):
            for name in names:
                if name in item:
                    item[name] = self._time(f"{group}[].{name}", item[name])

    def _time(self, name: str, value: Any) -> str | None:  # noqa: ANN401
        if value is None or value == "":
            return None
        try:
            return self.clock.to_iso(str(value))
        except ValueError:
            msg = f"`{name}` is {value!r}, not a time"
            raise ValueError(msg) from None


def _rename_seconds(row: Record) -> None:
    for output, returned in SECONDS.items():
        if returned in row:
            row[output] = row.pop(returned)


def _integer(name: str, value: Any) -> int | None:  # noqa: ANN401
    if value is None or value == "" or (isinstance(value, int) and not isinstance(value, bool)):
        return value if value != "" else None
    try:
        return int(str(value).strip())
    except ValueError:
        msg = f"`{name}` is {value!r}, not an integer"
        raise ValueError(msg) from None


def _boolean(name: str, value: Any) -> bool | None:  # noqa: ANN401
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    msg = f"`{name}` is {value!r}, not TRUE or FALSE"
    raise ValueError(msg)
