"""Records in the form their schema declares: known top-level fields, times converted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping


@dataclass
class KnownFields:
    """The top-level properties of a schema; a record keeps only these."""

    names: frozenset[str]
    reported: set[str] = field(default_factory=set)
    """Unknown fields already reported, so each is reported once."""

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any]) -> KnownFields:
        """The properties `schema` declares."""
        return cls(frozenset(schema.get("properties", {})))

    def keep(
        self, record: dict[str, Any], report: Callable[[Iterable[str]], None]
    ) -> dict[str, Any]:
        """`record` (itself if every field is known, else a copy without the rest).

        `report` is given the unknown fields not reported before.
        """
        if self.names.issuperset(record):
            return record
        new = record.keys() - self.names - self.reported
        if new:
            self.reported.update(new)
            report(new)
        return {k: v for k, v in record.items() if k in self.names}


@dataclass(frozen=True)
class TimeFields:
    """Where a schema declares date-times, which an API sends in its own form.

    Top-level fields, and fields of top-level objects or of objects in top-level arrays
    (e.g. `ratings[].rating_created_timestamp`).
    """

    top_level: tuple[str, ...]
    nested: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any]) -> TimeFields:
        """Find every `format: date-time` property, at the top level or one level in."""
        properties: Mapping[str, Any] = schema.get("properties", {})
        nested = []
        for name, prop in properties.items():
            inner = prop.get("items", prop).get("properties", {})
            fields = tuple(k for k, v in inner.items() if _is_datetime(v))
            if fields:
                nested.append((name, fields))
        return cls(
            top_level=tuple(k for k, v in properties.items() if _is_datetime(v)),
            nested=tuple(nested),
        )

    def convert(self, record: dict[str, Any], to_iso: Callable[[Any], Any]) -> dict[str, Any]:
        """Replace every time value with `to_iso(value)` (None stays None), in place.

        Raises:
            ValueError: Naming the field, for a value `to_iso` finds no time.
        """
        _convert(record, self.top_level, to_iso, "")
        for name, fields in self.nested:
            value = record.get(name)
            where = f"{name}[]." if isinstance(value, list) else f"{name}."
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, dict):
                    _convert(item, fields, to_iso, where)
        return record


def _convert(
    record: dict[str, Any], fields: tuple[str, ...], to_iso: Callable[[Any], Any], where: str
) -> None:
    for name in fields:
        value = record.get(name)
        if value is not None:
            try:
                record[name] = to_iso(value)
            except ValueError as error:
                msg = f"`{where}{name}` is {value!r}, not a time ({error})"
                raise ValueError(msg) from None


def _is_datetime(prop: Mapping[str, Any]) -> bool:
    return prop.get("format") == "date-time"
