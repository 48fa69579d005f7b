"""A backfill killed with SIGKILL resumes from its last STATE without losing records."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sandbox.faults import Hold
from sandbox.synthetic import ANCHOR_MS, DAY_MS
from tests.dixa.helpers import config
from tests.support.processes import RunningTap, run_tap, tap_command

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


@pytest.mark.parametrize(
    ("path", "window_field"),
    [("/v1/conversation_export", "updated"), ("/v1/message_export", "created")],
    ids=["during-conversations", "during-messages"],
)
def test_killed_backfill_resumes_where_it_was(
    sandbox: Sandbox, tmp_path: Path, path: str, window_field: str
) -> None:
    settings = config(sandbox)
    hold = Hold()
    # The 5th window's request: the tap asks for the next window while it writes one,
    # so by then the first three are written and checkpointed.
    sandbox.dixa.exports.faults.inject(hold, path=path, skip=4)
    tap = RunningTap(tap_command("tap-dixa", tmp_path, settings))
    assert hold.reached.wait(timeout=60), "the tap never reached the 5th window"

    before_kill = tap.kill_and_collect()
    hold.release()
    sandbox.dixa.exports.clear_log()
    resumed = run_tap("tap-dixa", tmp_path, settings, state=before_kill.final_state)

    assert resumed.returncode == 0, resumed.stderr
    truth = sandbox.dixa.exports_data
    for stream, records in (("conversations", truth.conversations), ("messages", truth.messages)):
        delivered = before_kill.ids(stream)
        assert delivered | resumed.output.ids(stream) == set(records), stream
    first = sandbox.dixa.exports.requests_to(path)[0]
    assert int(first.param(f"{window_field}_after") or 0) >= ANCHOR_MS + 2 * 7 * DAY_MS - 1, (
        "the resumed run started over instead of continuing"
    )
