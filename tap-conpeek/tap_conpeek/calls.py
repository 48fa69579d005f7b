"""Call history and callbacks: windows of a time filter, re-reading a lookback each run.

A call is only complete once it has ended, and a callback changes state after it was
created, but both are filtered by when they began. Each run therefore starts
`lookback_hours` before its bookmark, so calls that were still going on and callbacks
handled since are read again, in their final form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from typing_extensions import override

from tap_conpeek.client import MalformedResponseError, filter_value
from tap_conpeek.times import iso, parse_instant
from tap_conpeek.windowed import WindowedStream

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from singer_sdk.helpers.types import Context

    from tap_conpeek.times import Window
    from tap_conpeek.windowed import Row


class LookbackStream(WindowedStream):
    """Incremental on a time the API filters on; a run re-reads a lookback before it."""

    extra_query: ClassVar[dict[str, str]] = {}
    _bookmark: datetime | None = None

    @override
    def range_start(self, context: Context | None) -> datetime:
        start = parse_instant(self.config["start_date"])
        state = self.get_context_state(context)
        value = state.get("replication_key_value")
        self._bookmark = None
        if value is None:
            return start
        self._bookmark = parse_instant(str(value))
        start = max(start, self._bookmark - self.tap.lookback)
        # Rows re-read from before the bookmark must not trip the SDK's sort check;
        # range_done puts the bookmark back if nothing newer came.
        state["replication_key_value"] = iso(start)
        return start

    @override
    def range_done(self, context: Context | None) -> None:
        state = self.get_context_state(context)
        value = state.get("replication_key_value")
        if self._bookmark and (value is None or parse_instant(str(value)) < self._bookmark):
            state["replication_key_value"] = iso(self._bookmark)

    @override
    def window_query(self, window: Window) -> dict[str, Any]:
        clock, key = self.tap.clock, str(self.replication_key)
        conditions = (
            (key, "gte", clock.format(window.start)),
            (key, "lt", clock.format(window.end)),
        )
        return {"filter": filter_value(*conditions), **self.extra_query}

    @override
    def placer(self, window: Window) -> Callable[[Row], Any | None]:
        clock, key, pk = self.tap.clock, str(self.replication_key), self.primary_keys[0]

        def place(row: Row) -> tuple[datetime, str] | None:
            value = row.get(key)
            try:
                moment = clock.parse(value) if isinstance(value, str) else None
            except ValueError:
                moment = None
            if moment is None:
                msg = f"{self.name}: row {pk}={row[pk]!r} has {key} {value!r}, not a time"
                raise MalformedResponseError(msg)
            return (moment, str(row[pk])) if window.start <= moment < window.end else None

        return place


class CdrDialogsStream(LookbackStream):
    """Call history: one row per dialog (GET /cdr_dialog)."""

    name = "cdr_dialogs"
    path = "/cdr_dialog"
    primary_keys = ("dialog_uuid",)
    replication_key = "start_time"
    max_page_size = 500


class CallbacksStream(LookbackStream):
    """Callback requests (GET /callback), oldest first."""

    name = "callbacks"
    path = "/callback"
    primary_keys = ("id",)
    replication_key = "created_date"
    max_page_size = 1000
    extra_query: ClassVar[dict[str, str]] = {"sort": "created_date", "dir": "asc"}
