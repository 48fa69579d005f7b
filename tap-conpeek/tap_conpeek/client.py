"""What every Conpeek stream shares: auth, query encoding, pages, windows, typed values.

The raw-key Authorization header, queries encoded as the documentation encodes them,
`{"data": [...]}` pages read by offset, one window at a time.
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlencode

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.streams.rest import HTTPRequest
from support_taps_common.clock import isoformat_utc
from support_taps_common.errors import MalformedResponseError
from support_taps_common.paging import ShortPageOffsetPaginator
from support_taps_common.windowed import WindowedStream
from typing_extensions import override

from tap_conpeek import schemas
from tap_conpeek.shapes import RecordShaper

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    import requests
    from singer_sdk.helpers.types import Context, Record
    from singer_sdk.streams.rest import PageContext
    from support_taps_common.windows import Window

    from tap_conpeek.tap import TapConpeek


class DocumentedQuery(HTTPRequest):
    """Query values encoded like the documentation's `encodeURI(JSON.stringify(...))`.

    Spaces become %20 rather than `+` (which not every server reads as a space); `:` and
    `,` stay as they are.
    """

    __slots__ = ()

    @override
    def encode_params(self) -> str:
        params = {k: v for k, v in self.params.items() if v is not None}
        return urlencode(params, quote_via=quote, safe=":,")


def filter_value(*conditions: tuple[str, str, str]) -> str:
    """The `filter` parameter: a JSON list of {property, operator, value} objects."""
    items = [{"property": p, "operator": o, "value": v} for p, o, v in conditions]
    return json.dumps(items, separators=(",", ":"))


class ConpeekStream(WindowedStream):
    """A Conpeek endpoint, read window by window, each window paged with limit/offset.

    Conpeek does not document the order it lists rows in. Offset paging over one fixed
    query reaches every row of a window whatever that order is.
    """

    tap: TapConpeek
    vendor = "Conpeek"
    credential_settings = ("api_key",)
    credential_description = "the API key"
    # Conpeek's times and ids have no fractions; ending at a whole second that has
    # passed means no row can still appear with an id or time before it.
    whole_seconds = True
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))

    max_page_size: ClassVar[int]
    """The endpoint's largest `limit`."""

    @override
    @property
    def authenticator(self) -> APIKeyAuthenticator:
        # The documented header is the raw key, with no scheme.
        return APIKeyAuthenticator(key="Authorization", value=self.config["api_key"])

    @override
    @property
    def http_headers(self) -> dict[str, str]:
        return {**super().http_headers, "Content-Type": "application/json"}

    @override
    def get_http_request(self, *, page: PageContext[Any]) -> HTTPRequest:
        request = super().get_http_request(page=page)
        return DocumentedQuery(
            url=request.url,
            method=request.method,
            params=request.params,
            headers=request.headers,
            data=request.data,
        )

    @override
    @property
    def window_span(self) -> timedelta:
        return timedelta(hours=int(self.config["window_hours"]))

    @cached_property
    def page_size(self) -> int:
        """`page_size`, else the endpoint's largest page."""
        configured = self.config.get("page_size")
        return min(int(configured), self.max_page_size) if configured else self.max_page_size

    @override
    def get_new_paginator(self) -> ShortPageOffsetPaginator:
        return ShortPageOffsetPaginator(self.page_size, self.page_rows)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return {
            "limit": self.page_size,
            **self.window_query(self.window),
            "offset": next_page_token,
        }

    def window_query(self, window: Window) -> dict[str, Any]:
        """Query parameters (besides limit and offset) asking for one window's rows."""
        raise NotImplementedError

    def page_rows(self, response: requests.Response) -> list[Any]:
        """The rows of a page: `{"data": [...]}` as documented, or a bare list."""
        body = self.json_body(response)
        # Documented for conversation statistics; a bare list is accepted too, as the
        # other endpoints' envelopes are not documented.
        rows = body.get("data") if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise self.malformed(response, 'expected {"data": [...]}')
        return rows

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Record]:
        key = self.primary_keys[0]
        for row in self.objects(response, self.page_rows(response)):
            if row.get(key) is None:
                raise self.malformed(response, f"a row without `{key}`")
            yield row

    @override
    def bookmark_text(self, moment: datetime) -> str:
        return isoformat_utc(moment)

    @cached_property
    def shaper(self) -> RecordShaper:
        """Conversions of this stream's declared fields (catalog overrides included)."""
        return RecordShaper.from_schema(self.effective_schema, self.tap.clock)

    @override
    def shape(self, row: Record, context: Context | None) -> Record | None:
        try:
            return self.shaper.shape(row)
        except ValueError as error:
            key = self.primary_keys[0]
            msg = f"{self.name}: row {key}={row.get(key)!r}: {error}"
            raise MalformedResponseError(msg) from None
