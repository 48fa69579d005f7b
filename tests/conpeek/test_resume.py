"""A run killed with SIGKILL resumes from its last STATE without losing a row."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from sandbox.conpeek import IdBounds, Order, Readings
from sandbox.faults import Hold
from sandbox.synthetic import ANCHOR
from tests.conpeek.helpers import (
    CALLBACKS,
    DIALOGS,
    STATISTICS,
    STREAMS,
    config,
    parsed,
    sent_filter,
    truth,
    utc,
)
from tests.support.processes import RunningTap, run_tap, tap_command

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox

KEYS = {"conversation_statistics_opened": "id", "cdr_dialogs": "dialog_uuid", "callbacks": "id"}


@pytest.mark.parametrize(
    "path",
    [STATISTICS, DIALOGS, CALLBACKS],
    ids=["during-statistics", "during-calls", "during-callbacks"],
)
@pytest.mark.parametrize(
    "readings",
    [Readings(), Readings(order=Order.DESCENDING, id_bounds=IdBounds.INCLUSIVE)],
    ids=["ascending-exclusive", "descending-inclusive"],
)
def test_killed_run_resumes_where_it_was(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, path: str, readings: Readings
) -> None:
    sandbox = make_sandbox(conpeek=readings)
    settings = config(sandbox)
    hold = Hold()
    sandbox.conpeek.api.faults.inject(hold, path=path, skip=10)  # the 11th window's request
    tap = RunningTap(tap_command("tap-conpeek", tmp_path, settings))
    assert hold.reached.wait(timeout=60), "the tap never reached the 11th window"

    before_kill = tap.kill_and_collect()
    hold.release()
    sandbox.conpeek.api.clear_log()
    resumed = run_tap("tap-conpeek", tmp_path, settings, state=before_kill.final_state)

    assert resumed.returncode == 0, resumed.stderr
    for stream in STREAMS:
        delivered = before_kill.ids(stream, KEYS[stream]) | resumed.output.ids(stream, KEYS[stream])
        assert delivered == set(truth(sandbox)[stream]), stream
    # The resumed run continues from the bookmark of the 10th window (or the 9th: while the
    # 11th is read ahead, the 10th may still be being written), not from the start.
    stream = STREAMS[[STATISTICS, DIALOGS, CALLBACKS].index(path)]
    bookmark = before_kill.final_state["bookmarks"][stream]
    first = sandbox.conpeek.api.requests_to(path)[0]
    if path == STATISTICS:
        assert first.param("from_id") == bookmark["replication_key_value"]
        assert bookmark["date"] >= "2025-01-09"
    else:
        since = parsed(bookmark["replication_key_value"])
        assert since >= ANCHOR + timedelta(days=8)
        assert utc(sent_filter(first)[0]["value"]) == since - timedelta(hours=24)
