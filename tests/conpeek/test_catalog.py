"""Catalog metadata, and streams that are not selected are not requested."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import pytest

from tests.conpeek.helpers import CALLBACKS, DIALOGS, config, parsed, truth, utc
from tests.support.processes import BIN, run_tap, write_json

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def _catalog(tmp_path: Path) -> dict[str, Any]:
    settings = write_json(tmp_path / "discover.json", {})
    completed = subprocess.run(
        [str(BIN / "tap-conpeek"), "--config", str(settings), "--discover"],
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


@pytest.mark.parametrize(
    ("stream", "key", "replication_key"),
    [
        ("conversation_statistics_opened", "id", "id"),
        ("cdr_dialogs", "dialog_uuid", "start_time"),
        ("callbacks", "id", "created_date"),
    ],
)
def test_keys_are_automatic_and_declared(
    tmp_path: Path, stream: str, key: str, replication_key: str
) -> None:
    entry = next(s for s in _catalog(tmp_path)["streams"] if s["tap_stream_id"] == stream)
    root = _root(entry)
    assert root["table-key-properties"] == [key]
    assert root["valid-replication-keys"] == [replication_key]
    assert root["replication-key"] == replication_key
    assert root["selected-by-default"] is True
    assert _field(entry, key)["inclusion"] == "automatic"
    assert _field(entry, replication_key)["inclusion"] == "automatic"
    assert entry["schema"]["additionalProperties"] is True, "fields Conpeek adds are kept"


def test_deselected_streams_are_never_requested(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    for entry in catalog["streams"]:
        _root(entry)["selected"] = entry["tap_stream_id"] == "conversation_statistics_opened"

    run = run_tap("tap-conpeek", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    assert run.output.ids("conversation_statistics_opened") == set(
        truth(sandbox)["conversation_statistics_opened"]
    )
    assert sandbox.conpeek.api.requests_to(DIALOGS) == []
    assert sandbox.conpeek.api.requests_to(CALLBACKS) == []
    assert run.output.records("cdr_dialogs") == []


def test_deselected_field_is_not_emitted(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    for entry in catalog["streams"]:
        _root(entry)["selected"] = True
        if entry["tap_stream_id"] == "cdr_dialogs":
            _field(entry, "from_display_target")["selected"] = False

    run = run_tap("tap-conpeek", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    assert run.output.records("cdr_dialogs")
    assert all("from_display_target" not in c for c in run.output.records("cdr_dialogs"))


def test_a_field_declared_in_the_catalog_is_converted(sandbox: Sandbox, tmp_path: Path) -> None:
    # What Meltano's `schema` extra does: declare a field Conpeek sends but does not document.
    catalog = _catalog(tmp_path)
    for entry in catalog["streams"]:
        _root(entry)["selected"] = True
        if entry["tap_stream_id"] == "callbacks":
            entry["schema"]["properties"]["scheduled_date"] = {
                "type": ["string", "null"],
                "format": "date-time",
            }

    run = run_tap("tap-conpeek", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    declared = run.output.schema("callbacks")["schema"]["properties"]["scheduled_date"]
    assert declared["format"] == "date-time"
    sent = truth(sandbox)["callbacks"]
    records = run.output.records("callbacks")
    assert records
    for record in records:
        assert parsed(record["scheduled_date"]) == utc(sent[record["id"]]["scheduled_date"])
