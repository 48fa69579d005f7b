"""Analytics rows: typed name/value pairs pivoted into one object keyed by name.

A row's `fields` is a list of `{"name": ..., "field": FieldType}`, where a FieldType is
`{"value": ..., "_type": "LongField"}` (a `label` on String and UUID fields, `values`
on a ListField, `name`/`timestamp` on a TimestampField) and a null value has no
`field`. Examples always carry `_type`; the spec does not require it, so the shape is
read too. Instants become ISO-8601 UTC, like every time this tap writes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tap_dixa.timestamps import iso, parse_api_instant

TIME_TYPES = {"InstantField", "TimestampField"}


def pivot(row: Any, record_id: str) -> dict[str, Any]:  # noqa: ANN401
    """One analytics row as a record; `primaryTimestamp` is left an aware datetime.

    Raises:
        ValueError: If the row has no readable primary timestamp or a nameless field.
    """
    if not isinstance(row, dict) or not isinstance(row.get("primaryTimestampField"), dict):
        msg = "an analytics row without primaryTimestampField"
        raise ValueError(msg)  # noqa: TRY004 (a bad value from the API, not a bug)
    primary = row["primaryTimestampField"]
    at = parse_api_instant(str(primary.get("timestamp")))
    fields: dict[str, Any] = {}
    labels: dict[str, Any] = {}
    for pair in row.get("fields") or ():
        name = pair.get("name") if isinstance(pair, dict) else None
        if not isinstance(name, str):
            msg = f"an analytics field without a name: {pair!r}"
            raise ValueError(msg)  # noqa: TRY004
        typed = pair.get("field")
        fields[name] = unwrap(typed)
        if isinstance(typed, dict) and typed.get("label") is not None:
            labels[name] = typed["label"]
    value = normalise(row.get("value"))
    identity = [record_id, primary.get("name"), iso(at), unwrap(value), fields]
    return {
        "record_id": record_id,
        "row_key": hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32],
        "primaryTimestampField": primary.get("name"),
        "primaryTimestamp": at,
        "value": value,
        "fields": fields,
        "labels": labels,
    }


def unwrap(typed: Any) -> Any:  # noqa: ANN401
    """The plain value of a FieldType (a list for a ListField, ISO-8601 for instants)."""
    if not isinstance(typed, dict):
        return typed
    kind = typed.get("_type")
    if kind == "ListField" or (kind is None and "values" in typed):
        return [unwrap(item) for item in typed.get("values") or ()]
    if kind == "TimestampField" or (kind is None and "timestamp" in typed):
        return _instant(typed.get("timestamp"))
    if kind == "InstantField":
        return _instant(typed.get("value"))
    return typed.get("value")


def normalise(typed: Any) -> Any:  # noqa: ANN401
    """A FieldType kept as an object, with its instants in ISO-8601 UTC."""
    if not isinstance(typed, dict):
        return typed
    kind = typed.get("_type")
    if kind == "ListField":
        return {**typed, "values": [normalise(item) for item in typed.get("values") or ()]}
    if kind in TIME_TYPES:
        key = "timestamp" if kind == "TimestampField" else "value"
        return {**typed, key: _instant(typed.get(key))}
    return typed


def _instant(value: Any) -> str | None:  # noqa: ANN401
    return None if value is None else iso(parse_api_instant(str(value)))
