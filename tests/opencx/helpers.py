"""Configs and ground truth for tap-opencx tests."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sandbox.synthetic import ANCHOR, DAY_MS
from tests.support.processes import BIN, write_json

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.opencx.data import OpenCxData
    from tests.support.singer import SingerOutput

START = ANCHOR
"""The tests' start_date: the first instant of sandbox data."""

STREAMS = (
    "sessions", "session_history", "csat_scores", "contacts", "handoff_events", "insights",
)  # fmt: skip


def config(sandbox: Sandbox, **overrides: Any) -> dict[str, Any]:
    """A tap-opencx config for this sandbox: 7-day windows, no throttle, fixed end."""
    days = (sandbox.opencx.data.now_ms - int(START.timestamp() * 1000)) // DAY_MS
    return {
        "api_key": sandbox.opencx.api_key,
        "api_url": sandbox.urls["opencx"],
        "start_date": START.date().isoformat(),
        "end_date": (START + timedelta(days=days + 10)).isoformat(),
        "window_days": 7,
        "max_requests_per_minute": 0,
        "timeout": 10,
        **overrides,
    }


def instant(text: str) -> datetime:
    """A time as the sandbox wrote it, as an aware datetime (independent of the tap)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def parsed(value: str) -> datetime:
    """An ISO-8601 string from the tap, as an aware datetime; it must be in UTC."""
    result = datetime.fromisoformat(value)
    assert result.utcoffset() == timedelta(0), f"{value} is not in UTC"
    return result


def keys(records: list[dict[str, Any]], *fields: str) -> set[Any]:
    """The (compound) primary keys of delivered records."""
    if len(fields) == 1:
        return {record[fields[0]] for record in records}
    return {tuple(record[f] for f in fields) for record in records}


def truth(data: OpenCxData) -> dict[str, set[Any]]:
    """Every stream's primary keys in the sandbox, as the tap should deliver them."""
    return {
        "sessions": set(data.sessions.records),
        "session_history": {(s, e["id"]) for s, events in data.history.items() for e in events},
        "csat_scores": {score["id"] for score in data.csat.records.values()},
        "contacts": set(data.contacts.records),
        "handoff_events": {
            (e["session_id"], instant(e["created_at"]))
            for e in data.handoff_events.records.values()
        },
        "insights": set(data.insights.records),
    }


def delivered(output: SingerOutput) -> dict[str, set[Any]]:
    """Every stream's primary keys in a tap's output, comparable to `truth`."""
    return {
        "sessions": output.ids("sessions"),
        "session_history": keys(output.records("session_history"), "session_id", "id"),
        "csat_scores": output.ids("csat_scores"),
        "contacts": output.ids("contacts"),
        "handoff_events": {
            (e["session_id"], parsed(e["created_at"])) for e in output.records("handoff_events")
        },
        "insights": output.ids("insights"),
    }


def discovered_catalog(workdir: Path) -> dict[str, Any]:
    """The catalog `tap-opencx --discover` writes (offline, without credentials)."""
    completed = subprocess.run(
        [
            str(BIN / "tap-opencx"),
            "--config",
            str(write_json(workdir / "none.json", {})),
            "--discover",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    catalog: dict[str, Any] = json.loads(completed.stdout)
    return catalog


def metadata(entry: dict[str, Any], *breadcrumb: str) -> dict[str, Any]:
    """The metadata of a catalog entry's stream (no breadcrumb) or of one of its fields."""
    path = ["properties", *breadcrumb] if breadcrumb else []
    found: dict[str, Any] = next(
        m["metadata"] for m in entry["metadata"] if m["breadcrumb"] == path
    )
    return found


def select_only(catalog: dict[str, Any], streams: set[str]) -> dict[str, Any]:
    """Select exactly `streams` in the catalog (in place) and return it."""
    for entry in catalog["streams"]:
        metadata(entry)["selected"] = entry["tap_stream_id"] in streams
    return catalog
