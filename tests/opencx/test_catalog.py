"""Catalog metadata, and streams that are not selected are not requested."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.opencx.helpers import config, discovered_catalog, metadata, select_only
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

KEYS = {
    "sessions": (["id"], "updated_at"),
    "session_history": (["session_id", "id"], None),
    "csat_scores": (["id"], None),
    "contacts": (["id"], "updated_at"),
    "handoff_events": (["session_id", "created_at"], "created_at"),
    "insights": (["id"], None),
}


def test_keys_are_automatic_and_declared(tmp_path: Path) -> None:
    streams = {s["tap_stream_id"]: s for s in discovered_catalog(tmp_path)["streams"]}
    assert set(streams) == set(KEYS)
    for name, (primary_keys, replication_key) in KEYS.items():
        root = metadata(streams[name])
        assert root["table-key-properties"] == primary_keys, name
        assert root["selected-by-default"] is True
        for key in primary_keys:
            assert metadata(streams[name], key)["inclusion"] == "automatic"
        if replication_key is None:
            assert streams[name]["replication_method"] == "FULL_TABLE", name
            assert "replication-key" not in root
            continue
        assert streams[name]["replication_method"] == "INCREMENTAL", name
        assert root["valid-replication-keys"] == [replication_key]
        assert root["replication-key"] == replication_key
        assert metadata(streams[name], replication_key)["inclusion"] == "automatic"
        assert streams[name]["schema"]["properties"][replication_key]["format"] == "date-time"


def test_deselected_stream_is_never_requested(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = select_only(discovered_catalog(tmp_path), {"contacts", "handoff_events"})

    run = run_tap("tap-opencx", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    assert {r.path for r in sandbox.opencx.api.requests} == {
        "/contacts",
        "/handoff-analytics/events",
    }
    assert set(run.output.by_stream()) == {"contacts", "handoff_events"}


def test_deselected_field_is_not_emitted(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = discovered_catalog(tmp_path)
    for entry in catalog["streams"]:
        metadata(entry)["selected"] = True
        if entry["tap_stream_id"] == "contacts":
            metadata(entry, "email")["selected"] = False

    run = run_tap("tap-opencx", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    contacts = run.output.records("contacts")
    assert contacts
    assert all("email" not in c and "name" in c for c in contacts)
