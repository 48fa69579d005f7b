"""What every Open CX stream shares: errors, retries, throttling, bodies, record form."""

from __future__ import annotations

import gc
import itertools
import random
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import cached_property
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import urlparse

import msgspec
from singer_sdk import RESTStream, SchemaDirectory, StreamSchema
from singer_sdk.authenticators import BearerTokenAuthenticator
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.singerlib import RecordMessage
from typing_extensions import override

from tap_opencx import schemas
from tap_opencx.timestamps import datetime_fields, iso, parse_instant

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    import requests
    from singer_sdk.helpers.types import Context

    from tap_opencx.tap import TapOpenCX

MAX_RETRY_WAIT_SECONDS = 300.0
"""Longest wait for one retry, even when Retry-After asks for more."""

BACKOFF_FIRST_WAIT_SECONDS = 1.0
"""Without Retry-After, waits grow 1, 2, 4, 8 s, each jittered down by up to half."""


class OpenCxAuthError(FatalAPIError):
    """Open CX refused the API key, or the key may not read this endpoint."""


class EndpointNotFoundError(FatalAPIError):
    """An endpoint answered 404: Open CX removed or moved it."""


class MalformedResponseError(FatalAPIError):
    """A response that is not what the endpoint documents."""


class OpenCxStream(RESTStream[Any]):
    """An Open CX stream: one-line errors, Retry-After-aware retries, one shared throttle.

    Records keep the fields the schema lists, with every date-time in the tap's output
    form; nested objects keep whatever the API sends.
    """

    credential_setting = "api_key"
    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    items_key: ClassVar[str]
    """Where the records are in the endpoint's envelope."""
    envelope_shape: ClassVar[str]
    """The documented envelope, for error messages."""
    # Open CX's JSON has the schema's types and post_process puts times in their output
    # form; the SDK's recursive conformance would spend more time re-checking that than
    # the rest of the tap takes.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))

    _parsed: tuple[requests.Response, Any] | None = None

    @property
    def tap(self) -> TapOpenCX:
        """The tap this stream belongs to."""
        return cast("TapOpenCX", self._tap)

    @cached_property
    def _selects_every_property(self) -> bool:
        return all(self.mask.values())

    @override
    def _generate_record_messages(
        self, record: dict[str, Any]
    ) -> Generator[RecordMessage, None, None]:
        # The SDK walks every record, nested objects included, to drop deselected
        # properties: a fifth of a run, to find nothing when every property is selected.
        # The rest of its work is skipped at conformance NONE, so only the walk is saved.
        if not self._selects_every_property:
            yield from super()._generate_record_messages(record)
            return
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=self._stream_version,
                    time_extracted=datetime.now(timezone.utc),
                )

    @override
    @property
    def url_base(self) -> str:
        return str(self.config["api_url"]).rstrip("/")

    @override
    @property
    def authenticator(self) -> BearerTokenAuthenticator:
        return BearerTokenAuthenticator(token=self.config["api_key"])

    @override
    @property
    def timeout(self) -> int:
        return int(self.config["timeout"])

    @override
    def request_decorator(self, func: Any) -> Any:
        # Throttle inside the retry loop, so retries also keep to the limit.
        return super().request_decorator(self.tap.throttle.wrap(func))

    @override
    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        setting = f"`{self.credential_setting}` setting (env TAP_OPENCX_API_KEY)"
        if status == HTTPStatus.UNAUTHORIZED:
            msg = f"Open CX refused the API key (HTTP 401 for {self.name}): check the {setting}."
            raise OpenCxAuthError(msg)
        if status == HTTPStatus.FORBIDDEN:
            msg = (
                f"Open CX refused {self.name} (HTTP 403 for {_request_line(response)}: "
                f"{_api_message(response)}): give the key of the {setting} access to this "
                f"endpoint, or deselect the stream `{self.name}`."
            )
            raise OpenCxAuthError(msg)
        if status == HTTPStatus.NOT_FOUND:
            msg = (
                f"{self.name}: the endpoint {response.request.method} {self.path} answered "
                f"HTTP 404 for {_request_line(response)} ({_api_message(response)}); Open CX "
                f"may have removed or moved it. Deselect the stream `{self.name}` to sync "
                "the others."
            )
            raise EndpointNotFoundError(msg)
        super().validate_response(response)

    @override
    def response_error_message(self, response: requests.Response) -> str:
        return (
            f"{self.name}: HTTP {response.status_code} {response.reason} for "
            f"{_request_line(response)}: {_api_message(response)}"
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

    def malformed(self, response: requests.Response, problem: str) -> MalformedResponseError:
        """An error naming the stream, the request and what was wrong with the body."""
        content_type = response.headers.get("Content-Type", "no Content-Type")
        return MalformedResponseError(
            f"{self.name}: malformed response to {_request_line(response)} "
            f"(HTTP {response.status_code}, {content_type}, {len(response.content)} bytes): "
            f"{problem}; body starts {response.content[:80]!r}"
        )

    def json_body(self, response: requests.Response) -> Any:  # noqa: ANN401
        """The body parsed as JSON (once per response), or a `MalformedResponseError`."""
        if self._parsed is None or self._parsed[0] is not response:
            try:
                with garbage_collection_paused():
                    body = msgspec.json.decode(response.content)
            except msgspec.DecodeError as error:
                raise self.malformed(response, f"invalid JSON ({error})") from None
            self._parsed = (response, body)
        return self._parsed[1]

    @override
    def parse_response(self, response: requests.Response) -> Iterator[dict[str, Any]]:
        for item in self.envelope(response)[self.items_key]:
            if not isinstance(item, dict):
                raise self.malformed(response, f"expected objects, got {type(item).__name__}")
            yield item

    def envelope(self, response: requests.Response) -> dict[str, Any]:
        """The body, checked to be the endpoint's documented envelope."""
        body = self.json_body(response)
        if not (isinstance(body, dict) and self.is_envelope(body)):
            got = sorted(body) if isinstance(body, dict) else type(body).__name__
            raise self.malformed(response, f"expected {self.envelope_shape}, got {got}")
        return body

    def is_envelope(self, body: dict[str, Any]) -> bool:
        """Whether a JSON object is the endpoint's envelope."""
        return isinstance(body.get(self.items_key), list)

    @cached_property
    def _schema_fields(self) -> frozenset[str]:
        return frozenset(self.schema["properties"])

    @cached_property
    def _datetime_fields(self) -> tuple[str, ...]:
        return datetime_fields(self.schema)

    @cached_property
    def _reported_unknown_fields(self) -> set[str]:
        return set()

    @override
    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any]:
        known = self._schema_fields
        if not known.issuperset(row):
            self._report_unknown_fields(row.keys() - known)
            row = {k: v for k, v in row.items() if k in known}
        for name in self._datetime_fields:
            if row.get(name) is not None:
                row[name] = iso(self.instant_of(row, name))
        return row

    def instant_of(self, record: dict[str, Any], name: str) -> datetime:
        """The record's time field `name`, or an error naming the stream and the record."""
        value = record.get(name)
        try:
            return parse_instant(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, AttributeError):
            key = {k: record.get(k) for k in self.primary_keys}
            msg = f"{self.name}: {name} {value!r} of {key} is not an ISO-8601 date-time"
            raise MalformedResponseError(msg) from None

    def _report_unknown_fields(self, fields: set[str]) -> None:
        """Say once per field that the API sends something the schema does not list."""
        new = fields - self._reported_unknown_fields
        if new:
            self._reported_unknown_fields.update(new)
            self.logger.warning(
                "%s: Open CX sent fields this tap does not know yet, left out: %s",
                self.name,
                ", ".join(sorted(new)),
            )


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Keep the cycle collector away from a large decoded body.

    A page is tens of thousands of objects, none in a cycle, yet each allocation counts
    toward collections that rescan everything alive. Frozen afterwards, the objects are
    still freed when their last reference goes.
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


def _request_line(response: requests.Response) -> str:
    """`GET /chat/sessions`: the method and path of the request (never its query)."""
    return f"{response.request.method} {urlparse(response.url).path}"


def _api_message(response: requests.Response) -> str:
    """The API's own error message when the body has one, else the start of the body.

    Open CX (NestJS) answers `{"statusCode", "message", "error"}`; validation errors
    put a list of messages in `message`.
    """
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "(empty body)"
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, list) and all(isinstance(m, str) for m in message):
        return "; ".join(message)
    if isinstance(message, str):
        return message
    return response.text[:200]
