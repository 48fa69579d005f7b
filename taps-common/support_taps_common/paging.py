"""SDK paginators for APIs that end a listing with a page shorter than asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from singer_sdk.pagination import OffsetPaginator, PageNumberPaginator
from typing_extensions import override

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests


class ShortPageNumberPaginator(PageNumberPaginator):
    """Pages 1, 2, ... until one holds fewer than `page_size` rows.

    A full last page costs one more request, which comes back empty.
    """

    def __init__(self, page_size: int, rows: Callable[[requests.Response], list[Any]]) -> None:
        """Count each page's rows with `rows`."""
        super().__init__(1)
        self._full_page = page_size
        self._rows = rows

    @override
    def has_more(self, response: requests.Response) -> bool:
        return len(self._rows(response)) >= self._full_page


class ShortPageOffsetPaginator(OffsetPaginator):
    """Offsets 0, `page_size`, ... until a page holds fewer than `page_size` rows."""

    def __init__(self, page_size: int, rows: Callable[[requests.Response], list[Any]]) -> None:
        """Count each page's rows with `rows`."""
        super().__init__(0, page_size)
        self._rows = rows

    @override
    def has_more(self, response: requests.Response) -> bool:
        return len(self._rows(response)) >= self.page_size
