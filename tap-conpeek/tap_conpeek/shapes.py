"""Top-level values given the types their schema declares, computed once per stream.

Times become ISO-8601 UTC, 0/1 flags booleans, numeric strings integers. Fields the schema
does not declare are kept as sent. The schema is the catalog's, so a field a user declares
(e.g. with Meltano's `schema` extra) is converted too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from support_taps_common.clock import ZonelessClock

_TRUE = {1, "1", "true", "True"}
_FALSE = {0, "0", "false", "False"}


@dataclass(frozen=True)
class RecordShaper:
    """Where a schema declares date-times, booleans and integers."""

    times: tuple[str, ...]
    booleans: tuple[str, ...]
    integers: tuple[str, ...]
    clock: ZonelessClock

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any], clock: ZonelessClock) -> RecordShaper:
        """Find the declared top-level fields that need converting."""
        properties: Mapping[str, Any] = schema.get("properties", {})

        def declared(kind: str) -> tuple[str, ...]:
            return tuple(
                name
                for name, prop in properties.items()
                if kind in _types(prop) and "string" not in _types(prop)
            )

        return cls(
            times=tuple(k for k, v in properties.items() if v.get("format") == "date-time"),
            booleans=declared("boolean"),
            integers=declared("integer"),
            clock=clock,
        )

    def shape(self, row: dict[str, Any]) -> dict[str, Any]:
        """A copy of `row` with its declared values converted.

        Raises:
            ValueError: If a declared time is not a time.
        """
        # A few fields of every record: the loops stay in this one frame.
        record = dict(row)
        to_iso = self.clock.to_iso
        for name in self.times:
            value = record.get(name)
            if value.__class__ is str:
                try:
                    record[name] = to_iso(value)
                except ValueError:
                    msg = f"`{name}` is {value!r}, not a time"
                    raise ValueError(msg) from None
        for name in self.booleans:
            if name in record:
                record[name] = _boolean(record[name])
        for name in self.integers:
            value = record.get(name)
            if value is not None and value.__class__ is not int:
                record[name] = _integer(value)
        return record


def _boolean(value: object) -> object:
    """0/1 flags (and their strings) as booleans; anything else as it is."""
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    return value


def _integer(value: object) -> object:
    """Whole numbers sent as strings or floats as integers; anything else as it is."""
    if (isinstance(value, str) and value.isdigit()) or (
        isinstance(value, float) and value.is_integer()
    ):
        return int(value)
    return value


def _types(prop: Mapping[str, Any]) -> set[str]:
    kind = prop.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)
