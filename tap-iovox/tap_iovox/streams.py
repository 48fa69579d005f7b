"""The `calls` stream: call insights read in windows of call_start, with a lookback.

Calls gain comments, tags, tasks and transcriptions after they happen, and the API has
no updated-since filter, so each run starts `lookback_days` before its bookmark and
reads those calls again. Each window is paged with `page`/`limit` in call_start order.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import SchemaDirectory, StreamSchema
from support_taps_common.clock import isoformat_utc
from support_taps_common.errors import MalformedResponseError
from support_taps_common.paging import ShortPageNumberPaginator
from typing_extensions import override

from tap_iovox import schemas
from tap_iovox.client import IovoxStream
from tap_iovox.fields import response_fields
from tap_iovox.shapes import CallShaper

if TYPE_CHECKING:
    from datetime import datetime

    from singer_sdk.helpers.types import Context, Record
    from support_taps_common.windows import Window

SECOND = timedelta(seconds=1)


class CallsStream(IovoxStream):
    """Every call with its insights (GET /calls/insights), by call_start."""

    name = "calls"
    path = "/calls/insights"
    primary_keys = ("id",)
    replication_key = "call_start"
    # iovox's times have no fractions; ending at a whole second that has passed means
    # no call can still appear before it.
    whole_seconds = True
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))

    @override
    @property
    def window_span(self) -> timedelta:
        return timedelta(days=int(self.config["window_days"]))

    @override
    @property
    def lookback(self) -> timedelta:
        return timedelta(days=int(self.config["lookback_days"]))

    @cached_property
    def page_size(self) -> int:
        """Calls per request."""
        return int(self.config["page_size"])

    @cached_property
    def requested_fields(self) -> str:
        """`response_fields`: as configured, else what the catalog selects."""
        configured = self.config.get("response_fields")
        if configured:
            return response_fields([], extra=configured)
        properties = self.schema["properties"]
        return response_fields(p for p in properties if self.mask.get(("properties", p), True))

    @override
    def get_new_paginator(self) -> ShortPageNumberPaginator:
        return ShortPageNumberPaginator(self.page_size, self.page_rows)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        clock, window = self.tap.clock, self.window
        # Whether start_date and end_date include their second is not documented: ask
        # from a second early and to the end, and `place` keeps [start, end) by instant,
        # so a call on a boundary lands in exactly one window under either reading.
        return {
            "start_date": clock.format(window.start - SECOND - clock.padding),
            "end_date": clock.format(window.end + clock.padding),
            "order": "call_start_ASC",
            "limit": self.page_size,
            "response_fields": self.requested_fields,
            "page": next_page_token,
        }

    @override
    def place(self, record: Record, window: Window) -> tuple[str, str] | None:
        # Compared in the output form, which sorts as the instants do: no datetime per call.
        when = self.call_start(record)
        start, end = self.bounds_text(window)
        return (when, str(record.get("id"))) if start <= when < end else None

    def call_start(self, record: Record) -> str:
        """The call's call_start in the output form.

        Raises:
            MalformedResponseError: If it is not a time.
        """
        value = record.get("call_start")
        try:
            return self.tap.clock.to_iso(str(value))
        except ValueError:
            msg = f"{self.name}: call id={record.get('id')!r} has call_start {value!r}, not a time"
            raise MalformedResponseError(msg) from None

    @override
    def bookmark_text(self, moment: datetime) -> str:
        return isoformat_utc(moment)

    @cached_property
    def shaper(self) -> CallShaper:
        """Normalises calls to the schema."""
        return CallShaper(self.tap.clock, frozenset(self.schema["properties"]))

    @override
    def shape(self, row: Record, context: Context | None) -> Record | None:
        try:
            return self.shaper.shape(row)
        except ValueError as error:
            msg = f"{self.name}: call id={row.get('id')!r}: {error}"
            raise MalformedResponseError(msg) from None
