"""Session history and CSAT scores: read for every session the run reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sandbox.opencx import NoScore
from tests.opencx.helpers import config, discovered_catalog, keys, select_only, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_history_without_ids_gets_ids_stable_across_runs(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.opencx.readings.history_ids = False
    data = sandbox.opencx.data

    first = run_tap("tap-opencx", tmp_path, config(sandbox))
    second = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert first.returncode == 0, first.stderr
    history = first.output.records("session_history")
    assert len(keys(history, "session_id", "id")) == sum(len(h) for h in data.history.values())
    assert keys(history, "session_id") == set(data.history)
    assert keys(history, "session_id", "id") == keys(
        second.output.records("session_history"), "session_id", "id"
    )


def test_identical_history_items_are_told_apart(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.opencx.readings.history_ids = False
    session_id, events = next(iter(sandbox.opencx.data.history.items()))
    events.append({**events[-1], "id": "twin"})  # without ids: the same item twice

    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    items = [h for h in run.output.records("session_history") if h["session_id"] == session_id]
    assert len(items) == len(events)
    assert len({item["id"] for item in items}) == len(events)


def test_history_spanning_pages(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.opencx.readings.page_size = 2

    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    assert (
        keys(run.output.records("session_history"), "session_id", "id")
        == (truth(sandbox.opencx.data)["session_history"])
    )
    longest = max(len(h) for h in sandbox.opencx.data.history.values())
    assert longest > 2 * 2, "some history spans three pages or more"


@pytest.mark.parametrize("no_score", list(NoScore), ids=lambda n: n.name.lower())
def test_sessions_without_a_score_give_no_row(
    sandbox: Sandbox, tmp_path: Path, no_score: NoScore
) -> None:
    sandbox.opencx.readings.no_score = no_score
    data = sandbox.opencx.data

    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    scores = {s["session_id"]: s for s in run.output.records("csat_scores")}
    assert set(scores) == set(data.csat.records)
    assert len(scores) < len(data.sessions)
    for session_id, score in scores.items():
        assert score["score"] == data.csat[session_id]["score"]
        assert score["contact"] == data.csat[session_id]["contact"]
    requested = sandbox.opencx.api.requests
    assert sum(r.path.startswith("/csat/") for r in requested) == len(data.sessions)


def _paths(sandbox: Sandbox) -> set[str]:
    return {r.path.split("/")[1] + ("/history" if r.path.endswith("/history") else "")
            for r in sandbox.opencx.api.requests}  # fmt: skip


def test_deselected_children_are_never_requested(sandbox: Sandbox, tmp_path: Path) -> None:
    selected = select_only(
        discovered_catalog(tmp_path), {"sessions", "contacts", "handoff_events", "insights"}
    )

    run = run_tap("tap-opencx", tmp_path, config(sandbox), catalog=selected)

    assert run.returncode == 0, run.stderr
    assert _paths(sandbox) == {"chat", "contacts", "handoff-analytics", "insights"}
    assert run.output.ids("sessions") == set(sandbox.opencx.data.sessions.records)
    assert run.output.records("session_history") == []


def test_children_alone_still_walk_the_sessions(sandbox: Sandbox, tmp_path: Path) -> None:
    selected = select_only(discovered_catalog(tmp_path), {"csat_scores"})

    run = run_tap("tap-opencx", tmp_path, config(sandbox), catalog=selected)

    assert run.returncode == 0, run.stderr
    assert run.output.records("sessions") == []
    assert run.output.ids("csat_scores") == truth(sandbox.opencx.data)["csat_scores"]
    assert _paths(sandbox) == {"chat", "csat"}
    by_stream: dict[str, Any] = run.output.by_stream()
    assert set(by_stream) == {"csat_scores"}
