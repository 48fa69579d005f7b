"""Conpeek's streams: conversation statistics by id, call history and callbacks by time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from support_taps_common.clock import isoformat_utc
from support_taps_common.errors import InvalidStateError, MalformedResponseError
from support_taps_common.times import parse_instant
from typing_extensions import override

from tap_conpeek.client import ConpeekStream, filter_value
from tap_conpeek.object_ids import first_id_at, id_time, is_object_id

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime, timedelta

    import requests
    from singer_sdk.helpers.types import Context, Record
    from support_taps_common.windows import Window

TIME_FIELDS = ("date", "ts")
"""The row's time: `date` is the filter's documented name, `ts` the documentation's example."""


class ConversationStatisticsOpenedStream(ConpeekStream):
    """When each conversation was opened (GET /conversation_statistics_opened), by id.

    Ids are ObjectIds, whose first four bytes are the second they were made, so a window
    of time is also a range of ids: from the last id seen (or the window's first possible
    id) to the first possible id of the window's end. Every run continues from the last
    id in STATE.
    """

    name = "conversation_statistics_opened"
    path = "/conversation_statistics_opened"
    primary_keys = ("id",)
    replication_key = "id"
    max_page_size = 100
    reads_ahead = False  # a window's request continues from the last id the one before read
    _last_id: str | None = None

    @override
    def resume_from(self, context: Context | None) -> datetime:
        start = parse_instant(self.config["start_date"])
        bookmark = self.get_context_state(context).get("replication_key_value")
        self._last_id = None
        if bookmark is None:
            return start
        if not is_object_id(bookmark):
            msg = f"{self.name}: the STATE bookmark {bookmark!r} is not an id of this stream"
            raise InvalidStateError(msg)
        self._last_id = bookmark
        return max(start, id_time(bookmark))

    @override
    def window_query(self, window: Window) -> dict[str, Any]:
        since = self.tap.clock.format(parse_instant(self.config["start_date"]))
        return {
            "filter": filter_value(("date", "gte", since)),
            "from_id": self._last_id or first_id_at(window.start),
            "before_id": first_id_at(window.end),
        }

    @override
    def place(self, record: Record, window: Window) -> str | None:
        # Whether from_id and before_id are inclusive is not documented: rows on them, or
        # outside the window, are left out here.
        object_id: str = record["id"]
        inside = first_id_at(window.start) <= object_id < first_id_at(window.end)
        new = self._last_id is None or object_id > self._last_id
        return object_id if inside and new else None

    @override
    def window_done(self, window: Window, records: list[Record], context: Context | None) -> None:
        if not records:
            return
        last = records[-1]
        self._last_id = last["id"]
        when = next((last[f] for f in TIME_FIELDS if last.get(f) is not None), None)
        state = self.get_context_state(context)
        state["date"] = (
            isoformat_utc(self.tap.clock.parse(when))
            if when
            else isoformat_utc(id_time(last["id"]))
        )

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Record]:
        for row in super().parse_response(response):
            if not is_object_id(row["id"]):
                raise self.malformed(response, f"id {row['id']!r} is not an ObjectId")
            yield row


class LookbackStream(ConpeekStream):
    """Incremental on a time the API filters on; each run re-reads `lookback_hours`.

    A call is only complete once it has ended, and a callback changes state after it was
    created, but both are filtered by when they began; re-reading a lookback gets calls
    that were still going on, and callbacks handled since, in their final form.
    """

    extra_query: ClassVar[dict[str, str]] = {}

    @override
    @property
    def lookback(self) -> timedelta:
        return self.tap.lookback

    @override
    def window_query(self, window: Window) -> dict[str, Any]:
        clock, key = self.tap.clock, str(self.replication_key)
        conditions = (
            (key, "gte", clock.format(window.start)),
            (key, "lt", clock.format(window.end)),
        )
        return {"filter": filter_value(*conditions), **self.extra_query}

    @override
    def place(self, record: Record, window: Window) -> tuple[str, str] | None:
        # Compared in the output form, which sorts as the instants do: no datetime per row.
        key, pk = str(self.replication_key), self.primary_keys[0]
        value = record.get(key)
        try:
            when = self.tap.clock.to_iso(value) if isinstance(value, str) else None
        except ValueError:
            when = None
        if when is None:
            msg = f"{self.name}: row {pk}={record[pk]!r} has {key} {value!r}, not a time"
            raise MalformedResponseError(msg)
        start, end = self.bounds_text(window)
        return (when, str(record[pk])) if start <= when < end else None


class CdrDialogsStream(LookbackStream):
    """Call history: one row per dialog (GET /cdr_dialog), by when the call started."""

    name = "cdr_dialogs"
    path = "/cdr_dialog"
    primary_keys = ("dialog_uuid",)
    replication_key = "start_time"
    max_page_size = 500


class CallbacksStream(LookbackStream):
    """Callback requests (GET /callback), oldest first, by when they were made."""

    name = "callbacks"
    path = "/callback"
    primary_keys = ("id",)
    replication_key = "created_date"
    max_page_size = 1000
    extra_query: ClassVar[dict[str, str]] = {"sort": "created_date", "dir": "asc"}
