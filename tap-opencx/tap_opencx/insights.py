"""Customer insights: POST /insights, page by page, the whole table every run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from singer_sdk.pagination import PageNumberPaginator
from typing_extensions import override

from tap_opencx.client import OpenCxStream

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests
    from singer_sdk.helpers.types import Context

    from tap_opencx.tap import TapOpenCX

# Oldest first: an insight created during the run lands on a later page instead of
# shifting the pages still to be read.
STABLE_ORDER = {"sortBy": "created_at", "sortOrder": "asc"}


class InsightsPaginator(PageNumberPaginator):
    """Pages 1, 2, ... while the page just read is before `totalPages`.

    The tap counts pages itself: the response's `page` is documented with a sample of 0
    for the first page, so it may be 0- or 1-based.
    """

    def __init__(self, total_pages: Callable[[requests.Response], int]) -> None:
        """Read each response's page count with `total_pages`."""
        super().__init__(1)
        self._total_pages = total_pages

    @override
    def has_more(self, response: requests.Response) -> bool:
        return self.current_value < self._total_pages(response)


class InsightsStream(OpenCxStream):
    """Insights with the configured `insights_filters` (there is no updated-since filter)."""

    name = "insights"
    path = "/insights"
    items_key = "data"
    envelope_shape = '{"data": [...], "totalPages": int, ...}'

    def __init__(self, tap: TapOpenCX) -> None:
        """The insights stream of `tap`."""
        super().__init__(tap, http_method="POST")

    @override
    def get_new_paginator(self) -> InsightsPaginator:
        return InsightsPaginator(lambda response: self.envelope(response)["totalPages"])

    @override
    def prepare_request_payload(
        self, context: Context | None, next_page_token: int | None
    ) -> dict[str, Any]:
        filters = self.config.get("insights_filters") or {}
        return {**filters, **STABLE_ORDER, "page": next_page_token}

    @override
    def is_envelope(self, body: dict[str, Any]) -> bool:
        return super().is_envelope(body) and type(body.get("totalPages")) is int
