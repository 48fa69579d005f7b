"""A second run from the final STATE: new calls, and recent calls whose insights changed."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from tests.iovox.helpers import CALLS, config, parsed, truth

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
from tests.support.processes import run_tap


def test_lookback_redelivers_calls_whose_comments_changed(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(sandbox, lookback_days=3)
    del settings["end_date"]  # up to now, as a scheduled run would
    first = run_tap("tap-iovox", tmp_path, settings)
    assert first.returncode == 0, first.stderr
    state = first.output.final_state
    bookmark = parsed(state["bookmarks"]["calls"]["replication_key_value"])

    changes = sandbox.iovox.mutate()
    sandbox.iovox.api.clear_log()
    second = run_tap("tap-iovox", tmp_path, settings, state=state)

    assert second.returncode == 0, second.stderr
    records = {r["id"]: r for r in second.output.records("calls")}
    assert set(changes.new_calls) <= records.keys()
    assert set(changes.commented_calls) <= records.keys(), "changed calls come again"
    for call_id in changes.commented_calls:
        sent = truth(sandbox)[call_id]
        assert [c["comment_id"] for c in records[call_id]["comments"]] == [
            c["comment_id"] for c in sent.comments
        ], "with the comment added since the first run"
    earliest = min(parsed(r["call_start"]) for r in records.values())
    assert earliest >= bookmark - timedelta(days=3), "only the lookback is read again"
    first_request = sandbox.iovox.api.requests_to(CALLS)[0]
    assert first_request.param("start_date") == (bookmark - timedelta(days=3, seconds=1)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    final = parsed(second.output.final_state["bookmarks"]["calls"]["replication_key_value"])
    assert final == max(parsed(r["call_start"]) for r in records.values())


def test_without_lookback_only_new_calls_come(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(sandbox, lookback_days=0)
    del settings["end_date"]
    first = run_tap("tap-iovox", tmp_path, settings)
    assert first.returncode == 0, first.stderr

    changes = sandbox.iovox.mutate()
    second = run_tap("tap-iovox", tmp_path, settings, state=first.output.final_state)

    assert second.returncode == 0, second.stderr
    delivered = second.output.ids("calls")
    assert set(changes.new_calls) <= delivered
    assert len(delivered - set(changes.new_calls)) <= 1, "at most the call at the bookmark"
