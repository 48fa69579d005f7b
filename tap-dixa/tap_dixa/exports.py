"""Streams of the Dixa Exports API: conversations and messages, read in time windows."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk.authenticators import BearerTokenAuthenticator
from typing_extensions import override

from tap_dixa.incremental import WindowedStream
from tap_dixa.timestamps import epoch_ms_time_to_iso, to_epoch_ms

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests
    from singer_sdk.helpers.types import Context

    from tap_dixa.throttle import Throttle
    from tap_dixa.windows import Window

MAX_QUERY_SPAN = timedelta(days=31)
"""The API refuses a query whose `_after`..`_before` span exceeds 31 days."""

# The API does not say whether `_after`/`_before` are inclusive. Asking for
# (start - 1 ms, end) covers [start, end) under every reading; records outside
# [start, end) are then dropped, so a boundary record lands in exactly one window.
OVERLAP = timedelta(milliseconds=1)


class ExportStream(WindowedStream):
    """An export endpoint, read one window (one request) at a time."""

    window_field: ClassVar[str]
    """`updated` for `updated_after`/`updated_before` and the `updated_at` key."""

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)

    @override
    @property
    def url_base(self) -> str:
        return str(self.config["exports_api_url"]).rstrip("/")

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
    @cached_property
    def window_span(self) -> timedelta:
        """Configured window length, kept within the API's 31 days including overlap."""
        return min(timedelta(days=int(self.config["window_days"])), MAX_QUERY_SPAN - OVERLAP)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        window = context or {}
        return {
            f"{self.window_field}_after": window.get("after_ms"),
            f"{self.window_field}_before": window.get("before_ms"),
        }

    @override
    def window_records(self, window: Window, context: Context | None) -> list[dict[str, Any]]:
        key = self.window_field + "_at"
        start_ms, end_ms = to_epoch_ms(window.start), to_epoch_ms(window.end)
        request = {"after_ms": start_ms - 1, "before_ms": end_ms}
        records = [
            record
            for record in self.request_records(request)
            if type(record.get(key)) is int and start_ms <= record[key] < end_ms
        ]
        records.sort(key=itemgetter(key, "id"))
        return records

    @override
    def parse_response(self, response: requests.Response) -> Iterator[dict[str, Any]]:
        body = self.json_body(response)
        if not isinstance(body, list):
            raise self.malformed(response, f"expected a JSON array, got {type(body).__name__}")
        yield from self.objects(response, body)

    @override
    def time_to_iso(self, value: Any) -> Any:
        return epoch_ms_time_to_iso(value)


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
