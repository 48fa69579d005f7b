"""Every record checked against the SCHEMA its stream emits, in msgspec's C decoder.

The SDK's own type conformance is off for speed (it walks every record in Python), so
this is what stands between an API that sends `"abc"` for an integer and a target that
loads it, or a key that is null. A record that fits passes untouched; one that fits only
after lossless coercions (`"123"` -> 123, `"true"` -> true, `12.0` -> 12) is coerced in
place; anything else stops the run with one line naming the stream, the record's key
and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Union

import msgspec
from typing_extensions import NotRequired, Required, TypedDict

from support_taps_common.errors import MalformedResponseError

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

DATE_TIME_PATTERN = r"^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$"
"""RFC 3339 date-time, as JSON Schema's `date-time` format means it (an offset included)."""
DATE_PATTERN = r"^\d{4}-\d\d-\d\d$"

SHOWN = 60
"""The most characters of a value an error shows."""

_SCALARS: dict[str, tuple[Any, ...]] = {
    "integer": (int,),
    "number": (int, float),  # an integer stays an integer
    "boolean": (bool,),
}
_FORMATS: dict[str, Any] = {
    "date-time": Annotated[str, msgspec.Meta(pattern=DATE_TIME_PATTERN)],
    "date": Annotated[str, msgspec.Meta(pattern=DATE_PATTERN)],
}
_WORDS = {
    "int": "an integer",
    "float": "a number",
    "str": "a string",
    "bool": "a boolean",
    "null": "null",
    "object": "an object",
    "array": "an array",
}
_FORMAT_WORDS = {"date-time": "an RFC 3339 date-time", "date": "a date (YYYY-MM-DD)"}
_AT = re.compile(r" - at `\$\[0\]([^`]*)`$")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


class RecordSchemaError(MalformedResponseError):
    """A record that does not fit its stream's SCHEMA, even after lossless coercions."""


@dataclass(frozen=True)
class SchemaCheck:
    """The check of one stream's records: its schema as a msgspec type.

    Key fields (the primary key and the replication key) must be present and not null,
    whatever the schema allows.
    """

    stream: str
    keys: tuple[str, ...]
    formats: dict[str, str]
    """Top-level fields with a string format (`date-time`, `date`), to name it in errors."""
    wrapper: type[msgspec.Struct]
    """A one-field array-like Struct holding the record type: msgspec caches a Struct's
    type information, which it would otherwise rebuild on every call."""

    @classmethod
    def from_schema(
        cls,
        stream: str,
        schema: Mapping[str, Any],
        keys: Collection[str],
        required: Collection[str],
    ) -> SchemaCheck:
        """The check for records of `schema`; `keys` name records in errors."""
        record_type = _object_type(stream, schema, frozenset(required))
        wrapper = msgspec.defstruct(f"{stream}_record", [("record", record_type)], array_like=True)
        formats = {
            name: prop["format"]
            for name, prop in schema.get("properties", {}).items()
            if isinstance(prop, dict) and prop.get("format") in _FORMATS
        }
        return cls(stream, tuple(keys), formats, wrapper)

    def check(self, record: dict[str, Any]) -> dict[str, Any]:
        """`record` itself, coerced in place where a lossless coercion makes it fit.

        Raises:
            RecordSchemaError: If it does not fit.
        """
        try:
            msgspec.convert((record,), self.wrapper)
        except msgspec.ValidationError:
            pass
        else:
            return record
        try:
            coerced = msgspec.convert((record,), self.wrapper, strict=False).record  # type: ignore[attr-defined]
        except msgspec.ValidationError as error:
            raise self.error(record, str(error)) from None
        merged = _merged(record, coerced)
        record.clear()
        record.update(merged)
        return record

    def error(self, record: dict[str, Any], message: str) -> RecordSchemaError:
        """One line: the stream, the record's key, the field, what it must be and is."""
        at = _AT.search(message)
        path = at.group(1).lstrip(".") if at else ""
        reason = message[: at.start()] if at else message
        missing = re.fullmatch(r"Object missing required field `([^`]+)`", reason)
        if missing:
            path = f"{path}.{missing.group(1)}".lstrip(".")
            problem = "is missing"
        else:
            expected = _describe(reason)
            if path in self.formats:  # msgspec names only `str` when the type is wrong
                expected = expected.replace("a string", _FORMAT_WORDS[self.formats[path]])
            problem = f"must be {expected}, got {_shown(_value_at(record, path))}"
        return RecordSchemaError(
            f"{self.stream}: the record {self.describe_key(record)} does not fit the stream's "
            f"schema: `{path}` {problem}"
        )

    def describe_key(self, record: Mapping[str, Any]) -> str:
        """`id=5`, or `session_id='a', created_at='...'`, as the record has them."""
        return ", ".join(f"{key}={_shown(record.get(key))}" for key in self.keys) or "(no key)"


