"""The Airbyte bridge's parts: message lines, state forms, catalog selection, statuses."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

import pytest
from airbyte_protocol_dataclasses.models import (
    AirbyteGlobalState,
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateMessage,
    AirbyteStateType,
    AirbyteStreamStatus,
    ConfiguredAirbyteCatalog,
    Type,
)
from singer_sdk.singerlib import Catalog, CatalogEntry, RecordMessage, SchemaMessage, StateMessage
from support_taps_common.airbyte.catalog import airbyte_stream, select
from support_taps_common.airbyte.output import AirbyteWriter, Output
from support_taps_common.airbyte.protocol import (
    InputError,
    encode,
    parse,
    plain,
    record_end,
    record_start,
)
from support_taps_common.airbyte.state import StreamStates, singer_state

BOOKMARK = {"replication_key": "updated_at", "replication_key_value": "2025-01-02T00:00:00+00:00"}
ENTRY: dict[str, Any] = {
    "tap_stream_id": "items",
    "schema": {"type": "object", "properties": {"id": {}, "updated_at": {}, "note": {}}},
    "key_properties": ["id"],
    "replication_key": "updated_at",
    "metadata": [
        {"breadcrumb": [], "metadata": {"selected": False}},
        *(
            {"breadcrumb": ["properties", name], "metadata": {}}
            for name in ("id", "updated_at", "note")
        ),
    ],
}


def test_a_record_line_is_the_models_own_encoding() -> None:
    data = {"id": 1, "note": "é\n"}
    line = (
        record_start("items")
        + json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        + record_end(7)
    )

    expected = AirbyteMessage(
        type=Type.RECORD, record=AirbyteRecordMessage(stream="items", data=data, emitted_at=7)
    )
    assert json.loads(line) == json.loads(encode(expected))


def test_models_are_written_without_unset_fields_and_with_protocol_names() -> None:
    state = AirbyteStateMessage(
        type=AirbyteStateType.GLOBAL, global_=AirbyteGlobalState(stream_states=[]), data={"a": None}
    )

    assert plain(state) == {"type": "GLOBAL", "global": {"stream_states": []}, "data": {"a": None}}


@pytest.mark.parametrize(
    "given",
    [
        [
            {
                "type": "STREAM",
                "stream": {"stream_descriptor": {"name": "items"}, "stream_state": BOOKMARK},
            }
        ],
        {
            "type": "STREAM",
            "stream": {"stream_descriptor": {"name": "items"}, "stream_state": BOOKMARK},
        },
        {"bookmarks": {"items": BOOKMARK}},
        {"type": "LEGACY", "data": {"bookmarks": {"items": BOOKMARK}}},
        {
            "type": "GLOBAL",
            "global": {
                "stream_states": [
                    {"stream_descriptor": {"name": "items"}, "stream_state": BOOKMARK}
                ]
            },
        },
        {"type": "STATE", "state": {"type": "LEGACY", "data": {"bookmarks": {"items": BOOKMARK}}}},
    ],
    ids=["list", "one-message", "legacy-object", "legacy-message", "global", "airbyte-message"],
)
def test_every_state_form_becomes_the_singer_bookmark(given: object) -> None:
    assert singer_state(given) == {"bookmarks": {"items": BOOKMARK}}
    assert singer_state(given, full_refresh=["items"]) == {}


def test_a_first_sync_and_a_broken_state() -> None:
    assert singer_state([]) == {}
    assert singer_state(None) == {}
    with pytest.raises(InputError, match="not a state this source wrote"):
        singer_state([{"type": "STREAM", "stream": {}}])
    with pytest.raises(InputError, match="JSON object"):
        singer_state(["items"])
    with pytest.raises(InputError, match="not a state this source wrote"):
        singer_state([{"type": "RECORD", "record": {}}])


def test_states_are_sent_per_stream_when_the_bookmark_changed_with_the_records_since() -> None:
    states = StreamStates()
    states.count("items", 3)
    first = states.messages({"bookmarks": {"items": BOOKMARK, "other": {}}})
    again = states.messages({"bookmarks": {"items": BOOKMARK, "other": {"x": 1}}})

    assert [plain(m)["state"]["stream"]["stream_descriptor"]["name"] for m in first] == [
        "items",
        "other",
    ]
    assert plain(first[0])["state"]["sourceStats"] == {"recordCount": 3.0}
    assert [plain(m)["state"]["stream"]["stream_state"] for m in again] == [{"x": 1}]


def test_the_catalog_entry_and_what_a_configured_catalog_selects() -> None:
    stream = plain(airbyte_stream(CatalogEntry.from_dict(ENTRY)))
    as_configured = {
        "stream": {**stream, "json_schema": {"properties": {"id": {}}}},
        "sync_mode": "full_refresh",
        "destination_sync_mode": "overwrite",
    }
    configured = parse({"streams": [as_configured]}, ConfiguredAirbyteCatalog)
    chosen = select(Catalog.from_dict({"streams": [ENTRY]}), configured).to_dict()["streams"][0]

    assert stream["supported_sync_modes"] == ["full_refresh", "incremental"]
    assert stream["source_defined_primary_key"] == [["id"]]
    assert stream["default_cursor_field"] == ["updated_at"]
    assert chosen["replication_method"] == "FULL_TABLE"
    assert [m["metadata"].get("selected") for m in chosen["metadata"]] == [True, True, False, False]
    unknown = {"streams": [{**as_configured, "stream": {**stream, "name": "nope"}}]}
    with pytest.raises(InputError, match="does not have: nope"):
        select(Catalog.from_dict({"streams": [ENTRY]}), parse(unknown, ConfiguredAirbyteCatalog))


def test_stream_statuses_go_forward_only_and_end_once() -> None:
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with redirect_stdout(buffer):
        writer = AirbyteWriter(Output(), ["items", "idle"])
        writer.write_message(SchemaMessage("items", ENTRY["schema"], ["id"]))
        writer.write_message(RecordMessage("items", {"id": 1}))
        writer.write_message(RecordMessage("items", {"id": 2}))
        writer.write_message(StateMessage({"bookmarks": {"items": BOOKMARK}}))
        writer.streams_synced(["items"])
        writer.write_message(SchemaMessage("items", ENTRY["schema"], ["id"]))
        writer.finish(failed=True)
        buffer.flush()
    lines = [json.loads(line) for line in buffer.buffer.getvalue().decode().splitlines()]

    statuses = [
        (
            m["trace"]["stream_status"]["stream_descriptor"]["name"],
            m["trace"]["stream_status"]["status"],
        )
        for m in lines
        if m["type"] == "TRACE"
    ]
    assert statuses == [
        ("items", AirbyteStreamStatus.STARTED.value),
        ("items", AirbyteStreamStatus.RUNNING.value),
        ("items", AirbyteStreamStatus.COMPLETE.value),
        ("idle", AirbyteStreamStatus.STARTED.value),
        ("idle", AirbyteStreamStatus.INCOMPLETE.value),
    ]
    assert [m["type"] for m in lines[:5]] == ["TRACE", "TRACE", "RECORD", "RECORD", "STATE"]
