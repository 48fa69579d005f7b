"""Conversation statistics: one row per opened conversation, continued by id.

Ids are ObjectIds, whose first four bytes are the second they were made, so a window of
time is also a range of ids: from the last id seen (or the window's first possible id) to
the first possible id of the window's end. Every run continues from the last id in STATE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

from tap_conpeek.client import filter_value
from tap_conpeek.object_ids import first_id_at, id_time, is_object_id
from tap_conpeek.times import iso, parse_instant
from tap_conpeek.windowed import WindowedStream

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    import requests
    from singer_sdk.helpers.types import Context

    from tap_conpeek.times import Window
    from tap_conpeek.windowed import Row

TIME_FIELDS = ("date", "ts")
"""The row's time: `date` is the filter's documented name, `ts` the documentation's example."""


class ConversationStatisticsOpenedStream(WindowedStream):
    """When each conversation was opened (GET /conversation_statistics_opened)."""

    name = "conversation_statistics_opened"
    path = "/conversation_statistics_opened"
    primary_keys = ("id",)
    replication_key = "id"
    max_page_size = 100
    _last_id: str | None = None

    @override
    def range_start(self, context: Context | None) -> datetime:
        start = parse_instant(self.config["start_date"])
        bookmark = self.get_context_state(context).get("replication_key_value")
        self._last_id = None
        if bookmark is None:
            return start
        if not is_object_id(bookmark):
            msg = f"{self.name}: the STATE bookmark {bookmark!r} is not an id of this stream"
            raise FatalAPIError(msg)
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
    def placer(self, window: Window) -> Callable[[Row], Any | None]:
        low, high, last = first_id_at(window.start), first_id_at(window.end), self._last_id

        # Whether from_id and before_id are inclusive is not documented: rows on them, or
        # outside the window, are dropped here.
        def place(row: Row) -> str | None:
            object_id: str = row["id"]
            if low <= object_id < high and (last is None or object_id > last):
                return object_id
            return None

        return place

    @override
    def window_done(self, rows: list[Row], context: Context | None) -> None:
        if not rows:
            return
        last = rows[-1]
        self._last_id = last["id"]
        when = next((last[f] for f in TIME_FIELDS if last.get(f) is not None), None)
        state = self.get_context_state(context)
        state["date"] = iso(self.tap.clock.parse(when)) if when else iso(id_time(last["id"]))

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Row]:
        rows = list(super().parse_response(response))
        for row in rows:
            if not is_object_id(row["id"]):
                raise self.malformed(response, f"id {row['id']!r} is not an ObjectId")
        return iter(rows)