def _object_type(name: str, schema: Mapping[str, Any], required: frozenset[str]) -> Any:  # noqa: ANN401
    fields: dict[str, Any] = {}
    for field, prop in schema.get("properties", {}).items():
        if field in required:
            fields[field] = Required[_field_type(f"{name}_{field}", prop, nullable=False)]
        else:
            fields[field] = NotRequired[_field_type(f"{name}_{field}", prop, nullable=True)]
    return TypedDict(name, fields)  # type: ignore[operator]


def _field_type(name: str, schema: Any, *, nullable: bool) -> Any:  # noqa: ANN401, C901, PLR0912
    """The msgspec type of one JSON Schema; Any where the schema leaves it open.

    `nullable=False` refuses null even where the schema allows it (for keys).
    """
    if not isinstance(schema, dict) or "type" not in schema:
        return Any
    kinds = [schema["type"]] if isinstance(schema["type"], str) else list(schema["type"])
    options: list[Any] = []
    for kind in kinds:
        if kind == "string":
            options.append(_FORMATS.get(schema.get("format", ""), str))
        elif kind in _SCALARS:
            options.extend(_SCALARS[kind])
        elif kind == "array":
            items = schema.get("items")
            options.append(list[_field_type(f"{name}_item", items, nullable=True)])  # type: ignore[misc]
        elif kind == "object":
            if schema.get("properties"):
                options.append(_object_type(name, schema, frozenset(schema.get("required", ()))))
            else:
                extra = schema.get("additionalProperties")
                value = _field_type(f"{name}_value", extra, nullable=True) if extra else Any
                options.append(dict[str, value])  # type: ignore[valid-type]
        elif kind != "null":
            return Any
    if nullable and "null" in kinds:
        options.append(None)
    if not options:
        return Any
    union = Union[tuple(options)] if len(options) > 1 else options[0]  # noqa: UP007
    try:  # msgspec refuses some unions (two kinds of object); those are left open
        msgspec.convert(None, union)
    except msgspec.ValidationError:
        return union
    except TypeError:
        return Any
    return union


def _merged(original: Any, coerced: Any) -> Any:  # noqa: ANN401
    """`coerced`'s values in `original`'s shape: an object keeps fields its schema lacks."""
    if isinstance(original, dict) and isinstance(coerced, dict):
        return {k: _merged(v, coerced[k]) if k in coerced else v for k, v in original.items()}
    if isinstance(original, list) and isinstance(coerced, list):
        return [_merged(a, b) for a, b in zip(original, coerced, strict=True)]
    return coerced


def _describe(reason: str) -> str:
    """The expected type of msgspec's "Expected `int | null`, got `str`": "an integer or null"."""
    for pattern, kind in ((DATE_TIME_PATTERN, "date-time"), (DATE_PATTERN, "date")):
        if f"matching regex {pattern!r}" in reason:
            return _FORMAT_WORDS[kind]
    expected = re.match(r"Expected `([^`]+)`", reason)
    if not expected:
        return reason
    words = [_WORDS.get(part.strip(), part.strip()) for part in expected.group(1).split("|")]
    return " or ".join(dict.fromkeys(words))


def _value_at(record: Any, path: str) -> Any:  # noqa: ANN401
    """The value at msgspec's path; for one of an object's values (`[...]`), the object."""
    value = record
    for name, index in _STEP.findall(f".{path.removesuffix('[...]')}" if path else ""):
        try:
            value = value[int(index)] if index else value[name]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _shown(value: Any) -> str:  # noqa: ANN401
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[: SHOWN - 3]}..."
