"""tap-conpeek: settings, their validation, and the list of streams."""

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

from tap_conpeek.calls import CallbacksStream, CdrDialogsStream
from tap_conpeek.statistics import ConversationStatisticsOpenedStream
from tap_conpeek.times import ConpeekClock, parse_instant, whole_second
from tap_conpeek.writer import RecordBatchingWriter

if TYPE_CHECKING:
    from singer_sdk import Stream

MAX_PAGE_SIZE = 100
"""Conversation statistics' documented maximum, the smallest of the endpoints'."""


class TapConpeek(Tap):
    """Conversation statistics, call history and callbacks from Conpeek, incrementally."""

    name = "tap-conpeek"
    # Same output as the default writer (bar a `Z` for `+00:00` in time_extracted), faster.
    message_writer_class = RecordBatchingWriter

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.URIType(nullable=False),
            required=True,
            title="API URL",
            description=(
                "Your Conpeek API host, e.g. https://api-bssserver29.cloud.conpeek.com "
                "(every tenant has its own)."
            ),
        ),
        th.Property(
            "api_key",
            th.StringType(nullable=False),
            required=True,
            secret=True,
            title="API key",
            description="A Conpeek API key, sent as the Authorization header.",
        ),
        th.Property(
            "start_date",
            th.DateTimeType(nullable=False),
            required=True,
            title="Start date",
            description=(
                "Earliest row to extract, by when it happened: a date (yyyy-mm-dd, UTC "
                "midnight) or an ISO-8601 date-time (UTC if no offset)."
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
            "page_size",
            th.IntegerType(minimum=1, maximum=MAX_PAGE_SIZE),
            title="Page size",
            description=(
                "Rows per request for every stream (1-100; conversation statistics allow "
                "at most 100). Default: each endpoint's largest page (100 conversation "
                "statistics, 500 calls, 1000 callbacks)."
            ),
        ),
        th.Property(
            "window_hours",
            th.IntegerType(minimum=1),
            default=24,
            title="Window length (hours)",
            description=(
                "Hours of data per window. A window is held in memory, sorted, emitted "
                "and checkpointed; lower it if a day of your calls is too much memory."
            ),
        ),
        th.Property(
            "lookback_hours",
            th.IntegerType(minimum=0),
            default=24,
            title="Lookback (hours)",
            description=(
                "How far before its bookmark a run re-reads call history and callbacks, "
                "to get calls that ended and callbacks that changed state since."
            ),
        ),
        th.Property(
            "time_zone",
            th.StringType(nullable=False),
            default="UTC",
            title="API time zone",
            description=("IANA zone of the API's times, which carry none (Conpeek documents UTC)."),
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
        return [
            ConversationStatisticsOpenedStream(self),
            CdrDialogsStream(self),
            CallbacksStream(self),
        ]

    @cached_property
    def end(self) -> datetime:
        """End of the extracted range, to the second: `end_date`, or when the sync started.

        Ending at a whole second that has passed means no row can still appear with an id
        or time before it.
        """
        configured = self.config.get("end_date")
        return whole_second(parse_instant(configured) if configured else datetime.now(timezone.utc))

    @cached_property
    def window_span(self) -> timedelta:
        """Length of one window."""
        return timedelta(hours=int(self.config["window_hours"]))

    @cached_property
    def lookback(self) -> timedelta:
        """How far before the bookmark a lookback stream starts."""
        return timedelta(hours=int(self.config["lookback_hours"]))

    @cached_property
    def clock(self) -> ConpeekClock:
        """Reads and writes the API's zone-less times."""
        return ConpeekClock.named(str(self.config["time_zone"]))

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
    """What the JSON schema cannot check: dates that parse, their order, a real URL, a zone."""
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
    zone = config.get("time_zone")
    if zone is not None:
        try:
            ConpeekClock.named(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(f"time_zone {zone!r} is not an IANA time zone (e.g. Europe/Warsaw)")
    return errors
