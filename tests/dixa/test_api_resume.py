"""The Dixa API streams, killed with SIGKILL, resume from their last STATE losing nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from support_taps_common.times import parse_instant

from sandbox.faults import Hold
from tests.dixa.helpers import catalog, config
from tests.support.processes import RunningTap, run_tap, tap_command

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.support.singer import SingerOutput


def _kill_at(
    sandbox: Sandbox, tmp_path: Path, stream: str, path: str, skip: int
) -> tuple[SingerOutput, dict[str, Any], dict[str, Any]]:
    """Run `stream` until request `skip + 1` to `path`, SIGKILL it, then resume."""
    settings = config(sandbox)
    hold = Hold()
    sandbox.dixa.api.faults.inject(hold, path=path, skip=skip)
    tap = RunningTap(tap_command("tap-dixa", tmp_path, settings, catalog=catalog(stream)))
    assert hold.reached.wait(timeout=60), "the tap never got that far"
    before_kill = tap.kill_and_collect()
    hold.release()
    sandbox.dixa.api.clear_log()
    assert before_kill.records(stream), "the killed run had delivered records"
    return before_kill, before_kill.final_state, settings


def test_killed_activity_log_resumes_where_it_was(sandbox: Sandbox, tmp_path: Path) -> None:
    path = "/v1/conversations/activitylog"
    # One request a day. The tap asks for the next day while it writes one, so when the
    # 7th request arrives the first five days are written and checkpointed.
    before_kill, state, settings = _kill_at(sandbox, tmp_path, "activity_logs", path, skip=6)

    resumed = run_tap("tap-dixa", tmp_path, settings, state=state, catalog=catalog("activity_logs"))

    assert resumed.returncode == 0, resumed.stderr
    delivered = before_kill.ids("activity_logs") | resumed.output.ids("activity_logs")
    assert delivered == set(sandbox.dixa.api_data.activity_ms)
    first = sandbox.dixa.api.requests_to(path)[0]
    assert str(first.param("fromDatetime")) >= "2025-01-05", "resumed, not started over"


def test_killed_analytics_rows_resume_per_record_id(sandbox: Sandbox, tmp_path: Path) -> None:
    path = "/v1/analytics/records"  # one GET of the catalogue, then a POST per window
    before_kill, state, settings = _kill_at(sandbox, tmp_path, "analytics_records", path, skip=11)
    bookmarks = {
        p["context"]["record_id"]: p["replication_key_value"]
        for p in state["bookmarks"]["analytics_records"]["partitions"]
    }
    assert set(bookmarks) == {"ratings", "closed_conversations"}

    resumed = run_tap(
        "tap-dixa", tmp_path, settings, state=state, catalog=catalog("analytics_records")
    )

    assert resumed.returncode == 0, resumed.stderr
    got = {
        (r["record_id"], int(r["fields"].get("conversation_id") or r["fields"]["csid"]))
        for output in (before_kill, resumed.output)
        for r in output.records("analytics_records")
    }
    truth = sandbox.dixa.analytics_data.rows
    assert got == {(record_id, int(key)) for record_id, rows in truth.items() for key in rows}
    first_asked: dict[str, str] = {}
    for request in sandbox.dixa.api.requests_to(path):
        if request.method == "POST":
            body = json.loads(request.body)
            first_asked.setdefault(body["id"], body["periodFilter"]["start"])
    for record_id, bookmark in bookmarks.items():
        since = parse_instant(first_asked[record_id])
        assert since == parse_instant(bookmark) - timedelta(milliseconds=1), "not started over"
