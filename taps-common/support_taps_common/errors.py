"""Errors that stop a sync, each naming the stream and the request, never a secret."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import requests
from singer_sdk.exceptions import FatalAPIError

API_MESSAGE_KEYS = ("message", "error", "detail")
"""Where APIs put the human-readable reason of an error, in the order looked at."""


class CredentialsRefusedError(FatalAPIError):
    """The API refused the credentials (401), or refused them this endpoint (403)."""


class EndpointNotFoundError(FatalAPIError):
    """An endpoint answered 404: the vendor removed or moved it."""


class MalformedResponseError(FatalAPIError):
    """A response or a record that is not what the endpoint documents."""


def request_line(response: requests.Response) -> str:
    """`GET /chat/sessions`: the method and path of the request (never its query)."""
    return f"{response.request.method} {urlparse(response.url).path}"


def api_message(response: requests.Response) -> str:
    """The API's own reason when the body has one, else the start of the body.

    A reason may be a string or, as NestJS validation errors have it, a list of strings.
    """
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "(empty body)"
    if isinstance(body, dict):
        for key in API_MESSAGE_KEYS:
            reason = body.get(key)
            if isinstance(reason, str):
                return reason
            if isinstance(reason, list) and reason and all(isinstance(r, str) for r in reason):
                return "; ".join(reason)
    return response.text[:200]


def malformed_response(
    stream: str, response: requests.Response, problem: str
) -> MalformedResponseError:
    """An error naming the stream, the request and what was wrong with the body."""
    content_type = response.headers.get("Content-Type", "no Content-Type")
    return MalformedResponseError(
        f"{stream}: malformed response to {request_line(response)} "
        f"(HTTP {response.status_code}, {content_type}, {len(response.content)} bytes): "
        f"{problem}; body starts {response.content[:80]!r}"
    )


def malformed_record(stream: str, record: Any, error: Exception | str) -> MalformedResponseError:  # noqa: ANN401
    """An error naming the stream, the problem and the start of the record."""
    start = json.dumps(record, default=str)[:120]
    return MalformedResponseError(f"{stream}: malformed record ({error}): {start}")


class InvalidStateError(FatalAPIError):
    """A STATE bookmark this stream cannot resume from."""


class RequestFailedError(FatalAPIError):
    """A request that got no answer (a dropped connection, a timeout) after every try."""


def request_failure(
    stream: str, request: requests.PreparedRequest, error: Exception, timeout: float
) -> str:
    """`contacts: GET /contacts lost its connection (...)`: what failed, and where, in words."""
    what = failure(error, timeout)
    return f"{stream}: {request.method} {urlparse(request.url or '').path} {what}"


def failure(error: Exception, timeout: float) -> str:
    """What went wrong with a request that got no answer (`timeout`: seconds it waited)."""
    cause = _deepest(error)
    detail = f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__
    if isinstance(error, requests.Timeout):
        return f"got no answer within {timeout:g} s (the `timeout` setting)"
    if isinstance(error, (requests.ConnectionError, ConnectionError)):
        return f"lost its connection ({detail})"
    return f"failed ({detail})"


def _deepest(error: BaseException) -> BaseException:
    """The innermost exception of a chain that requests and urllib3 wrap in tuples."""
    seen = {id(error)}
    while True:
        inner = next((a for a in error.args if isinstance(a, BaseException)), None)
        inner = inner or getattr(error, "reason", None) or error.__cause__ or error.__context__
        if not isinstance(inner, BaseException) or id(inner) in seen:
            return error
        seen.add(id(inner))
        error = inner
