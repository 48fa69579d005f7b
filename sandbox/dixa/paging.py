"""Dixa API paging: `pageLimit`, an opaque `pageKey`, and `{"data": [...], "meta": {...}}`.

The documentation says `pageKey` is the "Base64 encoded form of pagination query
parameters", so a key carries the query it continues: a request with a key may repeat
those parameters (they must match) or leave them out. `pageLimit` may change between
pages. Keys are standard base64, so they hold `+`, `/` and `=`, percent-encoded in links
(a bare `+` in a query reads as a space). Where the next page is announced is a reading
(`NextLink`): the spec's `meta.next` as a relative or absolute URL, or a top-level
`pageKey` as Dixa's own MCP client expects for analytics.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sandbox.dixa.exports_api import BadRequestError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sandbox.wire import Request

# Makes every key start with `++++`, so clients must encode what they send back.
_KEY_PREFIX = b"\xfb\xef\xbe"


class NextLink(enum.Enum):
    """Where a page says that another one follows."""

    RELATIVE = "relative"
    """`meta.next` is a path and query, e.g. `/v1/agents?pageKey=...`."""
    ABSOLUTE = "absolute"
    """`meta.next` is a full URL on the API's host."""
    PAGE_KEY = "page_key"
    """A top-level `pageKey` field and no `meta`."""


@dataclass(frozen=True)
class PageLimits:
    """The page size when `pageLimit` is absent, and the largest accepted."""

    default: int
    maximum: int


@dataclass(frozen=True)
class PageRequest:
    """Which slice of which query a request asks for."""

    query: Mapping[str, Any]
    offset: int
    limit: int


def page_request(request: Request, query: Mapping[str, Any], limits: PageLimits) -> PageRequest:
    """Validate `pageLimit` and `pageKey` against the request's own `query` parameters.

    Parameters absent from `query` are taken from the key.

    Raises:
        BadRequestError: With the API's message for the parameter at fault.
    """
    limit = _page_limit(request.param("pageLimit"), limits)
    raw_key = request.param("pageKey")
    if raw_key is None:
        return PageRequest(query, 0, limit or limits.default)
    key = _decode(raw_key)
    continued: dict[str, Any] = dict(key["q"])
    if any(continued.get(name) != value for name, value in query.items()):
        raise BadRequestError("Invalid value for: query parameter pageKey")
    return PageRequest(continued, int(key["o"]), limit or int(key["l"]))


def render_page(
    request: Request, page: PageRequest, items: Sequence[bytes], style: NextLink
) -> bytes:
    """The envelope for one page of pre-rendered `items`."""
    end = page.offset + page.limit
    body = b'{"data":[' + b",".join(items[page.offset : end]) + b"]"
    links: dict[str, str] = {}
    if end < len(items):
        links["next"] = _link(request, _encode(page.query, end, page.limit), style)
    if page.offset > 0:
        previous = max(0, page.offset - page.limit)
        links["previous"] = _link(request, _encode(page.query, previous, page.limit), style)
    if style is NextLink.PAGE_KEY:
        if "next" in links:
            body += b',"pageKey":' + json.dumps(links["next"]).encode()
    elif links:
        body += b',"meta":' + json.dumps(links, separators=(",", ":")).encode()
    return body + b"}"


def _link(request: Request, key: str, style: NextLink) -> str:
    if style is NextLink.PAGE_KEY:
        return key
    path = f"{request.path}?pageKey={quote(key, safe='')}"
    if style is NextLink.ABSOLUTE:
        return f"http://{request.headers.get('host', '127.0.0.1')}{path}"
    return path


def _page_limit(raw: str | None, limits: PageLimits) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= limits.maximum:
        raise BadRequestError("Invalid value for: query parameter pageLimit")
    return value


def _encode(query: Mapping[str, Any], offset: int, limit: int) -> str:
    payload = json.dumps({"o": offset, "l": limit, "q": query}, sort_keys=True).encode()
    return base64.b64encode(_KEY_PREFIX + payload).decode()


def _decode(raw: str) -> dict[str, Any]:
    invalid = BadRequestError("Invalid value for: query parameter pageKey")
    try:
        payload = base64.b64decode(raw, validate=True)
        key = json.loads(payload[len(_KEY_PREFIX) :])
    except (binascii.Error, ValueError):
        raise invalid from None
    if not payload.startswith(_KEY_PREFIX) or not isinstance(key, dict):
        raise invalid
    if {"o", "l", "q"} - key.keys():
        raise invalid
    return key
