"""Open CX's GET streams: sessions and what each session has, contacts, handoff events."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import TYPE_CHECKING, ClassVar

from typing_extensions import override

from tap_opencx.client import CursorStream, OpenCxStream, WindowedCursorStream

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests
    from singer_sdk.helpers.types import Context, Record

    from tap_opencx.tap import TapOpenCX

HISTORY_ID_NAMESPACE = uuid.UUID("4ac80b14-00e0-461f-87be-9d62e8c3bbde")
"""Namespace of the ids the tap derives for history items that come without one."""


class SessionsStream(WindowedCursorStream):
    """Chat sessions, by when they were last updated; each one read brings its children."""

    name = "sessions"
    path = "/chat/sessions"
    replication_key = "updated_at"
    range_params = ("updated_after", "updated_before")

    @override
    def get_child_context(self, record: Record, context: Context | None) -> Context:
        return {"session_id": record["id"]}


class SessionChildStream(OpenCxStream):
    """A stream read once per session the sessions stream reads."""

    parent_stream_type = SessionsStream

    def __init__(self, tap: TapOpenCX) -> None:
        """A child of `tap`'s sessions stream."""
        super().__init__(tap)
        # One state for the stream, not one entry per session in every STATE message.
        self.state_partitioning_keys = ()


class SessionHistoryStream(SessionChildStream, CursorStream):
    """Everything that happened in a session: messages, handoffs, status changes."""

    name = "session_history"
    path = "/chat/sessions/{session_id}/history"
    primary_keys: ClassVar[tuple[str, ...]] = ("session_id", "id")

    @override
    def get_records(self, context: Context | None) -> Iterator[Record]:
        session_id = (context or {})["session_id"]
        occurrences: Counter[str] = Counter()
        for item in self.request_records(context):
            item["session_id"] = session_id
            if item.get("id") is None:
                item["id"] = self.derived_id(session_id, item, occurrences)
            yield item

    def derived_id(self, session_id: str, item: Record, seen: Counter[str]) -> str:
        """A stable id for an item the API sent without one (the docs mark it optional).

        The same event at the same instant in the same session gets the same id on every
        run; identical twins are told apart by how many came before them.
        """
        created_at = self.output_time(item, "created_at")
        content = json.dumps([created_at, item.get("event")], sort_keys=True)
        seen[content] += 1
        return str(uuid.uuid5(HISTORY_ID_NAMESPACE, f"{session_id}\n{content}\n{seen[content]}"))


class CsatScoresStream(SessionChildStream):
    """The CSAT score of each session the sessions stream reads, if it has one."""

    name = "csat_scores"
    path = "/csat/scores/session/{session_id}"

    @override
    def get_new_paginator(self) -> None:
        return None

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Record]:
        # No score is documented as `null`; an empty body (what a NestJS handler that
        # returns null sends) means the same.
        if not response.content.strip():
            return
        body = self.json_body(response)
        if body is None:
            return
        if not isinstance(body, dict):
            raise self.malformed(response, f"expected an object or null, got {type(body).__name__}")
        yield body


class ContactsStream(WindowedCursorStream):
    """Contacts, by when they were last updated."""

    name = "contacts"
    path = "/contacts"
    replication_key = "updated_at"
    range_params = ("updated_after", "updated_before")


class HandoffEventsStream(WindowedCursorStream):
    """Handoff analytics: each time the AI handed a session to a human, by when.

    Events have no id; a session is handed off at most once at any one instant, so the
    session and the time identify an event.
    """

    name = "handoff_events"
    path = "/handoff-analytics/events"
    primary_keys: ClassVar[tuple[str, ...]] = ("session_id", "created_at")
    replication_key = "created_at"
    range_params = ("start_date", "end_date")
    tie_breaker = "session_id"
