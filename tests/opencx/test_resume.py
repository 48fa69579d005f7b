"""A backfill killed with SIGKILL resumes from its last STATE without losing records."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from sandbox.faults import Hold
from sandbox.synthetic import ANCHOR
from tests.opencx.helpers import config, delivered, instant, truth
from tests.support.processes import RunningTap, run_tap, tap_command

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def _hold_point(sandbox: Sandbox, stream: str) -> tuple[str, int]:
    """The path and how many of its requests to let through before holding one."""
    if stream == "session_history":  # the history of a session well into the backfill
        ordered = sorted(
            sandbox.opencx.data.sessions.records.values(), key=lambda s: s["updated_at"]
        )
        return f"/chat/sessions/{ordered[150]['id']}/history", 0
    # The sixth request is in the fifth window or later (the first has two pages). The
    # tap reads one window ahead, so the STATE after the third is written by then; a
    # request held in the second window could race the first window's STATE.
    return "/handoff-analytics/events", 5


@pytest.mark.parametrize(
    ("stream", "resumed_path", "parameter"),
    [
        ("session_history", "/chat/sessions", "updated_after"),
        ("handoff_events", "/handoff-analytics/events", "start_date"),
    ],
)
def test_killed_backfill_resumes_where_it_was(
    sandbox: Sandbox, tmp_path: Path, stream: str, resumed_path: str, parameter: str
) -> None:
    settings = config(sandbox)
    hold = Hold()
    path, skip = _hold_point(sandbox, stream)
    sandbox.opencx.api.faults.inject(hold, path=path, skip=skip)
    tap = RunningTap(tap_command("tap-opencx", tmp_path, settings))
    assert hold.reached.wait(timeout=60), f"the tap never reached {path}"

    before_kill = tap.kill_and_collect()
    hold.release()
    sandbox.opencx.api.clear_log()
    resumed = run_tap("tap-opencx", tmp_path, settings, state=before_kill.final_state)

    assert resumed.returncode == 0, resumed.stderr
    got, resumed_got = delivered(before_kill), delivered(resumed.output)
    for name, expected in truth(sandbox.opencx.data).items():
        assert got[name] | resumed_got[name] == expected, name
    first = sandbox.opencx.api.requests_to(resumed_path)[0]
    assert instant(first.param(parameter) or "") >= ANCHOR + timedelta(days=7), (
        "the resumed run started over instead of continuing"
    )
