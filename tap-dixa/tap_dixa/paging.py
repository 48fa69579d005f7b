"""Dixa API paging: the next page's `pageKey`, wherever a page says it.

The spec puts the next page in `meta.next`, a URL that may be relative; Dixa's own MCP
client reads a top-level `pageKey` from analytics pages. Either way the tap sends the
same request again with `pageKey` (POST bodies included), so how a link is written
(absolute, relative to what) does not matter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

if TYPE_CHECKING:
    import requests
    from support_taps_common.errors import MalformedResponseError


class PagedStream(Protocol):
    """What the paginator needs from its stream."""

    def json_body(self, response: requests.Response) -> Any:  # noqa: ANN401
        """The body of a response, as the stream decoded it."""
        ...

    def malformed(self, response: requests.Response, problem: str) -> MalformedResponseError:
        """An error naming the stream and the request."""
        ...


class PageKeyPaginator(BaseAPIPaginator[str | None]):
    """Follows `pageKey`s until a page announces none."""

    def __init__(self, stream: PagedStream) -> None:
        """Page through `stream`'s responses."""
        super().__init__(None)
        self._stream = stream

    @override
    def get_next(self, response: requests.Response) -> str | None:
        try:
            key = next_page_key(self._stream.json_body(response))
        except ValueError as error:
            raise self._stream.malformed(response, str(error)) from None
        if key is not None and key == self.current_value:
            raise self._stream.malformed(response, "the next page has the same pageKey")
        return key

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        # An empty page that links to another is followed; get_next ends the paging.
        return True


def next_page_key(body: Any) -> str | None:  # noqa: ANN401
    """The `pageKey` of the next page, from `meta.next` or a top-level `pageKey`.

    Raises:
        ValueError: If `meta.next` is there but carries no `pageKey`.
    """
    if not isinstance(body, dict):
        return None
    meta = body.get("meta")
    link = meta.get("next") if isinstance(meta, dict) else None
    if isinstance(link, str) and link:
        key = page_key_in(link)
        if key is None:
            msg = f"meta.next {link!r} has no pageKey"
            raise ValueError(msg)
        return key
    key = body.get("pageKey")
    return key if isinstance(key, str) and key else None


def page_key_in(link: str) -> str | None:
    """The `pageKey` query value of an absolute or relative URL.

    Percent-decoded, but a `+` stays a `+`: keys are base64, which has `+`, and a link
    may or may not encode it.
    """
    for part in urlsplit(link).query.split("&"):
        name, _, value = part.partition("=")
        if unquote(name) == "pageKey":
            return unquote(value) or None
    return None
