"""A run killed with SIGKILL resumes from its last STATE without losing a call."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sandbox.faults import Hold
from sandbox.synthetic import ANCHOR
from tests.iovox.helpers import CALLS, config, parsed, truth
from tests.support.processes import RunningTap, run_tap, tap_command

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_killed_run_resumes_where_it_was(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(sandbox, page_size=1000, lookback_days=1)
    hold = Hold()
    # The 12th window's request: it goes out while the 11th window is written, when the
    # tenth has been checkpointed.
    sandbox.iovox.api.faults.inject(hold, path=CALLS, skip=11)
    tap = RunningTap(tap_command("tap-iovox", tmp_path, settings))
    assert hold.reached.wait(timeout=60), "the tap never reached the 12th window"

    before_kill = tap.kill_and_collect()
    hold.release()
    sandbox.iovox.api.clear_log()
    resumed = run_tap("tap-iovox", tmp_path, settings, state=before_kill.final_state)

    assert resumed.returncode == 0, resumed.stderr
    assert before_kill.ids("calls") | resumed.output.ids("calls") == set(truth(sandbox))
    bookmark = parsed(before_kill.final_state["bookmarks"]["calls"]["replication_key_value"])
    assert bookmark >= ANCHOR + timedelta(days=9), "ten windows were checkpointed"
    first = sandbox.iovox.api.requests_to(CALLS)[0]
    since = bookmark - timedelta(days=1, seconds=1)
    assert first.param("start_date") == since.strftime("%Y-%m-%d %H:%M:%S"), "not from the start"
