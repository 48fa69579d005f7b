"""tap-opencx: settings, their validation, and the list of streams."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError, RetriableAPIError
from typing_extensions import override

from tap_opencx.chat import SessionHistoryStream, SessionsStream
from tap_opencx.contacts import ContactsStream
from tap_opencx.csat import CsatScoresStream
from tap_opencx.handoffs import HandoffEventsStream
from tap_opencx.insights import InsightsStream
from tap_opencx.insights_filters import INSIGHTS_FILTERS, insights_filter_errors
from tap_opencx.throttle import Throttle
from tap_opencx.timestamps import parse_instant, range_errors
from tap_opencx.writer import RecordBatchingWriter

if TYPE_CHECKING:
    from singer_sdk import Stream


class TapOpenCX(Tap):
    """Sessions, their history and CSAT, contacts, handoff events and insights from Open CX."""

    name = "tap-opencx"
    message_writer_class = RecordBatchingWriter

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_key",
            th.StringType(nullable=False),
            required=True,
            secret=True,
            title="API key",
            description=(
                "An Open CX API key (Settings > Access), full-access or with the read "
                "scopes of the selected streams."
            ),
        ),
        th.Property(
            "start_date",
            th.DateTimeType(nullable=False),
            required=True,
            title="Start date",
            description=(
                "Earliest record to extract, by its replication key: a date "
                "(yyyy-mm-dd, UTC midnight) or an ISO-8601 date-time (UTC if no offset)."
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
            "api_url",
            th.URIType,
            default="https://api.open.cx",
            title="API URL",
            description="Base URL of the Open CX API.",
        ),
        th.Property(
            "window_days",
            th.IntegerType(minimum=1, maximum=366),
            default=7,
            title="Window length (days)",
            description=(
                "Days per time window of sessions, contacts and handoff events (1-366). "
                "Each window is held in memory and checkpointed; smaller windows use less "
                "memory, larger ones fewer requests."
            ),
        ),
        th.Property(
            "timeout",
            th.IntegerType(minimum=1),
            default=60,
            title="Request timeout (s)",
            description="Seconds to wait for a response before retrying.",
        ),
        th.Property(
            "max_requests_per_minute",
            th.IntegerType(minimum=0),
            default=100,
            title="Requests per minute",
            description=(
                "Client-side limit on requests, evenly spaced and shared by all streams "
                "(Open CX documents 100 per minute); 0 turns it off."
            ),
        ),
        th.Property(
            "insights_filters",
            INSIGHTS_FILTERS,
            title="Insights filters",
            description=(
                "Filters for POST /insights, as Open CX names them (e.g. "
                '{"status": "unresolved", "channel": "web"}); checked before any request.'
            ),
        ),
    ).to_dict()

    @override
    def discover_streams(self) -> list[Stream]:
        return [
            SessionsStream(self),
            SessionHistoryStream(self),
            CsatScoresStream(self),
            ContactsStream(self),
            HandoffEventsStream(self),
            InsightsStream(self),
        ]

    @cached_property
    def end_date(self) -> datetime:
        """End of the extracted range: `end_date`, or the time of the first call."""
        configured = self.config.get("end_date")
        return parse_instant(configured) if configured else datetime.now(timezone.utc)

    @cached_property
    def throttle(self) -> Throttle:
        """One request budget for every stream, as the limit is per API key."""
        return Throttle(int(self.config["max_requests_per_minute"]))

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
    """What the JSON schema cannot check: dates that parse, their order, a real URL."""
    errors = range_errors(config, "start_date", "end_date")
    value = config.get("api_url")
    url = urlparse(str(value))
    if value is not None and (url.scheme not in {"http", "https"} or not url.netloc):
        errors.append(f"api_url {value!r} is not an http(s) URL")
    errors.extend(insights_filter_errors(config.get("insights_filters") or {}))
    return errors
