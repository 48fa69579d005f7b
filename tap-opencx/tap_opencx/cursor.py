"""Endpoints paged with an opaque cursor: `{"items": [...], "next": cursor | null}`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

from tap_opencx.client import OpenCxStream

if TYPE_CHECKING:
    from collections.abc import Callable

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
