"""Chat sessions and each session's history."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any, ClassVar

from typing_extensions import override

from tap_opencx.client import OpenCxStream
from tap_opencx.cursor import CursorStream
from tap_opencx.timestamps import iso
from tap_opencx.windowed import WindowedStream

if TYPE_CHECKING:
    from collections.abc import Iterator

    from singer_sdk.helpers.types import Context

    from tap_opencx.tap import TapOpenCX

HISTORY_ID_NAMESPACE = uuid.UUID("4ac80b14-00e0-461f-87be-9d62e8c3bbde")
"""Namespace of the ids the tap derives for history items that come without one."""


class SessionsStream(WindowedStream):
    """Chat sessions, by when they were last updated; each one read brings its children."""

    name = "sessions"
    path = "/chat/sessions"
    replication_key = "updated_at"
    range_params = ("updated_after", "updated_before")

    @override
    def get_child_context(self, record: dict[str, Any], context: Context | None) -> Context:
        return {"session_id": record["id"]}


class SessionChildStream(OpenCxStream):
    """A stream read once per session the sessions stream reads."""

    parent_stream_type = SessionsStream

    def __init__(self, tap: TapOpenCX) -> None:
        """A child of `tap`'s sessions stream."""
        super().__init__(tap)
        # One state for the stream, not one entry per session in every STATE message.
        self.state_partitioning_keys = ()
        self._schema_written = False

    @override
    def _write_schema_message(self) -> None:
        # The SDK writes the SCHEMA again each time a child syncs, i.e. for every session
        # (meltano/sdk#1061), and targets flush their batches on every SCHEMA.
        if not self._schema_written:
            super()._write_schema_message()
            self._schema_written = True


class SessionHistoryStream(SessionChildStream, CursorStream):
    """Everything that happened in a session: messages, handoffs, status changes."""

    name = "session_history"
    path = "/chat/sessions/{session_id}/history"
    primary_keys: ClassVar[tuple[str, ...]] = ("session_id", "id")

    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        session_id = (context or {})["session_id"]
        occurrences: Counter[str] = Counter()
        for item in self.request_records(context):
            item["session_id"] = session_id
            if item.get("id") is None:
                item["id"] = self._derived_id(session_id, item, occurrences)
            yield item

    def _derived_id(self, session_id: str, item: dict[str, Any], seen: Counter[str]) -> str:
        """A stable id for an item the API sent without one (the docs mark it optional).

        The same event at the same instant in the same session gets the same id on every
        run; identical twins are told apart by how many came before them.
        """
        created_at = iso(self.instant_of(item, "created_at"))
        content = json.dumps([created_at, item.get("event")], sort_keys=True)
        seen[content] += 1
        return str(uuid.uuid5(HISTORY_ID_NAMESPACE, f"{session_id}\n{content}\n{seen[content]}"))
