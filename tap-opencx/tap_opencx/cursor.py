"""Endpoints paged with an opaque cursor: `{"items": [...], "next": cursor | null}`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from tap_opencx.client import OpenCxStream

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import requests
    from singer_sdk.helpers.types import Context


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

    @override
    def get_new_paginator(self) -> CursorPaginator:
        return CursorPaginator(lambda response: self.envelope(response)["next"])

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return {"cursor": next_page_token}

    @override
    def parse_response(self, response: requests.Response) -> Iterator[dict[str, Any]]:
        for item in self.envelope(response)["items"]:
            if not isinstance(item, dict):
                raise self.malformed(response, f"expected objects, got {type(item).__name__}")
            yield item

    def envelope(self, response: requests.Response) -> dict[str, Any]:
        """The page's envelope, checked to be `{"items": [...], "next": str | null}`."""
        body = self.json_body(response)
        if not (
            isinstance(body, dict)
            and isinstance(body.get("items"), list)
            and "next" in body
            and (body["next"] is None or isinstance(body["next"], str))
        ):
            got = sorted(body) if isinstance(body, dict) else type(body).__name__
            raise self.malformed(response, f'expected {{"items": [...], "next": ...}}, got {got}')
        return body
