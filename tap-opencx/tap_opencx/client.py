"""What every Open CX stream shares: the key, error messages, envelopes and times.

Bearer-key authentication, one request budget for the whole tap, NestJS error bodies,
`{"items": [...], "next": cursor}` pages, and ISO-8601 times written back in UTC.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.pagination import BaseAPIPaginator
from support_taps_common.errors import (
    CredentialsRefusedError,
    EndpointNotFoundError,
    MalformedResponseError,
    api_message,
    request_line,
)
from support_taps_common.records import TimeFields
from support_taps_common.stream import SupportStream
from support_taps_common.windowed import WindowedStream
from typing_extensions import override

from tap_opencx import schemas
from tap_opencx.timestamps import SECOND, UTC, iso, request_time, to_iso

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    import requests
    from singer_sdk.helpers.types import Context, Record
    from support_taps_common.throttle import Throttle
    from support_taps_common.windows import Window

    from tap_opencx.tap import TapOpenCX


class OpenCxStream(SupportStream):
    """An Open CX endpoint: records in the envelope's `items_key`, times in UTC."""

    tap: TapOpenCX
    vendor = "Open CX"
    credential_settings = ("api_key",)
    credential_description = "the API key"
    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))

    items_key: ClassVar[str]
    """Where the records are in the endpoint's envelope."""
    envelope_shape: ClassVar[str]
    """The documented envelope, for error messages."""

    @override
    @cached_property
    def authenticator(self) -> BearerTokenAuthenticator:
        # The SDK asks for it twice per request.
        return BearerTokenAuthenticator(token=self.config["api_key"])

    @override
    @property
    def throttle(self) -> Throttle:
        return self.tap.throttle

    @override
    def validate_response(self, response: requests.Response) -> None:
        if response.status_code == HTTPStatus.NOT_FOUND:
            msg = (
                f"{self.name}: the endpoint {response.request.method} {self.path} answered "
                f"HTTP 404 for {request_line(response)} ({api_message(response)}); Open CX "
                f"may have removed or moved it. Deselect the stream `{self.name}` to sync "
                "the others."
            )
            raise EndpointNotFoundError(msg)
        super().validate_response(response)

    @override
    def credentials_refused(self, response: requests.Response) -> CredentialsRefusedError:
        if response.status_code != HTTPStatus.FORBIDDEN:
            return super().credentials_refused(response)
        # A key may lack a stream's scope: the stream can be deselected instead.
        return CredentialsRefusedError(
            f"Open CX refused {self.name} (HTTP 403 for {request_line(response)}: "
            f"{api_message(response)}): give the key of the `api_key` setting (env "
            f"{self.env_name('api_key')}) access to this endpoint, or deselect the stream "
            f"`{self.name}`."
        )

    @override
    def parse_response(self, response: requests.Response) -> Iterable[Record]:
        items: list[Any] = self.envelope(response)[self.items_key]
        for item in items:
            if item.__class__ is not dict:
                raise self.malformed(response, f"expected objects, got {type(item).__name__}")
        return items

    def envelope(self, response: requests.Response) -> dict[str, Any]:
        """The body, checked to be the endpoint's documented envelope."""
        body = self.json_body(response)
        if not (isinstance(body, dict) and self.is_envelope(body)):
            got = sorted(body) if isinstance(body, dict) else type(body).__name__
            raise self.malformed(response, f"expected {self.envelope_shape}, got {got}")
        return body

    def is_envelope(self, body: dict[str, Any]) -> bool:
        """Whether a JSON object is the endpoint's envelope."""
        return isinstance(body.get(self.items_key), list)

    @override
    def time_to_iso(self, value: Any) -> str:
        return to_iso(value)

    def output_time(self, record: Record, name: str) -> str:
        """The record's time field `name` in the output form, or an error naming both."""
        value = record.get(name)
        try:
            return to_iso(value)
        except ValueError:
            raise self.not_a_time(record, name) from None

    def not_a_time(self, record: Record, name: str) -> MalformedResponseError:
        """The error for a record whose time field `name` is not a time."""
        key = {k: record.get(k) for k in self.primary_keys}
        return MalformedResponseError(
            f"{self.name}: {name} {record.get(name)!r} of {key} is not an ISO-8601 date-time"
        )


class CursorPaginator(BaseAPIPaginator[str | None]):
    """Follows `next` until it is null; an empty page with a `next` is not the end."""

    def __init__(self, next_cursor: Callable[[requests.Response], str | None]) -> None:
        """Read each page's next cursor with `next_cursor`."""
        super().__init__(None)
        self._next_cursor = next_cursor

    @override
    def get_next(self, response: requests.Response) -> str | None:
        return self._next_cursor(response)

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        return self._next_cursor(response) is not None


class CursorStream(OpenCxStream):
    """A GET endpoint that answers `{"items": [...], "next": ...}`, page after page."""

    items_key = "items"
    envelope_shape = '{"items": [...], "next": ...}'

    @override
    def get_new_paginator(self) -> CursorPaginator:
        return CursorPaginator(lambda response: self.envelope(response)["next"])

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return {"cursor": next_page_token}

    @override
    def is_envelope(self, body: dict[str, Any]) -> bool:
        following = body.get("next", False)
        return super().is_envelope(body) and (following is None or isinstance(following, str))


class WindowedCursorStream(CursorStream, WindowedStream):
    """A cursor endpoint filtered by a time range on the replication key, window by window.

    Windows are cut at UTC midnights, which mean the same instant to an API that reads
    only the date part of a time parameter.
    """

    replication_key: str
    range_params: ClassVar[tuple[str, str]]
    """The names of the range's start and end parameters, e.g. updated_after/_before."""
    tie_breaker: ClassVar[str] = "id"
    """What orders records with the same replication key value."""

    @override
    @property
    def window_span(self) -> timedelta:
        return timedelta(days=int(self.config["window_days"]))

    @override
    def window_origin(self, start: datetime) -> datetime:
        return start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        # The API does not say whether the range's bounds are inclusive, nor whether it
        # reads fractions of seconds. Asking for (start - 1 s, end rounded up) covers
        # [start, end) under every reading; `place` keeps a record on a window boundary
        # in exactly one window.
        after, before = self.range_params
        window = self.window
        return {
            after: request_time(window.start - SECOND),
            before: request_time(window.end, round_up=True),
            "cursor": next_page_token,
        }

    @override
    def place(self, record: Record, window: Window) -> tuple[str, str] | None:
        # Compared and sorted in the output form, which sorts as the instants do, and
        # written back in it: `shape` then leaves the replication key alone.
        key = self.replication_key
        try:
            when = record[key] = to_iso(record.get(key))
        except ValueError:
            raise self.not_a_time(record, key) from None
        start, end = self.bounds_text(window)
        if start <= when < end:
            return when, str(record.get(self.tie_breaker))
        return None

    @override
    @cached_property
    def time_fields(self) -> TimeFields:
        every = TimeFields.from_schema(self.effective_schema)
        others = tuple(name for name in every.top_level if name != self.replication_key)
        return TimeFields(others, every.nested)

    @override
    def bookmark_text(self, moment: datetime) -> str:
        return iso(moment)
