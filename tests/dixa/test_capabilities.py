"""Flattening and stream maps on the Dixa API's nested records (every tap's: tests/conformance)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.dixa.helpers import catalog, config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_dixa_api_records_flatten_and_map(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(
        sandbox,
        flattening_enabled=True,
        flattening_max_depth=1,
        stream_maps={"agents": {"__filter__": "'Admin' in (roles or [])", "email": "__NULL__"}},
    )
    run = run_tap("tap-dixa", tmp_path, settings, catalog=catalog("activity_logs", "agents"))

    assert run.returncode == 0, run.stderr
    activity = run.output.records("activity_logs")
    truth = sandbox.dixa.api_data.activities
    assert all(r["author__id"] == truth[r["id"]]["author"]["id"] for r in activity)
    assigned = next(r for r in activity if r["_type"] == "ConversationAssigned")
    assert assigned["attributes__agentId"] == truth[assigned["id"]]["attributes"]["agentId"]
    admins = {a["id"] for a in sandbox.dixa.api_data.agents if "Admin" in a["roles"]}
    assert admins
    assert run.output.ids("agents") == admins
    assert all("email" not in a for a in run.output.records("agents"))
