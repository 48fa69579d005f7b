"""What every stream of the suite shares: errors, retries, throttling, bodies, records."""

from __future__ import annotations

from functools import cached_property, wraps
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar

import backoff
import msgspec
import requests
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.conform import TypeConformanceLevel
from typing_extensions import override

from support_taps_common.decoding import decode_json
from support_taps_common.errors import (
    CredentialsRefusedError,
    RequestFailedError,
    api_message,
    malformed_record,
    malformed_response,
    request_failure,
    request_line,
)
from support_taps_common.records import KnownFields, TimeFields
from support_taps_common.retries import retry_waits
from support_taps_common.schema_check import SchemaCheck
from support_taps_common.sdk_internals import StreamInternals
from support_taps_common.writer import RecordBatchingWriter

if TYPE_CHECKING:
    from collections.abc import Generator, Iterable, Iterator

    from backoff.types import Details
    from singer_sdk.helpers.types import Context, Record

    from support_taps_common.errors import MalformedResponseError
    from support_taps_common.tap import SupportTap
    from support_taps_common.throttle import Throttle


NO_ANSWER = (
    ConnectionResetError,
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
"""What a request fails with when no whole answer came: retried, as the SDK retries them."""
RETRIED = (RetriableAPIError, *NO_ANSWER)


class SupportStream(StreamInternals):
    """A REST stream: one-line errors, Retry-After-aware retries, an optional throttle.

    A tap's base stream names its vendor and credential settings, and supplies the
    authenticator, its envelopes (`parse_response`) and how its API writes times
    (`time_to_iso`). Records keep the top-level fields their schema lists (others are
    dropped, with a warning once per field), every date-time in the tap's output form.
    """

    vendor: ClassVar[str]
    """The vendor's name, as error messages give it (e.g. "Open CX")."""
    credential_settings: ClassVar[tuple[str, ...]]
    """The settings that hold the credentials, named when the API refuses them."""
    credential_description: ClassVar[str] = "the credentials"
    """What the credentials are called in messages (e.g. "the API key")."""
    api_url_setting: ClassVar[str] = "api_url"
    """The setting that holds this stream's base URL."""

    # `shape` gives every field its schema type and `schema_check` makes sure of it, in C;
    # the SDK's recursive conformance would spend more time than the rest of the tap.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    tap: SupportTap
    """The tap this stream belongs to (a tap's base stream declares its own tap class)."""
    _decoded: tuple[requests.Response, Any] | None = None

    def __init__(self, tap: SupportTap, *args: Any, **kwargs: Any) -> None:
        """A stream of `tap` (further arguments as for the SDK's `RESTStream`)."""
        super().__init__(tap, *args, **kwargs)
        self.tap = tap

    @override
    @property
    def url_base(self) -> str:
        return str(self.config[self.api_url_setting]).rstrip("/")

    @override
    @property
    def timeout(self) -> int:
        return int(self.config["timeout"])

    @property
    def throttle(self) -> Throttle | None:
        """The request budget this stream shares with its API's other streams, if any."""
        return None

    @override
    def request_decorator(self, func: Any) -> Any:
        # Throttle inside the retry loop, so retries also keep to the limit. The SDK's
        # retries, without the backoff library's own log lines (reprs of the call).
        throttle = self.throttle
        retrying = backoff.on_exception(
            self.backoff_wait_generator,
            RETRIED,
            max_tries=self.backoff_max_tries(),
            on_backoff=self.backoff_handler,
            jitter=self.backoff_jitter,
            logger=None,
        )(throttle.wrap(func) if throttle else func)

        @wraps(func)
        def request(prepared_request: requests.PreparedRequest, context: Context | None) -> Any:  # noqa: ANN401
            try:
                return retrying(prepared_request, context)
            except NO_ANSWER as error:
                message = request_failure(self.name, prepared_request, error, self.timeout)
                tries = f"after {self.backoff_max_tries()} tries"
                raise RequestFailedError(f"{message}, {tries}") from error

        return request

    @override
    def backoff_handler(self, details: Details) -> None:
        error = details.get("exception")
        if error is None or isinstance(error, RetriableAPIError):
            reason = str(error)
        else:
            reason = request_failure(self.name, details["args"][0], error, self.timeout)
        self.logger.warning(
            "Backing off %.1f s before try %d of %d: %s",
            details.get("wait", 0.0),
            details["tries"] + 1,
            self.backoff_max_tries(),
            reason,
        )

    @override
    def validate_response(self, response: requests.Response) -> None:
        if response.status_code in {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN}:
            raise self.credentials_refused(response)
        super().validate_response(response)

    def credentials_refused(self, response: requests.Response) -> CredentialsRefusedError:
        """The error for a 401 or 403: it stops the sync, naming the settings to fix."""
        names = [f"`{name}`" for name in self.credential_settings]
        envs = [self.env_name(name) for name in self.credential_settings]
        plural = "s" if len(names) > 1 else ""
        return CredentialsRefusedError(
            f"{self.vendor} refused {self.credential_description} (HTTP "
            f"{response.status_code} for {self.name}): check the {' and '.join(names)} "
            f"setting{plural} (env {' and '.join(envs)}){self.credential_advice}."
        )

    credential_advice: ClassVar[str] = ""
    """Said after the settings when the API refuses the credentials (e.g. an IP allow-list)."""

    def env_name(self, setting: str) -> str:
        """The environment variable the SDK and Meltano read `setting` from."""
        return f"{self.tap.name.upper().replace('-', '_')}_{setting.upper()}"

    @override
    def response_error_message(self, response: requests.Response) -> str:
        return (
            f"{self.name}: HTTP {response.status_code} {response.reason} for "
            f"{request_line(response)}: {api_message(response)}"
        )

    @override
    def backoff_wait_generator(self) -> Generator[float, Any, None]:
        return retry_waits()

    @override
    def backoff_jitter(self, value: float) -> float:
        # retry_waits jitters its own waits, and never a wait that Retry-After asked for.
        return value

    @override
    def request_records(self, context: Context | None) -> Iterator[Record]:
        try:
            yield from super().request_records(context)
        finally:
            # The last page (its bytes and what they decoded to) need not outlive it.
            self._decoded = None

    def json_body(self, response: requests.Response) -> Any:  # noqa: ANN401
        """The body parsed as JSON (once per response), or a `MalformedResponseError`."""
        if self._decoded is None or self._decoded[0] is not response:
            try:
                body = decode_json(response.content)
            except msgspec.DecodeError as error:
                raise self.malformed(response, f"invalid JSON ({error})") from None
            self._decoded = (response, body)
        return self._decoded[1]

    def malformed(self, response: requests.Response, problem: str) -> MalformedResponseError:
        """An error naming the stream, the request and what was wrong with the body."""
        return malformed_response(self.name, response, problem)

    def malformed_record(self, record: Any, error: Exception | str) -> MalformedResponseError:  # noqa: ANN401
        """An error naming the stream, the problem and the start of the record."""
        return malformed_record(self.name, record, error)

    def objects(
        self, response: requests.Response, items: Iterable[Any], where: str = ""
    ) -> Iterator[dict[str, Any]]:
        """`items`, each of which must be a JSON object (`where`: e.g. " in data")."""
        for item in items:
            if not isinstance(item, dict):
                raise self.malformed(
                    response, f"expected objects{where}, got {type(item).__name__}"
                )
            yield item

    def time_to_iso(self, value: Any) -> Any:  # noqa: ANN401
        """A time as this stream's API sends it, in the tap's output form (None stays None).

        Raises:
            ValueError: If `value` is not a time.
        """
        raise NotImplementedError(f"{type(self).__name__} converts no times")

    @cached_property
    def known_fields(self) -> KnownFields:
        """The top-level fields of the stream's schema (the catalog's, if it has one)."""
        return KnownFields.from_schema(self.effective_schema)

    @cached_property
    def time_fields(self) -> TimeFields:
        """Where the stream's schema declares date-times."""
        return TimeFields.from_schema(self.effective_schema)

    @override
    def post_process(self, row: Record, context: Context | None = None) -> Record | None:
        record = self.shape(row, context)
        return None if record is None else self.schema_check.check(record)

    @cached_property
    def schema_check(self) -> SchemaCheck:
        """The check every record passes; its keys and replication key must be there."""
        keys = tuple(self.primary_keys or ())
        required = {*keys, *([self.replication_key] if self.replication_key else [])}
        return SchemaCheck.from_schema(self.name, self.effective_schema, keys, required)

    def shape(self, row: Record, context: Context | None) -> Record | None:  # noqa: ARG002
        """The API's row in its schema's form (None leaves it out); checked afterwards.

        Here: only the schema's top-level fields, and its times in the tap's form.
        """
        record = self.known_fields.keep(row, self.warn_unknown_fields)
        try:
            return self.time_fields.convert(record, self.time_to_iso)
        except ValueError as error:
            raise self.malformed_record(row, error) from None

    def warn_unknown_fields(self, fields: Iterable[str]) -> None:
        """Say (once per field) that the API sent top-level fields the schema lacks."""
        self.logger.warning(
            "%s: %s sent fields this tap does not know yet, left out: %s",
            self.name,
            self.vendor,
            ", ".join(sorted(fields)),
        )

    @cached_property
    def _reads_children(self) -> bool:
        return any(c.selected or c.has_selected_descendents for c in self.child_streams)

    @override
    def generate_child_contexts(
        self, record: Record, context: Context | None
    ) -> Iterable[Context | None]:
        # The SDK asks for every record's child contexts, and syncs the children (which
        # do nothing if deselected); asking only when a child reads saves that per record.
        if self._reads_children:
            yield from super().generate_child_contexts(record, context)

    @override
    def finalize_state_progress_markers(self, state: dict[str, Any] | None = None) -> None:
        super().finalize_state_progress_markers(state)
        # The SDK calls this once a stream (and, through it, each child) was read to the
        # end. A full-table stream may end without a STATE to push its records out.
        writer = self.tap.message_writer
        if isinstance(writer, RecordBatchingWriter):
            writer.flush()
            writer.streams_synced([self.name])
