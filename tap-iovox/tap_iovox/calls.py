"""The `calls` stream: call insights read in windows of call_start, with a lookback.

Calls gain comments, tags, tasks and transcriptions after they happen, and the API has
no updated-since filter, so each run starts `lookback_days` before its bookmark and
reads those calls again. Each window is paged with `page`/`limit` in call_start order,
held, de-duplicated and sorted, so the stream is sorted and a STATE message after each
window is safe to resume from. Memory holds one window.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.singerlib import RecordMessage
from typing_extensions import override

from tap_iovox import schemas
from tap_iovox.client import IovoxStream, MalformedResponseError
from tap_iovox.fields import response_fields
from tap_iovox.shapes import CallShaper
from tap_iovox.times import iso, parse_instant, windows

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from singer_sdk.helpers.types import Context

    from tap_iovox.times import Window

Row = dict[str, Any]
SECOND = timedelta(seconds=1)


class CallsStream(IovoxStream):
    """Every call with its insights (GET /calls/insights), by call_start."""

    name = "calls"
    path = "/calls/insights"
    primary_keys = ("id",)
    replication_key = "call_start"
    is_sorted = True
    # post_process gives every field its schema type; the SDK's recursive conformance
    # would spend more time than the rest of the tap re-checking nested transcripts.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))
    _bookmark: datetime | None = None

    @cached_property
    def _selects_every_property(self) -> bool:
        return all(self.mask.values())

    @override
    def _generate_record_messages(
        self, record: dict[str, Any]
    ) -> Generator[RecordMessage, None, None]:
        # The SDK walks every record, nested objects included, to drop deselected
        # properties: a fifth of a run, to find nothing when every property is selected.
        # The rest of its work is skipped at conformance NONE, so only the walk is saved.
        if not self._selects_every_property:
            yield from super()._generate_record_messages(record)
            return
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=self._stream_version,
                    time_extracted=datetime.now(timezone.utc),
                )

    @cached_property
    def requested_fields(self) -> str:
        """`response_fields`: as configured, else what the catalog selects."""
        configured = self.config.get("response_fields")
        if configured:
            return response_fields([], extra=configured)
        properties = self.schema["properties"]
        return response_fields(p for p in properties if self.mask.get(("properties", p), True))

    @cached_property
    def shaper(self) -> CallShaper:
        """Normalises calls to the schema."""
        return CallShaper(self.tap.clock, frozenset(self.schema["properties"]))

    @override
    def get_new_paginator(self) -> None:
        return None

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return dict(context or {})

    @override
    def get_records(self, context: Context | None) -> Iterator[Row]:
        start = self._range_start(context)
        planned = list(windows(start, self.tap.end, self.tap.window_span))
        for number, window in enumerate(planned, start=1):
            self.logger.info(
                "%s: window %d of %d, %s to %s",
                self.name,
                number,
                len(planned),
                iso(window.start),
                iso(window.end),
            )
            yield from self._window_rows(window)
            self._write_state_message()
        self._restore_bookmark(context)

    def _range_start(self, context: Context | None) -> datetime:
        start = parse_instant(self.config["start_date"])
        state = self.get_context_state(context)
        value = state.get("replication_key_value")
        self._bookmark = None
        if value is None:
            return start
        self._bookmark = parse_instant(str(value))
        start = max(start, self._bookmark - self.tap.lookback)
        # Calls re-read from before the bookmark must not trip the SDK's sort check;
        # _restore_bookmark puts the bookmark back if nothing newer came.
        state["replication_key_value"] = iso(start)
        return start.replace(microsecond=0)

    def _restore_bookmark(self, context: Context | None) -> None:
        state = self.get_context_state(context)
        value = state.get("replication_key_value")
        if self._bookmark and (value is None or parse_instant(str(value)) < self._bookmark):
            state["replication_key_value"] = iso(self._bookmark)

    def _window_rows(self, window: Window) -> list[Row]:
        clock = self.tap.clock
        # Whether start_date and end_date include their second is not documented: ask
        # from a second early and to the end, then keep [start, end) by instant, so a
        # call on a boundary lands in exactly one window under either reading.
        query = {
            "start_date": clock.format(window.start - SECOND - clock.padding),
            "end_date": clock.format(window.end + clock.padding),
            "order": "call_start_ASC",
            "limit": self.tap.page_size,
            "response_fields": self.requested_fields,
        }
        placed: dict[Any, tuple[tuple[datetime, str], Row]] = {}
        page = 1
        while True:
            count = 0
            for row in self.request_records({**query, "page": page}):
                count += 1
                moment = self._call_start(row)
                if window.start <= moment < window.end:
                    placed[row["id"]] = ((moment, str(row["id"])), row)
            if count < self.tap.page_size:
                break
            page += 1
        return [row for _, row in sorted(placed.values(), key=itemgetter(0))]

    def _call_start(self, row: Row) -> datetime:
        value = row.get("call_start")
        try:
            return self.tap.clock.parse(str(value))
        except ValueError:
            msg = f"{self.name}: call id={row.get('id')!r} has call_start {value!r}, not a time"
            raise MalformedResponseError(msg) from None

    @override
    def post_process(self, row: Row, context: Context | None = None) -> Row:
        try:
            return self.shaper.shape(row)
        except ValueError as error:
            msg = f"{self.name}: call id={row.get('id')!r}: {error}"
            raise MalformedResponseError(msg) from None
