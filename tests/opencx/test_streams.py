"""tap-opencx's streams against the sandbox's ground truth."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest

from sandbox.faults import Status
from sandbox.opencx import RangeBounds
from sandbox.synthetic import ANCHOR, ANCHOR_MS, DAY_MS
from tests.opencx.helpers import STREAMS, config, delivered, instant, parsed, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

TIMES = {
    "sessions": ("created_at", "updated_at"),
    "contacts": ("created_at", "updated_at"),
    "csat_scores": ("created_at", "updated_at"),
    "insights": (
        "resolved_at", "archived_at", "deep_research_completed_at", "first_seen_at",
        "last_seen_at", "created_at", "updated_at",
    ),
}  # fmt: skip


@pytest.mark.parametrize("bounds", list(RangeBounds), ids=lambda b: b.name.lower())
def test_every_record_once_whatever_the_bounds(
    sandbox: Sandbox, tmp_path: Path, bounds: RangeBounds
) -> None:
    sandbox.opencx.readings.bounds = bounds
    data = sandbox.opencx.data
    boundaries = {ANCHOR_MS + week * 7 * DAY_MS for week in range(1, 6)}
    # The premise: records sit exactly on the 7-day window boundaries.
    for table, field in (
        (data.sessions, "updated_at"),
        (data.contacts, "updated_at"),
        (data.handoff_events, "created_at"),
    ):
        times = {instant(r[field]) for r in table.records.values()}
        assert {ANCHOR + timedelta(milliseconds=b - ANCHOR_MS) for b in boundaries} <= times

    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    assert delivered(run.output) == truth(data)
    for stream in ("sessions", "contacts", "insights", "csat_scores"):
        records = run.output.records(stream)
        assert len(records) == len({r["id"] for r in records}), f"{stream} repeats a record"


def test_times_leave_as_utc_instants(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    data = sandbox.opencx.data
    sources = {
        "sessions": data.sessions.records,
        "contacts": data.contacts.records,
        "insights": data.insights.records,
        "csat_scores": {s["id"]: s for s in data.csat.records.values()},
    }
    checked = 0
    for stream, fields in TIMES.items():
        for record in run.output.records(stream):
            sent = sources[stream][record["id"]]
            for name in fields:
                if sent[name] is None:
                    assert record[name] is None
                    continue
                assert parsed(record[name]) == instant(sent[name]), (stream, name)
                checked += 1
    events = {(s, e["id"]): e for s, history in data.history.items() for e in history}
    for item in run.output.records("session_history"):
        sent = events[item["session_id"], item["id"]]
        assert parsed(item["created_at"]) == instant(sent["created_at"])
    assert checked > 2 * len(data.sessions)


def test_nested_objects_keep_their_contents(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    data = sandbox.opencx.data
    sessions = {s["id"]: s for s in run.output.records("sessions")}
    for session_id, session in sessions.items():
        sent = data.sessions[session_id]
        for name in ("contact", "custom_data", "channel", "team", "handoff", "ticketing_system"):
            assert session[name] == sent[name], name
    history = {(h["session_id"], h["id"]): h for h in run.output.records("session_history")}
    for session_id, events in data.history.items():
        for event in events:
            assert history[session_id, event["id"]]["event"] == event["event"]
    assert [i["category"] for i in run.output.records("insights")] == [
        data.insights[i["id"]]["category"] for i in run.output.records("insights")
    ]


def test_unknown_fields_dropped_at_top_level_kept_inside_objects(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    first_week = [
        dict(s)
        for s in sandbox.opencx.data.sessions.records.values()
        if instant(s["updated_at"]) < ANCHOR + timedelta(days=7)
    ]
    session, other = first_week[:2]
    session["sla_breached"] = True
    session["channel"] = {"type": "web", "widget_id": "w-1"}
    other["sla_breached"] = False
    body = json.dumps({"items": [session, other], "next": None})
    sandbox.opencx.api.faults.inject(Status(200, body.encode()), path="/chat/sessions")

    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    record = next(r for r in run.output.records("sessions") if r["id"] == session["id"])
    assert "sla_breached" not in record
    assert record["channel"] == {"type": "web", "widget_id": "w-1"}
    warnings = [line for line in run.stderr.splitlines() if "sla_breached" in line]
    assert len(warnings) == 1, "the new field is reported once"
    assert "sessions" in warnings[0]


def test_windows_are_contiguous_and_cut_at_midnight(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-opencx", tmp_path, config(sandbox, start_date="2025-01-03T15:30:00+05:30"))

    assert run.returncode == 0, run.stderr
    for path, after, before in (
        ("/chat/sessions", "updated_after", "updated_before"),
        ("/contacts", "updated_after", "updated_before"),
        ("/handoff-analytics/events", "start_date", "end_date"),
    ):
        requests = [r for r in sandbox.opencx.api.requests_to(path) if r.param("cursor") is None]
        spans = [(instant(r.param(after) or ""), instant(r.param(before) or "")) for r in requests]
        assert spans[0][0] == ANCHOR + timedelta(days=2, hours=10) - timedelta(seconds=1)
        for (_, end), (start, _) in pairwise(spans):
            assert start == end - timedelta(seconds=1), "each window starts where the last ended"
            assert end == end.replace(hour=0, minute=0, second=0), "bounds are UTC midnights"
        assert all(r.param(after).endswith("Z") for r in requests)  # type: ignore[union-attr]


def test_records_are_sorted_and_checkpointed_per_window(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    for stream, key in (
        ("sessions", "updated_at"),
        ("contacts", "updated_at"),
        ("handoff_events", "created_at"),
    ):
        times = [parsed(r[key]) for r in run.output.records(stream)]
        assert times == sorted(times), stream
        bookmarks = [
            s["bookmarks"][stream].get("replication_key_value")
            for s in run.output.states
            if stream in s.get("bookmarks", {})
        ]
        assert len(set(bookmarks)) >= 6, f"{stream}: a STATE after every window"
        final = run.output.final_state["bookmarks"][stream]["replication_key_value"]
        assert parsed(final) == max(times)


def test_state_has_no_entry_per_session(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    state = run.output.final_state
    assert state["bookmarks"]["session_history"] == {}
    assert state["bookmarks"]["csat_scores"] == {}
    assert len(json.dumps(state)) < 1000


def test_log_tells_window_progress(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert "sessions: window 1 of 8" in run.stderr
    assert "handoff_events: window 8 of 8" in run.stderr


def test_one_schema_per_stream_before_its_records(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    seen: dict[str, int] = {}
    for message in run.output.messages:
        if message["type"] == "SCHEMA":
            seen[message["stream"]] = seen.get(message["stream"], 0) + 1
        elif message["type"] == "RECORD":
            assert message["stream"] in seen, f"RECORD of {message['stream']} before its SCHEMA"
    # Targets flush on every SCHEMA; the SDK would repeat a child's for every session.
    assert seen == dict.fromkeys(STREAMS, 1)
