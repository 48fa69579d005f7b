"""Stream maps, flattening and BATCH messages work with the streams, children included."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from tests.opencx.helpers import config, keys, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_stream_maps_filter_and_drop(sandbox: Sandbox, tmp_path: Path) -> None:
    maps = {
        "sessions": {"__filter__": "status == 'open'", "summary": "__NULL__"},
        "contacts": {"email": "__NULL__"},
        "insights": None,
    }
    run = run_tap("tap-opencx", tmp_path, config(sandbox, stream_maps=maps))

    assert run.returncode == 0, run.stderr
    data = sandbox.opencx.data
    opened = {k for k, s in data.sessions.records.items() if s["status"] == "open"}
    assert run.output.ids("sessions") == opened
    assert all("summary" not in s for s in run.output.records("sessions"))
    assert all("email" not in c for c in run.output.records("contacts"))
    assert run.output.records("insights") == []
    # A filtered-out session's children are not read either.
    history_sessions = {h["session_id"] for h in run.output.records("session_history")}
    assert history_sessions == opened


def test_flattening_keeps_nested_values(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap(
        "tap-opencx", tmp_path, config(sandbox, flattening_enabled=True, flattening_max_depth=1)
    )

    assert run.returncode == 0, run.stderr
    data = sandbox.opencx.data
    properties = run.output.schema("sessions")["schema"]["properties"]
    assert "contact__custom_data" in properties
    for record in run.output.records("sessions"):
        sent = data.sessions[record["id"]]
        assert record["channel__type"] == sent["channel"]["type"]
        assert json.loads(record["contact__custom_data"]) == sent["contact"]["custom_data"]


def test_batch_files_hold_every_record(sandbox: Sandbox, tmp_path: Path) -> None:
    batch_config = {
        "encoding": {"format": "jsonl", "compression": "gzip"},
        "storage": {"root": f"file://{tmp_path}", "prefix": "batch-"},
        "batch_size": 50,
    }
    run = run_tap("tap-opencx", tmp_path, config(sandbox, batch_config=batch_config))

    assert run.returncode == 0, run.stderr
    lines: dict[str, list[dict[str, Any]]] = {}
    for message in run.output.messages:
        if message["type"] == "BATCH":
            for url in message["manifest"]:
                with gzip.open(urlparse(url).path, "rt") as batch:
                    lines.setdefault(message["stream"], []).extend(map(json.loads, batch))
    expected = truth(sandbox.opencx.data)
    assert {r["id"] for r in lines["sessions"]} == expected["sessions"]
    assert keys(lines["session_history"], "session_id", "id") == expected["session_history"]
    assert {r["id"] for r in lines["insights"]} == expected["insights"]
    assert run.output.records("sessions") == []
