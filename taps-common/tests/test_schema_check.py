"""SchemaCheck: records that fit pass as they are, lossless coercions are made, the rest stop."""

from __future__ import annotations

from typing import Any

import pytest
from support_taps_common.errors import MalformedResponseError
from support_taps_common.schema_check import RecordSchemaError, SchemaCheck

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": ["integer"]},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "day": {"type": ["string", "null"], "format": "date"},
        "name": {"type": ["string", "null"]},
        "score": {"type": ["number", "null"]},
        "open": {"type": ["boolean", "null"]},
        "tags": {"type": ["array", "null"], "items": {"type": ["string", "null"]}},
        "ratings": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "properties": {"score": {"type": ["integer", "null"]}},
                "additionalProperties": True,
            },
        },
        "counts": {"type": ["object", "null"], "additionalProperties": {"type": "integer"}},
        "custom": {"type": ["object", "null"]},
        "either": {"type": ["object", "string", "null"], "properties": {"a": {"type": "integer"}}},
        "anything": {},
    },
}
CHECK = SchemaCheck.from_schema("things", SCHEMA, keys=("id",), required=("id", "updated_at"))
FULL: dict[str, Any] = {
    "id": 7,
    "updated_at": "2025-01-02T03:04:05.678+00:00",
    "day": "2025-01-02",
    "name": "seven",
    "score": 3,
    "open": False,
    "tags": ["a", None],
    "ratings": [{"score": 5, "comment": "kept, though no schema names it"}],
    "counts": {"x": 1},
    "custom": {"deep": [1, {"two": 2}]},
    "either": "text",
    "anything": [None, 1.5],
}


def _failure(record: dict[str, Any]) -> str:
    with pytest.raises(RecordSchemaError) as caught:
        CHECK.check(record)
    assert isinstance(caught.value, MalformedResponseError)  # stops the sync as one line
    return str(caught.value)


def test_a_record_that_fits_is_passed_on_as_it_is() -> None:
    record = {**FULL, "ratings": [dict(FULL["ratings"][0])]}
    assert CHECK.check(record) is record
    assert record == FULL
    assert type(record["score"]) is int  # a number that is an integer stays one


def test_optional_fields_may_be_missing_or_null() -> None:
    assert CHECK.check({"id": 1, "updated_at": "2025-01-02T03:04:05Z", "name": None}) == {
        "id": 1,
        "updated_at": "2025-01-02T03:04:05Z",
        "name": None,
    }


def test_lossless_coercions_are_made_in_place_keeping_every_field() -> None:
    record = {
        **FULL,
        "id": "7",
        "score": "2.5",
        "open": "true",
        "ratings": [{"score": 5.0, "comment": "kept"}, {"score": "4"}],
        "counts": {"x": "3"},
    }
    assert CHECK.check(record) is record
    assert record["id"] == 7
    assert record["score"] == 2.5
    assert record["open"] is True
    assert record["ratings"] == [{"score": 5, "comment": "kept"}, {"score": 4}]
    assert type(record["ratings"][0]["score"]) is int
    assert record["counts"] == {"x": 3}
    assert list(record) == list(FULL)  # the order of fields too


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", 5, "`name` must be a string or null, got 5"),
        ("score", "many", "`score` must be an integer or a number or null, got 'many'"),
        ("open", "yes", "`open` must be a boolean or null, got 'yes'"),
        ("updated_at", "yesterday", "`updated_at` must be an RFC 3339 date-time, got 'yesterday'"),
        ("updated_at", 1736000000000, "`updated_at` must be an RFC 3339 date-time, got 17360"),
        ("updated_at", "2025-01-02T03:04:05", "must be an RFC 3339 date-time"),  # no offset
        ("day", "2025-01-02T00:00:00Z", "`day` must be a date (YYYY-MM-DD), got '2025-01-02T"),
        ("tags", ["a", 2], "`tags[1]` must be a string or null, got 2"),
        (
            "ratings",
            [{"score": "five"}],
            "`ratings[0].score` must be an integer or null, got 'five'",
        ),
        ("counts", {"x": 1.5}, "`counts[...]` must be an integer, got {'x': 1.5}"),  # a value
        ("either", 3, "`either` must be a string or an object or null, got 3"),
    ],
)
def test_a_value_its_field_cannot_hold_is_named_with_the_record(
    field: str,
    value: Any,  # noqa: ANN401
    expected: str,
) -> None:
    message = _failure({**FULL, field: value})
    assert message.startswith("things: the record id=7 does not fit the stream's schema: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize("value", [None, "seven"])
def test_a_key_that_is_null_or_no_key_stops_the_run(value: Any) -> None:  # noqa: ANN401
    message = _failure({**FULL, "id": value})
    assert "`id` must be an integer" in message


def test_a_missing_key_or_replication_key_is_named() -> None:
    record = dict(FULL)
    del record["updated_at"]
    assert _failure(record).endswith("`updated_at` is missing")
    del record["id"]
    assert "the record id=None" in _failure(record)


def test_a_long_value_is_cut_short_in_the_message() -> None:
    message = _failure({**FULL, "open": "x" * 500})
    assert len(message) < 200
    assert message.endswith("...")


def test_a_compound_key_is_named_in_full() -> None:
    check = SchemaCheck.from_schema("events", SCHEMA, keys=("id", "name"), required=("id",))
    with pytest.raises(RecordSchemaError, match="the record id=7, name='seven' does not fit"):
        check.check({**FULL, "open": 3})


def test_a_schema_msgspec_cannot_type_leaves_the_field_open() -> None:
    schema = {
        "properties": {"mixed": {"type": ["object", "array"], "items": {}}, "odd": {"type": "date"}}
    }
    check = SchemaCheck.from_schema("open", schema, keys=(), required=())
    record = {"mixed": [1], "odd": 5}
    assert check.check(record) == {"mixed": [1], "odd": 5}
