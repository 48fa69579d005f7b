"""What an iovox stream needs: header auth, errors, retries that honour Retry-After, the body."""

from __future__ import annotations

import gc
import itertools
import random
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse

import msgspec
from singer_sdk import RESTStream
from singer_sdk.exceptions import FatalAPIError
from typing_extensions import override

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    import requests

    from tap_iovox.tap import TapIovox

MAX_RETRY_WAIT_SECONDS = 300.0
"""Longest wait for one retry, even when Retry-After asks for more."""

BACKOFF_FIRST_WAIT_SECONDS = 1.0
"""Without Retry-After, waits grow 1, 2, 4, 8 s, each jittered down by up to half."""


class IovoxAuthError(FatalAPIError):
    """iovox refused the credentials."""


class MalformedResponseError(FatalAPIError):
    """A response that is not what the endpoint documents."""


class IovoxStream(RESTStream[Any]):
    """An iovox REST v1 stream: one-line errors, Retry-After-aware retries, bare arrays."""

    @property
    def tap(self) -> TapIovox:
        """The tap this stream belongs to."""
        return cast("TapIovox", self._tap)

    @override
    @property
    def url_base(self) -> str:
        return str(self.config["api_url"]).rstrip("/")

    @override
    @property
    def http_headers(self) -> dict[str, str]:
        # The documented credentials: two headers, no scheme.
        return {
            **super().http_headers,
            "username": str(self.config["username"]),
            "secureKey": str(self.config["secure_key"]),
        }

    @override
    @property
    def timeout(self) -> int:
        return int(self.config["timeout"])

    @override
    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status in {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN}:
            msg = (
                f"iovox refused the credentials (HTTP {status} for {self.name}): check the "
                "`username` and `secure_key` settings (env TAP_IOVOX_USERNAME and "
                "TAP_IOVOX_SECURE_KEY), and that this machine's IP is on the account's "
                "API allow-list."
            )
            raise IovoxAuthError(msg)
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
        rows = _rows(body)
        if rows is None:
            raise self.malformed(response, f"expected a JSON array, got {type(body).__name__}")
        for row in rows:
            if not isinstance(row, dict):
                raise self.malformed(response, f"expected objects, got {type(row).__name__}")
            if row.get("id") is None:
                raise self.malformed(response, "a call without `id`")
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


def _rows(body: Any) -> list[Any] | None:  # noqa: ANN401
    """The calls of a body: REST v1's bare array, or REST v3's JSON envelope.

    v3 wraps calls as `{"response": {"results": {"result": [...]}}}`, where a lone call
    may come as an object rather than a list.
    """
    if isinstance(body, list):
        return body
    envelope = body.get("response") if isinstance(body, dict) else None
    if not isinstance(envelope, dict):
        return None
    results = envelope.get("results")
    result = results.get("result") if isinstance(results, dict) else None
    if result is None:
        return []
    if isinstance(result, dict):
        return [result]
    return result if isinstance(result, list) else None


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Keep the cycle collector away from a large decoded body.

    A page of 20,000 calls is hundreds of thousands of objects, none in a cycle, yet
    each allocation counts toward collections that rescan everything alive. Frozen
    afterwards, the objects are still freed when their last reference goes.
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
