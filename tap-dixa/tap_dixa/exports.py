"""Streams of the Dixa Exports API: conversations and messages, one request per window."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk.authenticators import BearerTokenAuthenticator
from support_taps_common.windowed import WindowedStream
from typing_extensions import override

from tap_dixa.client import DixaStream
from tap_dixa.timestamps import MILLISECOND, epoch_ms_to_iso, iso, to_epoch_ms

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    import requests
    from singer_sdk.helpers.types import Context, Record
    from support_taps_common.throttle import Throttle
    from support_taps_common.windows import Window

MAX_QUERY_SPAN = timedelta(days=31)
"""The API refuses a query whose `_after`..`_before` span exceeds 31 days."""


class ExportStream(DixaStream, WindowedStream):
    """An export endpoint, read one window (one request, a bare JSON array) at a time.

    The API does not say whether `_after`/`_before` are inclusive. Asking for
    (start - 1 ms, end) covers [start, end) under every reading; records outside
    [start, end) are then left out, so a boundary record lands in exactly one window.
    """

    window_field: ClassVar[str]
    """`updated` for `updated_after`/`updated_before` and the `updated_at` key."""

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    api_url_setting = "exports_api_url"
    _epoch_ms_bounds: tuple[Window, int, int] | None = None

    @override
    @property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.config["api_token"])

    @override
    @property
    def throttle(self) -> Throttle:
        return self.tap.exports_throttle

    @override
    def get_new_paginator(self) -> None:
        return None

    @override
    @property
    def window_span(self) -> timedelta:
        # With the millisecond asked before it, a window stays within the API's 31 days.
        return min(timedelta(days=int(self.config["window_days"])), MAX_QUERY_SPAN - MILLISECOND)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        start_ms, end_ms = self.bounds_ms(self.window)
        # The API refuses a time before 1970 (`start_date: 1970-01-01` asks for -1 ms);
        # `place` keeps each record in its window whatever the bounds asked for.
        return {
            f"{self.window_field}_after": max(start_ms - 1, 0),
            f"{self.window_field}_before": max(end_ms, 1),
        }

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Record]:
        body = self.json_body(response)
        if not isinstance(body, list):
            raise self.malformed(response, f"expected a JSON array, got {type(body).__name__}")
        yield from self.objects(response, body)

    @override
    def place(self, record: Record, window: Window) -> tuple[int, Any] | None:
        value = record.get(self.time_key)
        if type(value) is not int:  # no window holds it: never left out silently
            raise self.malformed_record(record, f"{self.time_key} is {value!r}, not epoch ms")
        start_ms, end_ms = self.bounds_ms(window)
        return (value, record.get("id")) if start_ms <= value < end_ms else None

    @cached_property
    def time_key(self) -> str:
        """The replication key, in epoch milliseconds as the API sends it."""
        return str(self.replication_key)

    def bounds_ms(self, window: Window) -> tuple[int, int]:
        """The window's start and end in epoch milliseconds."""
        if self._epoch_ms_bounds is None or self._epoch_ms_bounds[0] is not window:
            self._epoch_ms_bounds = (window, to_epoch_ms(window.start), to_epoch_ms(window.end))
        return self._epoch_ms_bounds[1], self._epoch_ms_bounds[2]

    @override
    def bookmark_text(self, moment: datetime) -> str:
        return iso(moment)

    @override
    @staticmethod
    def time_to_iso(value: Any) -> Any:
        return epoch_ms_to_iso(value) if type(value) is int else value


class ConversationsStream(ExportStream):
    """Conversations, by when they were last updated."""

    name = "conversations"
    path = "/v1/conversation_export"
    window_field = "updated"
    replication_key = "updated_at"


class MessagesStream(ExportStream):
    """Messages (internal notes excluded), by when they were created."""

    name = "messages"
    path = "/v1/message_export"
    window_field = "created"
    replication_key = "created_at"
