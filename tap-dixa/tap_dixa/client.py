"""What every Dixa stream shares: errors, retries that honour Retry-After, throttling."""

from __future__ import annotations

import abc
import gc
import itertools
import json
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
from singer_sdk.exceptions import FatalAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.singerlib import RecordMessage
from typing_extensions import override

from tap_dixa import schemas
from tap_dixa.timestamps import TimeFields

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    import requests
    from singer_sdk.helpers.types import Context

    from tap_dixa.tap import TapDixa
    from tap_dixa.throttle import Throttle

MAX_RETRY_WAIT_SECONDS = 300.0
"""Longest wait for one retry, even when Retry-After asks for more."""

BACKOFF_FIRST_WAIT_SECONDS = 1.0
"""Without Retry-After, waits grow 1, 2, 4, 8 s, each jittered down by up to half."""


class DixaAuthError(FatalAPIError):
    """Dixa refused the credentials."""


class MalformedResponseError(FatalAPIError):
    """A response that is not what the endpoint documents."""


class DixaStream(RESTStream[Any]):
    """A Dixa stream: one-line errors, Retry-After-aware retries, optional throttle.

    Records keep the fields their schema knows, each time turned into ISO-8601 UTC.
    """

    credential_setting = "api_token"
    # post_process already gives every field its schema type; the SDK's recursive
    # conformance would spend more time than the rest of the tap re-checking it.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    schema: ClassVar[StreamSchema[str]] = StreamSchema(SchemaDirectory(schemas))

    @property
    @abc.abstractmethod
    def throttle(self) -> Throttle:
        """The request budget this stream's API shares with its sibling streams."""

    @abc.abstractmethod
    def time_to_iso(self, value: Any) -> Any:  # noqa: ANN401
        """A time as this stream's API sends it, as ISO-8601 UTC.

        Raises:
            ValueError: If `value` is not a time.
        """

    @property
    def tap(self) -> TapDixa:
        """The tap this stream belongs to."""
        return cast("TapDixa", self._tap)

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
    def timeout(self) -> int:
        return int(self.config["timeout"])

    @override
    def request_decorator(self, func: Any) -> Any:
        # Throttle inside the retry loop, so retries also keep to the limit.
        return super().request_decorator(self.throttle.wrap(func))

    @override
    def validate_response(self, response: requests.Response) -> None:
        status = response.status_code
        if status in {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN}:
            setting = self.credential_setting
            msg = (
                f"Dixa refused the API token (HTTP {status} for {self.name}): check the "
                f"`{setting}` setting (env TAP_DIXA_{setting.upper()})."
            )
            raise DixaAuthError(msg)
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

    @cached_property
    def _time_fields(self) -> TimeFields:
        return TimeFields.from_schema(self.schema)

    @cached_property
    def _schema_fields(self) -> frozenset[str]:
        return frozenset(self.schema["properties"])

    @override
    def post_process(self, row: dict[str, Any], context: Context | None = None) -> dict[str, Any]:
        # Top-level fields the schema does not know are dropped, as the SDK would.
        known = self._schema_fields
        record = row if row.keys() <= known else {k: v for k, v in row.items() if k in known}
        try:
            return self._time_fields.convert(record, self.time_to_iso)
        except ValueError as error:
            raise self.malformed_record(row, error) from None

    def malformed_record(self, record: Any, error: Exception) -> MalformedResponseError:  # noqa: ANN401
        """An error naming the stream, the problem and the start of the record."""
        return MalformedResponseError(
            f"{self.name}: malformed record ({error}): {json.dumps(record, default=str)[:120]}"
        )

    def malformed(self, response: requests.Response, problem: str) -> MalformedResponseError:
        """An error naming the stream, the request and what was wrong with the body."""
        content_type = response.headers.get("Content-Type", "no Content-Type")
        return MalformedResponseError(
            f"{self.name}: malformed response to {response.request.method} "
            f"{urlparse(response.url).path} (HTTP {response.status_code}, {content_type}, "
            f"{len(response.content)} bytes): {problem}; body starts "
            f"{response.content[:80]!r}"
        )

    def objects(
        self, response: requests.Response, items: list[Any], where: str = ""
    ) -> Iterator[dict[str, Any]]:
        """`items`, each of which must be a JSON object (`where`: " in data")."""
        for item in items:
            if not isinstance(item, dict):
                raise self.malformed(
                    response, f"expected objects{where}, got {type(item).__name__}"
                )
            yield item

    def json_body(self, response: requests.Response) -> Any:  # noqa: ANN401
        """The body parsed as JSON, or a `MalformedResponseError`."""
        try:
            with garbage_collection_paused():
                return msgspec.json.decode(response.content)
        except msgspec.DecodeError as error:
            raise self.malformed(response, f"invalid JSON ({error})") from None


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Keep the cycle collector away from a large decoded body.

    Decoding creates hundreds of thousands of objects, none in a cycle, yet each
    allocation counts toward collections that rescan everything alive: with the
    collector on, decoding a 31-day window took three to five times as long. Frozen
    afterwards, the objects are still freed when their last reference goes; they are
    only no longer rescanned.
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
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return response.text[:200]
