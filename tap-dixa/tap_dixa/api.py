"""What the Dixa API's streams (dev.dixa.io: v1 and analytics) share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk.authenticators import APIKeyAuthenticator
from typing_extensions import override

from tap_dixa.client import DixaStream
from tap_dixa.paging import PageKeyPaginator
from tap_dixa.timestamps import api_time_to_iso

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams.rest import HTTPRequest, PageContext

    from tap_dixa.throttle import Throttle

MAX_PAGE_SIZE = 10_000
"""The largest `pageLimit` known to work: singer-io's tap has sent it for years."""


class DixaApiStream(DixaStream):
    """A Dixa API stream: raw token, `{"data": ...}` envelopes, `pageKey` paging.

    The token goes in `Authorization` as it is (the spec's ApiKeyAuth); only the
    endpoints the spec documents as paged are sent a `pageLimit`.
    """

    paged: ClassVar[bool] = False
    """Whether the endpoint takes `pageLimit` (the documented paged lists do)."""
    max_page_limit: ClassVar[int] = MAX_PAGE_SIZE
    _last_page: tuple[requests.Response, Any] | None = None

    @override
    @property
    def url_base(self) -> str:
        return str(self.config["api_url"]).rstrip("/")

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
        return {"pageLimit": self.page_limit} if self.paged else {}

    @override
    def get_http_request(self, *, page: PageContext[Any]) -> HTTPRequest:
        request = super().get_http_request(page=page)
        if page.next_page_token:
            # The same request again (a POST keeps its body), with the key added.
            request.params["pageKey"] = page.next_page_token
        return request

    @override
    def parse_response(self, response: requests.Response) -> Iterator[dict[str, Any]]:
        data = self.envelope(response)
        if not isinstance(data, list):
            raise self.malformed(
                response, f'expected {{"data": [...]}}, data is a {type(data).__name__}'
            )
        yield from self.objects(response, data, " in data")

    def envelope(self, response: requests.Response) -> Any:  # noqa: ANN401
        """The `data` of a response (kept for the paginator, so it is parsed once)."""
        body = self.json_body(response)
        self._last_page = (response, body)
        if not isinstance(body, dict):
            raise self.malformed(response, f'expected {{"data": ...}}, got {type(body).__name__}')
        if "data" not in body:
            raise self.malformed(response, 'expected {"data": ...}, got an object without data')
        return body["data"]

    def page_body(self, response: requests.Response) -> Any:  # noqa: ANN401
        """The parsed body of the page just read."""
        if self._last_page is not None and self._last_page[0] is response:
            return self._last_page[1]
        return self.json_body(response)

    @override
    def time_to_iso(self, value: Any) -> Any:
        return api_time_to_iso(value)
