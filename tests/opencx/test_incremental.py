"""A second run from the final STATE reads only what changed, children included."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from tests.opencx.helpers import config, delivered, instant, keys, parsed, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

INCREMENTAL = {
    "sessions": ("updated_at", "/chat/sessions", "updated_after"),
    "contacts": ("updated_at", "/contacts", "updated_after"),
    "handoff_events": ("created_at", "/handoff-analytics/events", "start_date"),
}


def test_second_run_reads_new_and_updated_records(sandbox: Sandbox, tmp_path: Path) -> None:
    first = run_tap("tap-opencx", tmp_path, config(sandbox))
    assert first.returncode == 0, first.stderr
    state = first.output.final_state
    bookmark = {
        stream: parsed(state["bookmarks"][stream]["replication_key_value"])
        for stream in INCREMENTAL
    }
    changes = sandbox.opencx.mutate()
    sandbox.opencx.api.clear_log()

    second = run_tap("tap-opencx", tmp_path, config(sandbox), state=state)

    assert second.returncode == 0, second.stderr
    data = sandbox.opencx.data
    changed = changes.updated_sessions | changes.new_sessions
    sessions = second.output.ids("sessions")
    assert changed <= sessions
    # Besides what changed, at most the records at the bookmark come again.
    assert all(
        instant(data.sessions[s]["updated_at"]) == bookmark["sessions"] for s in sessions - changed
    )
    contacts = second.output.ids("contacts")
    assert changes.updated_contacts | changes.new_contacts <= contacts
    assert all(
        instant(data.contacts[c]["updated_at"]) == bookmark["contacts"]
        for c in contacts - changes.updated_contacts - changes.new_contacts
    )
    events = second.output.records("handoff_events")
    new_events = {(k.split("/")[0], instant(k.split("/")[1])) for k in changes.new_handoff_events}
    assert new_events <= {(e["session_id"], parsed(e["created_at"])) for e in events}
    assert all(parsed(e["created_at"]) >= bookmark["handoff_events"] for e in events)

    # An updated session comes again with its whole history, the new items included.
    history = second.output.records("session_history")
    assert keys(history, "session_id") == sessions
    assert {event_id for _, event_id in keys(history, "session_id", "id")} >= changes.new_history
    assert keys(history, "session_id", "id") == {
        (s, e["id"]) for s in sessions for e in data.history[s]
    }
    scores = {s["session_id"]: s for s in second.output.records("csat_scores")}
    assert set(scores) == {s for s in sessions if s in data.csat}
    assert all(scores[s]["score"] == data.csat[s]["score"] for s in changes.updated_sessions)
    # Insights have no updated-since filter: the whole table, new and updated included.
    assert delivered(second.output)["insights"] == truth(data)["insights"]

    for stream, (_, path, parameter) in INCREMENTAL.items():
        first_request = sandbox.opencx.api.requests_to(path)[0]
        sent = instant(first_request.param(parameter) or "")
        expected = bookmark[stream].replace(microsecond=0) - timedelta(seconds=1)
        assert sent == expected, f"{stream}: the bookmark is sent to the API"


def test_start_date_applies_when_later_than_the_bookmark(sandbox: Sandbox, tmp_path: Path) -> None:
    first = run_tap("tap-opencx", tmp_path, config(sandbox, end_date="2025-01-10"))
    later = "2025-01-20T06:00:00+05:30"
    sandbox.opencx.api.clear_log()

    second = run_tap(
        "tap-opencx",
        tmp_path,
        config(sandbox, start_date=later),
        state=first.output.final_state,
    )

    assert second.returncode == 0, second.stderr
    first_request = sandbox.opencx.api.requests_to("/contacts")[0]
    assert first_request.param("updated_after") == "2025-01-20T00:29:59Z"
    start = parsed("2025-01-20T00:30:00+00:00")
    assert second.output.ids("contacts") == {
        key
        for key, contact in sandbox.opencx.data.contacts.records.items()
        if instant(contact["updated_at"]) >= start
    }
