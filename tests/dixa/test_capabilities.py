"""The SDK capabilities the tap advertises work with its streams: maps, flattening, batch."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from tests.dixa.helpers import catalog, config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_stream_maps_filter_and_drop(sandbox: Sandbox, tmp_path: Path) -> None:
    maps = {
        "conversations": {"__filter__": "status == 'closed'", "requester_email": "__NULL__"},
        "messages": None,
    }
    run = run_tap("tap-dixa", tmp_path, config(sandbox, stream_maps=maps))

    assert run.returncode == 0, run.stderr
    closed = {
        k for k, c in sandbox.dixa.exports_data.conversations.items() if c["status"] == "closed"
    }
    assert run.output.ids("conversations") == closed
    assert all("requester_email" not in c for c in run.output.records("conversations"))
    assert run.output.records("messages") == []


def test_flattening_turns_nested_values_into_json_text(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap(
        "tap-dixa", tmp_path, config(sandbox, flattening_enabled=True, flattening_max_depth=1)
    )

    assert run.returncode == 0, run.stderr
    assert run.output.schema("conversations")["schema"]["properties"]["ratings"]["type"] == [
        "string",
        "null",
    ]
    truth = sandbox.dixa.exports_data.conversations
    for record in run.output.records("conversations"):
        assert json.loads(record["tags_info"]) == truth[record["id"]]["tags_info"]


def test_batch_files_hold_every_record(sandbox: Sandbox, tmp_path: Path) -> None:
    batch_config = {
        "encoding": {"format": "jsonl", "compression": "gzip"},
        "storage": {"root": f"file://{tmp_path}", "prefix": "batch-"},
        "batch_size": 100,
    }
    run = run_tap("tap-dixa", tmp_path, config(sandbox, batch_config=batch_config))

    assert run.returncode == 0, run.stderr
    batches = [m for m in run.output.messages if m["type"] == "BATCH"]
    ids: set[int] = set()
    for message in batches:
        if message["stream"] != "conversations":
            continue
        for url in message["manifest"]:
            with gzip.open(urlparse(url).path, "rt") as lines:
                ids.update(json.loads(line)["id"] for line in lines)
    assert ids == set(sandbox.dixa.exports_data.conversations)
    assert run.output.records("conversations") == []


def test_dixa_api_records_flatten_and_map(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(
        sandbox,
        flattening_enabled=True,
        flattening_max_depth=1,
        stream_maps={"agents": {"__filter__": "'Admin' in (roles or [])", "email": "__NULL__"}},
    )
    run = run_tap("tap-dixa", tmp_path, settings, catalog=catalog("activity_logs", "agents"))

    assert run.returncode == 0, run.stderr
    activity = run.output.records("activity_logs")
    truth = sandbox.dixa.api_data.activities
    assert all(r["author__id"] == truth[r["id"]]["author"]["id"] for r in activity)
    assigned = next(r for r in activity if r["_type"] == "ConversationAssigned")
    assert assigned["attributes__agentId"] == truth[assigned["id"]]["attributes"]["agentId"]
    admins = {a["id"] for a in sandbox.dixa.api_data.agents if "Admin" in a["roles"]}
    assert admins
    assert run.output.ids("agents") == admins
    assert all("email" not in a for a in run.output.records("agents"))
