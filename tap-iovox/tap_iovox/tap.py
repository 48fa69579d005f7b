"""tap-iovox: settings, their validation, and the list of streams."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfoNotFoundError

import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError, RetriableAPIError
from typing_extensions import override

from tap_iovox.calls import CallsStream
from tap_iovox.fields import REQUESTABLE
from tap_iovox.times import AccountClock, parse_instant
from tap_iovox.writer import RecordBatchingWriter

if TYPE_CHECKING:
    from singer_sdk import Stream

MAX_PAGE_SIZE = 20_000
"""The documented maximum `limit`."""


class TapIovox(Tap):
    """Calls with their insights from iovox, incrementally with a lookback."""

    name = "tap-iovox"
    message_writer_class = RecordBatchingWriter

    config_jsonschema = th.PropertiesList(
        th.Property(
            "username",
            th.StringType(nullable=False),
            required=True,
            secret=True,
            title="Username",
            description="The iovox API username, sent as the `username` header.",
        ),
        th.Property(
            "secure_key",
            th.StringType(nullable=False),
            required=True,
            secret=True,
            title="Secure key",
            description="The iovox API secure key, sent as the `secureKey` header.",
        ),
        th.Property(
            "api_url",
            th.URIType(nullable=False),
            default="https://rest.iovox.com/rest/v1",
            title="API URL",
            description="Base URL of the iovox REST v1 API.",
        ),
        th.Property(
            "start_date",
            th.DateTimeType(nullable=False),
            required=True,
            title="Start date",
            description=(
                "Earliest call to extract, by call_start: a date (yyyy-mm-dd, UTC midnight) "
                "or an ISO-8601 date-time (UTC if no offset)."
            ),
        ),
        th.Property(
            "end_date",
            th.DateTimeType,
            title="End date",
            description=(
                "Exclusive end of the range, same formats as start_date. "
                "Default: the time the sync starts."
            ),
        ),
        th.Property(
            "lookback_days",
            th.IntegerType(minimum=0),
            default=7,
            title="Lookback (days)",
            description=(
                "Days before its bookmark each run reads again, as calls gain comments, "
                "tags and transcriptions after the fact and the API cannot say which did."
            ),
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=MAX_PAGE_SIZE),
            default=MAX_PAGE_SIZE,
            title="Page size",
            description="Calls per request (`limit`, 1-20000).",
        ),
        th.Property(
            "window_days",
            th.IntegerType(minimum=1),
            default=1,
            title="Window length (days)",
            description=(
                "Days of calls per window. A window is held in memory, sorted, emitted "
                "and checkpointed; a quiet account can read faster with longer ones."
            ),
        ),
        th.Property(
            "timezone",
            th.StringType(nullable=False),
            default="UTC",
            title="Account time zone",
            description=(
                "IANA zone of the account, in which iovox writes call times and reads "
                "start_date/end_date (its times carry no zone), e.g. Europe/London."
            ),
        ),
        th.Property(
            "response_fields",
            th.ArrayType(th.StringType),
            title="Response fields",
            description=(
                "iovox field names to request (e.g. comment_text, node_category_id); "
                "id and call_start are always added. Default: every field the catalog "
                "selects."
            ),
        ),
        th.Property(
            "timeout",
            th.IntegerType(minimum=1),
            default=300,
            title="Request timeout (s)",
            description="Seconds to wait for a response before retrying.",
        ),
    ).to_dict()

    @override
    def discover_streams(self) -> list[Stream]:
        return [CallsStream(self)]

    @cached_property
    def end(self) -> datetime:
        """End of the extracted range, to the second: `end_date`, or when the sync started."""
        configured = self.config.get("end_date")
        moment = parse_instant(configured) if configured else datetime.now(timezone.utc)
        return moment.replace(microsecond=0)

    @cached_property
    def window_span(self) -> timedelta:
        """Length of one window."""
        return timedelta(days=int(self.config["window_days"]))

    @cached_property
    def lookback(self) -> timedelta:
        """How far before the bookmark a run starts."""
        return timedelta(days=int(self.config["lookback_days"]))

    @cached_property
    def page_size(self) -> int:
        """Calls per request."""
        return int(self.config["page_size"])

    @cached_property
    def clock(self) -> AccountClock:
        """Reads and writes the account's zone-less times."""
        return AccountClock.named(str(self.config["timezone"]))

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        errors = super()._validate_config(raise_errors=raise_errors)
        if not errors:
            errors = settings_errors(self.config)
        if errors and raise_errors:
            raise ConfigValidationError("Config validation failed", errors=errors)
        return errors

    @override
    @classmethod
    def invoke(cls, *args: Any, **kwargs: Any) -> None:
        try:
            super().invoke(*args, **kwargs)
        except (FatalAPIError, RetriableAPIError, requests.RequestException) as error:
            # One readable line, no traceback: these are about the API or settings.
            cls.logger.error("%s", error)  # noqa: TRY400
            sys.exit(1)


def settings_errors(config: dict[str, Any] | Any) -> list[str]:  # noqa: ANN401
    """What the JSON schema cannot check: dates, their order, the URL, zone and field names."""
    errors = []
    dates = {}
    for name in ("start_date", "end_date"):
        value = config.get(name)
        if value is None:
            continue
        try:
            dates[name] = parse_instant(str(value))
        except ValueError:
            errors.append(f"{name} {value!r} is not a date (yyyy-mm-dd) or an ISO-8601 date-time")
    if len(dates) == 2 and dates["end_date"] <= dates["start_date"]:  # noqa: PLR2004
        errors.append(
            f"end_date ({config['end_date']}) must be after start_date ({config['start_date']})"
        )
    url = config.get("api_url")
    parts = urlparse(str(url))
    if url is not None and (parts.scheme not in {"http", "https"} or not parts.netloc):
        errors.append(f"api_url {url!r} is not an http(s) URL")
    zone = config.get("timezone")
    if zone is not None:
        try:
            AccountClock.named(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(f"timezone {zone!r} is not an IANA time zone (e.g. Europe/London)")
    unknown = [name for name in config.get("response_fields") or () if name not in REQUESTABLE]
    if unknown:
        errors.append(
            f"response_fields: {', '.join(map(repr, unknown))} not among iovox's response "
            "fields (see the tap's README)"
        )
    return errors
