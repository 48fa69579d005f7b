"""What every Dixa stream shares, and what the Dixa API's streams (v1 and analytics) share.

One token serves all three APIs. The Exports API is in `exports.py`; the Dixa API
(dev.dixa.io) takes the raw token, wraps bodies in `{"data": ...}` and pages with
`pageKey`, for the streams of `v1.py` and `analytics.py` alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import SchemaDirectory, StreamSchema
from singer_sdk.authenticators import APIKeyAuthenticator
from support_taps_common.stream import SupportStream
from typing_extensions import override

from tap_dixa import schemas
from tap_dixa.paging import PageKeyPaginator
from tap_dixa.timestamps import api_time_to_iso

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests
    from singer_sdk.helpers.types import Context, Record
    from support_taps_common.throttle import Throttle

    from tap_dixa.tap import TapDixa

MAX_PAGE_SIZE = 10_000
"""The largest `pageLimit` known to work: singer-io's tap has sent it for years."""


class DixaStream(SupportStream):
    """A stream of any of Dixa's APIs: the token, the schemas."""

    tap: TapDixa
    vendor = "Dixa"
    credential_settings = ("api_token",)
    credential_description = "the API token"
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))


class DixaApiStream(DixaStream):
    """A Dixa API stream: raw token, `{"data": ...}` envelopes, `pageKey` paging.

    The token goes in `Authorization` as it is (the spec's ApiKeyAuth); only the
    endpoints the spec documents as paged are sent a `pageLimit`.
    """

    paged: ClassVar[bool] = False
    """Whether the endpoint takes `pageLimit` (the documented paged lists do)."""
    max_page_limit: ClassVar[int] = MAX_PAGE_SIZE

    @override
    @property
    def authenticator(self) -> APIKeyAuthenticator:
        return APIKeyAuthenticator(key="Authorization", value=self.config["api_token"])

    @override
    @property
    def throttle(self) -> Throttle:
        return self.tap.api_throttle

    @override
    def get_new_paginator(self) -> PageKeyPaginator:
        return PageKeyPaginator(self)

    @property
    def page_limit(self) -> int:
        """`page_size`, within what this endpoint accepts."""
        return min(int(self.config["page_size"]), self.max_page_limit)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        # A next page is the same request again (a POST keeps its body), with its key.
        params: dict[str, Any] = {"pageLimit": self.page_limit} if self.paged else {}
        if next_page_token:
            params["pageKey"] = next_page_token
        return params

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Record]:
        data = self.envelope(response)
        if not isinstance(data, list):
            raise self.malformed(
                response, f'expected {{"data": [...]}}, data is a {type(data).__name__}'
            )
        yield from self.objects(response, data, " in data")

    def envelope(self, response: requests.Response) -> Any:  # noqa: ANN401
        """The `data` of a response."""
        body = self.json_body(response)
        if not isinstance(body, dict):
            raise self.malformed(response, f'expected {{"data": ...}}, got {type(body).__name__}')
        if "data" not in body:
            raise self.malformed(response, 'expected {"data": ...}, got an object without data')
        return body["data"]

    @override
    def time_to_iso(self, value: Any) -> Any:
        return api_time_to_iso(value)
