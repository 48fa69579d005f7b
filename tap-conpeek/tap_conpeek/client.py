"""What every Conpeek stream shares: errors, retries that honour Retry-After, the envelope.

Also the raw-key Authorization header, and query strings encoded as the documentation
encodes them.
"""

from __future__ import annotations

import gc
import itertools
import json
import random
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import quote, urlencode, urlparse

import msgspec
from singer_sdk import RESTStream
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.streams.rest import HTTPRequest
from typing_extensions import override

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    import requests
    from singer_sdk.streams.rest import PageContext

    from tap_conpeek.tap import TapConpeek

MAX_RETRY_WAIT_SECONDS = 300.0
"""Longest wait for one retry, even when Retry-After asks for more."""

BACKOFF_FIRST_WAIT_SECONDS = 1.0
"""Without Retry-After, waits grow 1, 2, 4, 8 s, each jittered down by up to half."""


class ConpeekAuthError(FatalAPIError):
    """Conpeek refused the API key."""


class MalformedResponseError(FatalAPIError):
    """A response that is not what the endpoint documents."""


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


class ConpeekStream(RESTStream[Any]):
    """A Conpeek stream: one-line errors, Retry-After-aware retries, `{"data": [...]}`."""

    credential_setting = "api_key"
    primary_keys: ClassVar[tuple[str, ...]]

    @property
    def tap(self) -> TapConpeek:
        """The tap this stream belongs to."""
        return cast("TapConpeek", self._tap)

    @override
    @property
    def url_base(self) -> str:
        return str(self.config["api_url"]).rstrip("/")

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
    @property
    def timeout(self) -> int:
        return int(self.config["timeout"])

    @override
    def get_http_request(self, *, page: PageContext) -> HTTPRequest:
        request = super().get_http_request(page=page)
        return DocumentedQuery(
            url=request.url,
            method=request.method,
            params=request.params,
            headers=request.headers,
            data=request.data,
        )

    @override
    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status in {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN}:
            setting = self.credential_setting
            msg = (
                f"Conpeek refused the API key (HTTP {status} for {self.name}): check the "
                f"`{setting}` setting (env TAP_CONPEEK_{setting.upper()})."
            )
            raise ConpeekAuthError(msg)
        super().validate_response(response)

    @override
    def response_error_message(self, response: requests.Response) -> str:
        return (
            f"{self.name}: HTTP {response.status_code} {response.reason} for "
            f"{response.request.method} {urlparse(response.url).path}: "
            f"{_api_message(response)}"
        )

    @override
    def backoff_wait_generator(self) -> Generator[float, Any, None]:
        exception = yield 0.0  # the backoff library primes the generator first
        for attempt in itertools.count():
            wait = retry_after_seconds(getattr(exception, "response", None))
            if wait is None:
                ceiling = BACKOFF_FIRST_WAIT_SECONDS * 2**attempt
                wait = random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not crypto)
            exception = yield min(wait, MAX_RETRY_WAIT_SECONDS)

    @override
    def backoff_jitter(self, value: float) -> float:
        # Jitter is applied above, and only where no Retry-After was given.
        return value

    @override
    def parse_response(self, response: requests.Response) -> Iterator[dict[str, Any]]:
        try:
            with garbage_collection_paused():
                body = msgspec.json.decode(response.content)
        except msgspec.DecodeError as error:
            raise self.malformed(response, f"invalid JSON ({error})") from None
        # Documented for conversation statistics; a bare list is accepted too, as the
        # other endpoints' envelopes are not documented.
        rows = body.get("data") if isinstance(body, dict) else body
        if not isinstance(rows, list):
            raise self.malformed(response, 'expected {"data": [...]}')
        key = self.primary_keys[0]
        for row in rows:
            if not isinstance(row, dict):
                raise self.malformed(response, f"expected objects, got {type(row).__name__}")
            if row.get(key) is None:
                raise self.malformed(response, f"a row without `{key}`")
        return iter(rows)

    def malformed(self, response: requests.Response, problem: str) -> MalformedResponseError:
        """An error naming the stream, the request and what was wrong with the body."""
        content_type = response.headers.get("Content-Type", "no Content-Type")
        return MalformedResponseError(
            f"{self.name}: malformed response to {response.request.method} "
            f"{urlparse(response.url).path} (HTTP {response.status_code}, {content_type}, "
            f"{len(response.content)} bytes): {problem}; body starts "
            f"{response.content[:80]!r}"
        )


def filter_value(*conditions: tuple[str, str, str]) -> str:
    """The `filter` parameter: a JSON list of {property, operator, value} objects."""
    items = [{"property": p, "operator": o, "value": v} for p, o, v in conditions]
    return json.dumps(items, separators=(",", ":"))


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Keep the cycle collector away from a large decoded body.

    A page is thousands of objects, none in a cycle, yet each allocation counts toward
    collections that rescan everything alive. Frozen afterwards, the objects are still
    freed when their last reference goes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or HTTP date), if any."""
    if response is None:
        return None
    header = response.headers.get("Retry-After")
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _api_message(response: requests.Response) -> str:
    """The API's own error message when the body has one, else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "(empty body)"
    if isinstance(body, dict):
        for name in ("message", "error", "detail"):
            if isinstance(body.get(name), str):
                return str(body[name])
    return response.text[:200]
