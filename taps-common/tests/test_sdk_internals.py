"""One test per private singer-sdk name that `sdk_internals.py` uses.

Each fails when the installed SDK no longer behaves as that file assumes: an SDK upgrade
that breaks one of these needs `sdk_internals.py` changed, and nothing else.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from support_taps_common.stream import SupportStream
from support_taps_common.tap import SupportTap
from typing_extensions import override

if TYPE_CHECKING:
    from collections.abc import Iterator

    from singer_sdk import Stream
    from singer_sdk.helpers.types import Context, Record

ROWS = [{"n": n, "name": f"row {n}", "tags": [{"t": n}]} for n in range(1, 6)]


class RowsStream(SupportStream):
    """Five rows, without HTTP; incremental on `n` unless `full_table`."""

    name = "rows"
    primary_keys = ("n",)
    replication_key = "n"
    is_sorted = True
    schema: ClassVar[dict[str, Any]] = th.PropertiesList(
        th.Property("n", th.IntegerType),
        th.Property("name", th.StringType),
        th.Property("tags", th.ArrayType(th.ObjectType(th.Property("t", th.IntegerType)))),
    ).to_dict()
    seen: ClassVar[list[tuple[str, Any]]] = []

    @override
    def get_records(self, context: Context | None) -> Iterator[Record]:
        for row in ROWS:
            yield json.loads(json.dumps(row))


class FullTableRowsStream(RowsStream):
    name = "full_rows"
    replication_key = None  # type: ignore[assignment]


class RowsTap(SupportTap):
    name = "tap-rows"
    url_settings = ()
    config_jsonschema = th.PropertiesList(
        th.Property("start_date", th.DateTimeType), th.Property("broken", th.BooleanType)
    ).to_dict()

    @override
    def settings_errors(self) -> list[str]:
        return ["broken is set"] if self.config.get("broken") else []

    @override
    def discover_streams(self) -> list[Stream]:
        return [RowsStream(self), FullTableRowsStream(self)]


def rows_stream(tap: RowsTap, name: str = "rows") -> RowsStream:
    stream = tap.streams[name]
    assert isinstance(stream, RowsStream)
    return stream


def run(tap: RowsTap) -> list[dict[str, Any]]:
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with redirect_stdout(stdout):
        tap.sync_all()
    stdout.seek(0)
    return [json.loads(line) for line in stdout.read().splitlines()]


def without_times(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in m.items() if k != "time_extracted"} for m in messages]


def test_validate_config_runs_the_taps_own_checks_after_the_schemas() -> None:
    # Tap._validate_config: the SDK's constructor validates the config through it.
    with pytest.raises(ConfigValidationError) as raised:
        RowsTap(config={"broken": True})
    assert raised.value.errors == ["broken is set"]

    with pytest.raises(ConfigValidationError) as raised:
        RowsTap(config={"broken": "yes"})  # the schema's error, and not the tap's
    assert raised.value.errors == ["'yes' is not of type 'boolean', 'null' in config['broken']"]

    assert RowsTap(config={"broken": True}, validate_config=False).config["broken"] is True


def test_write_record_message_is_the_record_path_and_the_direct_one_writes_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Stream._write_record_message: the SDK writes each record through it, once.
    config = {"emit_activate_version_messages": True}
    calls: list[Record] = []
    original = RowsStream._write_record_message

    def spy(self: RowsStream, record: Record) -> None:
        calls.append(record)
        original(self, record)

    monkeypatch.setattr(RowsStream, "_write_record_message", spy)
    direct = run(RowsTap(config=config))
    assert len(calls) == 2 * len(ROWS)

    sdk_tap = RowsTap(config=config)
    for stream in sdk_tap.streams.values():
        stream.__dict__["writes_records_directly"] = False  # the SDK's own path
    through_sdk = run(sdk_tap)

    assert all(
        rows_stream(RowsTap(config=config), s).writes_records_directly
        for s in ("rows", "full_rows")
    )
    assert without_times(direct) == without_times(through_sdk)
    versions = {
        m.get("version") for m in direct if m["type"] == "RECORD" and m["stream"] == "full_rows"
    }
    assert len(versions) == 1
    assert None not in versions  # Stream._stream_version: the full table's version


def test_a_deselected_property_takes_the_sdks_path() -> None:
    catalog = RowsTap(config={}).catalog_dict
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == ["properties", "name"]:
                item["metadata"]["selected"] = False
    tap = RowsTap(config={}, catalog=catalog)

    records = [m["record"] for m in run(tap) if m["type"] == "RECORD"]

    assert not rows_stream(tap).writes_records_directly
    assert records[0] == {"n": 1, "tags": [{"t": 1}]}


def test_increment_stream_state_held_or_not_ends_in_the_same_state() -> None:
    # Stream._increment_stream_state: the SDK calls it once per written record, with
    # the post-processed record and the context.
    held: list[Record] = []
    tap = RowsTap(config={})
    stream = rows_stream(tap)
    type(stream).holds_bookmark = True
    try:
        stream._write_record_message = held.append  # type: ignore[method-assign,assignment]
        for _ in stream._sync_records(None, write_messages=False):
            pass
        assert stream.held_record == ROWS[-1]
        stream.commit_held_bookmark(None)
    finally:
        type(stream).holds_bookmark = False
    plain = RowsTap(config={})
    run(plain)
    assert tap.state["bookmarks"]["rows"]["replication_key_value"] == 5
    assert plain.state["bookmarks"]["rows"]["replication_key_value"] == 5


def test_write_state_message_writes_the_tap_state_once_per_change() -> None:
    # Stream._write_state_message: writes the tap's state if anything changed.
    tap = RowsTap(config={})
    stream = rows_stream(tap)
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with redirect_stdout(stdout):
        stream.get_context_state(None)["replication_key_value"] = 3
        stream.state_manager.is_flushed = False
        stream.write_state_message()
        stream.write_state_message()
        tap.message_writer.flush()  # type: ignore[attr-defined]
    stdout.seek(0)
    states = [json.loads(line)["value"] for line in stdout.read().splitlines()]
    assert states == [{"bookmarks": {"rows": {"replication_key_value": 3}}}]
