"""Stream maps reach the children: a session filtered out is not read for history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.opencx.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_stream_maps_filter_and_drop(sandbox: Sandbox, tmp_path: Path) -> None:
    maps = {
        "sessions": {"__filter__": "status == 'open'", "summary": "__NULL__"},
        "contacts": {"email": "__NULL__"},
        "insights": None,
    }
    run = run_tap("tap-opencx", tmp_path, config(sandbox, stream_maps=maps))

    assert run.returncode == 0, run.stderr
    data = sandbox.opencx.data
    opened = {k for k, s in data.sessions.records.items() if s["status"] == "open"}
    assert run.output.ids("sessions") == opened
    assert all("summary" not in s for s in run.output.records("sessions"))
    assert all("email" not in c for c in run.output.records("contacts"))
    assert run.output.records("insights") == []
    # A filtered-out session's children are not read either.
    history_sessions = {h["session_id"] for h in run.output.records("session_history")}
    assert history_sessions == opened
