"""Streams read in contiguous windows, each paged by offset, de-duplicated and sorted.

Conpeek does not document the order it lists rows in. Offset paging over one fixed query
reaches every row of a window whatever that order is, and holding the window lets the tap
sort it: the whole stream is then sorted, its bookmark safe to resume from, and a STATE
message follows every window. Memory holds one window.
"""

from __future__ import annotations

import abc
from datetime import datetime, timezone
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.singerlib import RecordMessage
from typing_extensions import override

from tap_conpeek import schemas
from tap_conpeek.client import ConpeekStream, MalformedResponseError
from tap_conpeek.shapes import RecordShaper
from tap_conpeek.times import iso, whole_second, windows

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator

    from singer_sdk.helpers.types import Context

    from tap_conpeek.times import Window

Row = dict[str, Any]


class WindowedStream(ConpeekStream):
    """A stream read window by window from its starting point to the tap's end."""

    max_page_size: ClassVar[int]
    """The endpoint's largest `limit`."""

    is_sorted = True
    # post_process gives declared fields their schema types; the SDK's recursive
    # conformance would spend more time than the rest of the tap re-checking them.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))

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

    @abc.abstractmethod
    def range_start(self, context: Context | None) -> datetime:
        """Where this run starts, from `start_date` and the bookmark."""

    @abc.abstractmethod
    def window_query(self, window: Window) -> dict[str, Any]:
        """Query parameters (besides limit and offset) asking for one window's rows."""

    @abc.abstractmethod
    def placer(self, window: Window) -> Callable[[Row], Any | None]:
        """For one window: a row's sort key, or None if the row is not the window's."""

    def window_done(self, rows: list[Row], context: Context | None) -> None:
        """Called after a window's rows were emitted, before its STATE message."""

    def range_done(self, context: Context | None) -> None:
        """Called after the last window."""

    @cached_property
    def page_size(self) -> int:
        """`page_size`, else the endpoint's largest page."""
        configured = self.config.get("page_size")
        return min(int(configured), self.max_page_size) if configured else self.max_page_size

    @cached_property
    def shaper(self) -> RecordShaper:
        """Conversions of this stream's declared fields (catalog overrides included)."""
        return RecordShaper.from_schema(self.effective_schema, self.tap.clock)

    @override
    def get_new_paginator(self) -> None:
        return None

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return dict(context or {})

    @override
    def get_records(self, context: Context | None) -> Iterator[Row]:
        start = whole_second(self.range_start(context))
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
            rows = self._window_rows(window)
            yield from rows
            self.window_done(rows, context)
            self._write_state_message()
        self.range_done(context)

    def _window_rows(self, window: Window) -> list[Row]:
        query = {"limit": self.page_size, **self.window_query(window)}
        place = self.placer(window)
        key = self.primary_keys[0]
        placed: dict[Any, tuple[Any, Row]] = {}
        offset = 0
        while True:
            count = 0
            for row in self.request_records({**query, "offset": offset}):
                count += 1
                position = place(row)
                if position is not None:
                    placed[row[key]] = (position, row)
            if count < self.page_size:
                break
            offset += count
        return [row for _, row in sorted(placed.values(), key=itemgetter(0))]

    @override
    def post_process(self, row: Row, context: Context | None = None) -> Row:
        try:
            return self.shaper.shape(row)
        except ValueError as error:
            key = self.primary_keys[0]
            msg = f"{self.name}: row {key}={row.get(key)!r}: {error}"
            raise MalformedResponseError(msg) from None
