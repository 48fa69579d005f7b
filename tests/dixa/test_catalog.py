"""Catalog metadata, and streams that are not selected are not requested."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

from tests.dixa.helpers import config
from tests.support.processes import BIN, run_tap, write_json

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def _catalog(tmp_path: Path) -> dict[str, Any]:
    settings = write_json(tmp_path / "discover.json", {})
    completed = subprocess.run(
        [str(BIN / "tap-dixa"), "--config", str(settings), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    catalog: dict[str, Any] = json.loads(completed.stdout)
    return catalog


def _root(entry: dict[str, Any]) -> dict[str, Any]:
    return next(m["metadata"] for m in entry["metadata"] if not m["breadcrumb"])


def _field(entry: dict[str, Any], name: str) -> dict[str, Any]:
    return next(m["metadata"] for m in entry["metadata"] if m["breadcrumb"] == ["properties", name])


def test_keys_are_automatic_and_declared(tmp_path: Path) -> None:
    streams = {s["tap_stream_id"]: s for s in _catalog(tmp_path)["streams"]}
    for name, key in (("conversations", "updated_at"), ("messages", "created_at")):
        root = _root(streams[name])
        assert root["table-key-properties"] == ["id"]
        assert root["valid-replication-keys"] == [key]
        assert root["replication-key"] == key
        assert root["selected-by-default"] is True
        assert _field(streams[name], "id")["inclusion"] == "automatic"
        assert _field(streams[name], key)["inclusion"] == "automatic"
        assert streams[name]["schema"]["properties"][key]["format"] == "date-time"


def test_deselected_stream_is_never_requested(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    for entry in catalog["streams"]:
        _root(entry)["selected"] = entry["tap_stream_id"] == "conversations"

    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    assert run.output.records("messages") == []
    assert sandbox.dixa.exports.requests_to("/v1/message_export") == []
    assert run.output.ids("conversations") == set(sandbox.dixa.exports_data.conversations)


def test_deselected_field_is_not_emitted(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    for entry in catalog["streams"]:
        _root(entry)["selected"] = True
        if entry["tap_stream_id"] == "conversations":
            _field(entry, "requester_email")["selected"] = False

    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    assert all("requester_email" not in c for c in run.output.records("conversations"))


def test_dixa_api_streams_declare_their_keys(tmp_path: Path) -> None:
    streams = {s["tap_stream_id"]: s for s in _catalog(tmp_path)["streams"]}
    incremental = {
        "activity_logs": (["id"], "activityTimestamp", "date-time"),
        "analytics_records": (["record_id", "row_key"], "primaryTimestamp", "date-time"),
        "analytics_metrics_daily": (["metric_id", "day", "timezone", "measure"], "day", "date"),
    }
    for name, (keys, replication_key, time_format) in incremental.items():
        root = _root(streams[name])
        assert root["table-key-properties"] == keys
        assert root["valid-replication-keys"] == [replication_key]
        assert streams[name]["replication_method"] == "INCREMENTAL"
        for field in {*keys, replication_key}:
            assert _field(streams[name], field)["inclusion"] == "automatic", (name, field)
        assert streams[name]["schema"]["properties"][replication_key]["format"] == time_format
    full_table = {
        "agents": ["id"], "end_users": ["id"], "queues": ["id"], "tags": ["id"],
        "teams": ["id"], "custom_attributes": ["id"], "contact_endpoints": ["id"],
        "queue_members": ["queue_id", "agentId"], "team_members": ["team_id", "id"],
        "analytics_metrics_catalogue": ["id"], "analytics_records_catalogue": ["id"],
        "analytics_filter_values": ["attribute", "value"],
    }  # fmt: skip
    for name, keys in full_table.items():
        root = _root(streams[name])
        assert root["table-key-properties"] == keys
        assert streams[name]["replication_method"] == "FULL_TABLE"
        assert "replication-key" not in root
        assert root["selected-by-default"] is True


def test_deselected_nested_field_is_not_emitted(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    for entry in catalog["streams"]:
        _root(entry)["selected"] = entry["tap_stream_id"] == "activity_logs"
        if entry["tap_stream_id"] == "activity_logs":
            _field(entry, "author")["selected"] = False

    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    records = run.output.records("activity_logs")
    assert records
    assert all("author" not in r for r in records)
    assert any(r.get("attributes") for r in records), "the rest is still there"
    assert sandbox.dixa.exports.requests == []
