"""A second run from the final STATE reads only what changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from support_taps_common.times import parse_instant
from tap_dixa.tap import TapDixa
from tap_dixa.timestamps import to_epoch_ms

from tests.conformance.in_process import selecting, sync
from tests.dixa.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_second_run_reads_new_and_updated_records(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(sandbox)
    first = run_tap("tap-dixa", tmp_path, settings)
    assert first.returncode == 0, first.stderr
    state = first.output.final_state
    bookmark = {
        stream: to_epoch_ms(parse_instant(state["bookmarks"][stream]["replication_key_value"]))
        for stream in ("conversations", "messages")
    }
    changes = sandbox.dixa.mutate()
    sandbox.dixa.exports.clear_log()

    second = run_tap("tap-dixa", tmp_path, settings, state=state)

    assert second.returncode == 0, second.stderr
    truth = sandbox.dixa.exports_data
    conversations = second.output.ids("conversations")
    assert changes.updated_conversations | changes.new_conversations <= conversations
    unchanged = conversations - changes.updated_conversations - changes.new_conversations
    assert all(truth.conversations[c]["updated_at"] == bookmark["conversations"] for c in unchanged)
    messages = second.output.ids("messages")
    assert changes.new_messages <= messages
    assert all(
        truth.messages[m]["created_at"] == bookmark["messages"]
        for m in messages - changes.new_messages
    )
    updated = {c["id"]: c for c in second.output.records("conversations")}
    assert all(updated[c]["status"] == "closed" for c in changes.updated_conversations)
    first_request = sandbox.dixa.exports.requests_to("/v1/conversation_export")[0]
    assert first_request.param("updated_after") == str(bookmark["conversations"] - 1)


def test_start_date_applies_when_later_than_the_bookmark(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(sandbox)
    first = run_tap("tap-dixa", tmp_path, config(sandbox, end_date="2025-01-10"))
    later = "2025-01-20T06:00:00+05:30"
    sandbox.dixa.exports.clear_log()

    second = run_tap(
        "tap-dixa", tmp_path, {**settings, "start_date": later}, state=first.output.final_state
    )

    assert second.returncode == 0, second.stderr
    first_request = sandbox.dixa.exports.requests_to("/v1/conversation_export")[0]
    start_ms = to_epoch_ms(parse_instant(later))
    assert first_request.param("updated_after") == str(start_ms - 1)
    truth = sandbox.dixa.exports_data.conversations
    assert second.output.ids("conversations") == {
        key for key, c in truth.items() if c["updated_at"] >= start_ms
    }


def test_a_start_date_at_the_epoch_is_asked_for_as_the_api_allows(sandbox: Sandbox) -> None:
    # Asked for as `updated_after=-1`, the API refused it with a 400.
    catalog = selecting(TapDixa, "conversations")
    settings = config(sandbox, start_date="1970-01-01", window_days=31)

    run = sync(TapDixa, settings, catalog=catalog)

    assert run.error is None, run.error
    assert run.output.ids("conversations") == set(sandbox.dixa.exports_data.conversations)
    first = sandbox.dixa.exports.requests_to("/v1/conversation_export")[0]
    assert first.param("updated_after") == "0"
