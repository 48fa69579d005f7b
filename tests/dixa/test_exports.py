"""tap-dixa's export streams against the sandbox's ground truth."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest

from sandbox import Bounds
from sandbox.faults import Status
from sandbox.synthetic import ANCHOR_MS, DAY_MS
from tests.dixa.helpers import config, instant, parsed
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox

CONVERSATION_TIMES = (
    "created_at", "queued_at", "closed_at", "assigned_at", "updated_at",
    "last_message_created_at", "anonymized_at", "transfer_time",
)  # fmt: skip


@pytest.mark.parametrize("bounds", list(Bounds), ids=lambda b: b.name.lower())
def test_every_record_once_whatever_the_bounds(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, bounds: Bounds
) -> None:
    sandbox = make_sandbox(bounds=bounds)
    truth = sandbox.dixa.exports_data
    boundaries = {ANCHOR_MS + week * 7 * DAY_MS for week in range(1, 6)}
    # The premise: records sit exactly on the 7-day window boundaries.
    assert boundaries <= {c["updated_at"] for c in truth.conversations.values()}
    assert boundaries <= {m["created_at"] for m in truth.messages.values()}

    run = run_tap("tap-dixa", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    conversations = run.output.records("conversations")
    messages = run.output.records("messages")
    assert sorted(c["id"] for c in conversations) == sorted(truth.conversations)
    assert sorted(m["id"] for m in messages) == sorted(truth.messages)


def test_epoch_milliseconds_become_utc_instants(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    truth = sandbox.dixa.exports_data
    checked = 0
    for record in run.output.records("conversations"):
        expected = truth.conversations[record["id"]]
        for name in CONVERSATION_TIMES:
            if expected.get(name) is None:
                assert record.get(name) is None
                continue
            assert parsed(record[name]) == instant(expected[name]), (record["id"], name)
            checked += 1
        for got, sent in zip(record["ratings"], expected["ratings"], strict=True):
            assert parsed(got["rating_rated_timestamp"]) == instant(sent["rating_rated_timestamp"])
            assert got["rating_cancelled_timestamp"] is None
    for record in run.output.records("messages"):
        assert parsed(record["created_at"]) == instant(truth.messages[record["id"]]["created_at"])
    assert checked > len(truth.conversations) * 4


def test_nested_values_keep_their_structure(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox))

    truth = sandbox.dixa.exports_data
    by_id = {c["id"]: c for c in run.output.records("conversations")}
    tagged = next(c for c in truth.conversations.values() if c["tags_info"])
    assert by_id[tagged["id"]]["tags_info"] == tagged["tags_info"]
    assert by_id[tagged["id"]]["custom_fields"] == tagged["custom_fields"]
    form = next(m for m in truth.messages.values() if "formSubmission" in m)
    delivered = {m["id"]: m for m in run.output.records("messages")}
    assert delivered[form["id"]]["formSubmission"] == form["formSubmission"]


def test_windows_are_contiguous_and_within_31_days(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox, window_days=31))

    assert run.returncode == 0, run.stderr
    requests = sandbox.dixa.exports.requests_to("/v1/conversation_export")
    spans = [
        (int(r.param("updated_after") or 0), int(r.param("updated_before") or 0)) for r in requests
    ]
    assert len(spans) >= 2
    assert spans[0][0] == ANCHOR_MS - 1
    for (_, before), (after, _) in pairwise(spans):
        assert after == before - 1, "each window starts where the previous one ended"
    assert all(before - after <= 31 * DAY_MS for after, before in spans)


def test_records_are_sorted_and_checkpointed_per_window(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox))

    keys = [parsed(c["updated_at"]) for c in run.output.records("conversations")]
    assert keys == sorted(keys)
    windows = len(sandbox.dixa.exports.requests_to("/v1/conversation_export"))
    bookmarks = [
        s["bookmarks"]["conversations"].get("replication_key_value")
        for s in run.output.states
        if "conversations" in s.get("bookmarks", {})
    ]
    assert len(bookmarks) >= windows
    assert run.output.final_state["bookmarks"]["conversations"]["replication_key_value"] == max(
        c["updated_at"] for c in run.output.records("conversations")
    )


def test_log_tells_window_progress(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox))

    assert "conversations: window 1 of 8" in run.stderr
    assert "conversations: window 8 of 8" in run.stderr


def test_unknown_fields_dropped_at_top_level_kept_inside_objects(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    first_window = ANCHOR_MS + 7 * DAY_MS
    conversation = dict(
        next(
            c
            for c in sandbox.dixa.exports_data.conversations.values()
            if c["updated_at"] < first_window
        )
    )
    conversation["field_dixa_added_later"] = "x"
    conversation["custom_fields"] = [{"attribute_id": "a", "value": "v", "new_key": 1}]
    body = json.dumps([conversation]).encode()
    sandbox.dixa.exports.faults.inject(Status(200, body), path="/v1/conversation_export")

    run = run_tap("tap-dixa", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    record = next(r for r in run.output.records("conversations") if r["id"] == conversation["id"])
    assert "field_dixa_added_later" not in record
    assert record["custom_fields"] == [{"attribute_id": "a", "value": "v", "new_key": 1}]
