"""Streams of the Dixa Exports API: conversations and messages, read in time windows."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.helpers.conform import TypeConformanceLevel
from typing_extensions import override

from tap_dixa import schemas
from tap_dixa.client import DixaStream
from tap_dixa.timestamps import EpochMsFields, iso, parse_instant, to_epoch_ms
from tap_dixa.windows import Window, windows

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests
    from singer_sdk.helpers.types import Context

    from tap_dixa.throttle import Throttle

MAX_QUERY_SPAN = timedelta(days=31)
"""The API refuses a query whose `_after`..`_before` span exceeds 31 days."""

# The API does not say whether `_after`/`_before` are inclusive. Asking for
# (start - 1 ms, end) covers [start, end) under every reading; records outside
# [start, end) are then dropped, so a boundary record lands in exactly one window.
OVERLAP = timedelta(milliseconds=1)


class ExportStream(DixaStream):
    """An export endpoint read one window at a time, each window sorted by its key.

    Sorting within contiguous windows makes the whole stream sorted, so the SDK's
    bookmark is resumable; a STATE message is written after every window.
    """

    window_field: ClassVar[str]
    """`updated` for `updated_after`/`updated_before` and the `updated_at` key."""

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    is_sorted = True
    # post_process already gives every field its schema type; the SDK's recursive
    # conformance would spend more time than the rest of the tap re-checking it.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))

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
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        self._normalise_bookmark(context)
        start = self.get_starting_timestamp(context) or parse_instant(self.config["start_date"])
        planned = list(windows(start, self.tap.end_date, self.window_span))
        key = self.window_field + "_at"
        for number, window in enumerate(planned, start=1):
            self.logger.info(
                "%s: window %d of %d, %s to %s",
                self.name,
                number,
                len(planned),
                iso(window.start),
                iso(window.end),
            )
            yield from self._window_records(window, key)
            self._write_state_message()

    def _normalise_bookmark(self, context: Context | None) -> None:
        """Rewrite a bookmark in this tap's own format (the SDK compares them as text)."""
        state = self.get_context_state(context)
        value = state.get("replication_key_value")
        if isinstance(value, str):
            state["replication_key_value"] = iso(parse_instant(value))

    def _window_records(self, window: Window, key: str) -> list[dict[str, Any]]:
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
        for item in body:
            if not isinstance(item, dict):
                raise self.malformed(response, f"expected objects, got {type(item).__name__}")
            yield item

    @cached_property
    def _epoch_ms_fields(self) -> EpochMsFields:
        return EpochMsFields.from_schema(self.schema)

    @cached_property
    def _schema_fields(self) -> frozenset[str]:
        return frozenset(self.schema["properties"])

    @override
    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any]:
        # Top-level fields the schema does not know are dropped, as the SDK would.
        known = self._schema_fields
        if not known.issuperset(row):
            row = {k: v for k, v in row.items() if k in known}
        return self._epoch_ms_fields.convert(row)


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
