"""Handoff analytics: each time the AI handed a session to a human."""

from __future__ import annotations

from typing import ClassVar

from tap_opencx.windowed import WindowedStream


class HandoffEventsStream(WindowedStream):
    """Handoff events, by when they happened.

    Events have no id; a session is handed off at most once at any one instant, so the
    session and the time identify an event.
    """

    name = "handoff_events"
    path = "/handoff-analytics/events"
    primary_keys: ClassVar[tuple[str, ...]] = ("session_id", "created_at")
    replication_key = "created_at"
    range_params = ("start_date", "end_date")
