"""The SDK capabilities the tap advertises work with its streams: maps, flattening, batch."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from tests.conpeek.helpers import config, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_stream_maps_filter_and_drop(sandbox: Sandbox, tmp_path: Path) -> None:
    maps = {
        "cdr_dialogs": {
            "__filter__": "business_direction == 'INBOUND'",
            "from_display_target": "__NULL__",
        },
        "callbacks": None,
    }
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, stream_maps=maps))

    assert run.returncode == 0, run.stderr
    calls = truth(sandbox)["cdr_dialogs"]
    inbound = {u for u, c in calls.items() if c["business_direction"] == "INBOUND"}
    assert inbound
    assert run.output.ids("cdr_dialogs", "dialog_uuid") == inbound
    assert all("from_display_target" not in c for c in run.output.records("cdr_dialogs"))
    assert run.output.records("callbacks") == []


def test_flattening_spreads_nested_values_the_api_sends(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap(
        "tap-conpeek", tmp_path, config(sandbox, flattening_enabled=True, flattening_max_depth=1)
    )

    assert run.returncode == 0, run.stderr
    calls = truth(sandbox)["cdr_dialogs"]
    records = run.output.records("cdr_dialogs")
    assert records
    for record in records:
        sent = calls[record["dialog_uuid"]]
        assert record["project__name"] == sent["project"]["name"]
        assert json.loads(record["custom_tag_id_list"]) == sent["custom_tag_id_list"]


def test_batch_files_hold_every_record(sandbox: Sandbox, tmp_path: Path) -> None:
    batch_config = {
        "encoding": {"format": "jsonl", "compression": "gzip"},
        "storage": {"root": f"file://{tmp_path}", "prefix": "batch-"},
        "batch_size": 100,
    }
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, batch_config=batch_config))

    assert run.returncode == 0, run.stderr
    ids: set[str] = set()
    for message in run.output.messages:
        if message["type"] != "BATCH" or message["stream"] != "conversation_statistics_opened":
            continue
        for url in message["manifest"]:
            with gzip.open(urlparse(url).path, "rt") as lines:
                ids.update(json.loads(line)["id"] for line in lines)
    assert ids == set(truth(sandbox)["conversation_statistics_opened"])
    assert run.output.records("conversation_statistics_opened") == []
