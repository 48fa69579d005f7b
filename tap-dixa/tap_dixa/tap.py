"""tap-dixa: settings, their validation, and the list of streams."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError, RetriableAPIError
from typing_extensions import override

from tap_dixa import analytics, v1
from tap_dixa.analytics import MAX_ANALYTICS_PAGE_SIZE
from tap_dixa.api import MAX_PAGE_SIZE
from tap_dixa.exports import ConversationsStream, MessagesStream
from tap_dixa.throttle import Throttle
from tap_dixa.timestamps import parse_instant
from tap_dixa.writer import RecordBatchingWriter

if TYPE_CHECKING:
    from singer_sdk import Stream

URL_SETTINGS = ("exports_api_url", "api_url")
ID_LIST_SETTINGS = ("analytics_record_ids", "analytics_metric_ids")
STREAM_TYPES = (
    ConversationsStream,
    MessagesStream,
    v1.ActivityLogsStream,
    v1.AgentsStream,
    v1.EndUsersStream,
    v1.QueuesStream,
    v1.QueueMembersStream,
    v1.TagsStream,
    v1.TeamsStream,
    v1.TeamMembersStream,
    v1.CustomAttributesStream,
    v1.ContactEndpointsStream,
    analytics.AnalyticsMetricsCatalogueStream,
    analytics.AnalyticsRecordsCatalogueStream,
    analytics.AnalyticsFilterValuesStream,
    analytics.AnalyticsRecordsStream,
    analytics.AnalyticsMetricsDailyStream,
)


class TapDixa(Tap):
    """Everything a support-analytics warehouse wants from Dixa, incrementally.

    Conversations and messages (Exports API), the activity log and reference data
    (Dixa API v1), and analytics (Analytics API).
    """

    name = "tap-dixa"
    message_writer_class = RecordBatchingWriter

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_token",
            th.StringType(nullable=False),
            required=True,
            secret=True,
            title="API token",
            description="A Dixa API token (Settings > Integrations > API tokens).",
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
            "exports_api_url",
            th.URIType,
            default="https://exports.dixa.io",
            title="Exports API URL",
            description="Base URL of the Dixa Exports API.",
        ),
        th.Property(
            "api_url",
            th.URIType,
            default="https://dev.dixa.io",
            title="Dixa API URL",
            description="Base URL of the Dixa API (v1 and analytics).",
        ),
        th.Property(
            "window_days",
            th.IntegerType(minimum=1, maximum=31),
            default=31,
            title="Window length (days)",
            description=(
                "Days per export request (1-31; the API allows at most 31). Smaller "
                "windows use less memory per request and checkpoint more often."
            ),
        ),
        th.Property(
            "activity_log_window_days",
            th.IntegerType(minimum=1),
            default=1,
            title="Activity log window (days)",
            description=(
                "Days of activity log per window. Each window is held in memory to be "
                "sorted, and a STATE message follows it."
            ),
        ),
        th.Property(
            "analytics_window_days",
            th.IntegerType(minimum=1),
            default=7,
            title="Analytics records window (days)",
            description=(
                "Days of analytics rows per window and record id. Each window is held in "
                "memory to be sorted, and a STATE message follows it."
            ),
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=MAX_PAGE_SIZE),
            default=MAX_PAGE_SIZE,
            title="Page size",
            description=(
                f"pageLimit for the Dixa API's paged lists (1-{MAX_PAGE_SIZE}); analytics "
                f"requests use at most {MAX_ANALYTICS_PAGE_SIZE}."
            ),
        ),
        th.Property(
            "analytics_timezone",
            th.StringType,
            default="UTC",
            title="Analytics time zone",
            description=(
                "IANA time zone (e.g. Europe/Copenhagen) whose calendar days "
                "analytics_metrics_daily reports, sent with every analytics query."
            ),
        ),
        th.Property(
            "analytics_record_ids",
            th.ArrayType(th.StringType),
            title="Analytics record ids",
            description=(
                'Record ids for analytics_records, e.g. ["ratings"]. Default: every id '
                "in the organisation's records catalogue at run time."
            ),
        ),
        th.Property(
            "analytics_metric_ids",
            th.ArrayType(th.StringType),
            title="Analytics metric ids",
            description=(
                'Metric ids for analytics_metrics_daily, e.g. ["csat"]. Default: every '
                "id in the organisation's metrics catalogue at run time."
            ),
        ),
        th.Property(
            "timeout",
            th.IntegerType(minimum=1),
            default=300,
            title="Request timeout (s)",
            description="Seconds to wait for a response before retrying.",
        ),
        th.Property(
            "max_requests_per_minute",
            th.IntegerType(minimum=0),
            default=10,
            title="Exports requests per minute",
            description=(
                "Client-side limit on Exports API requests (Dixa documents 10 per "
                "minute per token); 0 turns it off."
            ),
        ),
        th.Property(
            "max_requests_per_second",
            th.IntegerType(minimum=0),
            default=10,
            title="Dixa API requests per second",
            description=(
                "Client-side limit on Dixa API (v1 and analytics) requests, evenly spaced "
                "(Dixa documents 10 per second per token, bursts of 4); 0 turns it off."
            ),
        ),
    ).to_dict()

    @override
    def discover_streams(self) -> list[Stream]:
        return [stream_type(self) for stream_type in STREAM_TYPES]

    @cached_property
    def end_date(self) -> datetime:
        """End of the extracted range: `end_date`, or the time of the first call."""
        configured = self.config.get("end_date")
        return parse_instant(configured) if configured else datetime.now(timezone.utc)

    @cached_property
    def exports_throttle(self) -> Throttle:
        """One request budget for every Exports API stream, as the limit is per token."""
        return Throttle(int(self.config["max_requests_per_minute"]))

    @cached_property
    def api_throttle(self) -> Throttle:
        """One request budget for every Dixa API stream, as the limit is per token."""
        return Throttle(int(self.config["max_requests_per_second"]), period=1.0)

    @cached_property
    def analytics_zone(self) -> ZoneInfo:
        """The zone of analytics days (validated with the other settings)."""
        return ZoneInfo(str(self.config["analytics_timezone"]))

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
    """What the JSON schema cannot check: dates that parse, their order, real URLs."""
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
    for name in URL_SETTINGS:
        value = config.get(name)
        url = urlparse(str(value))
        if value is not None and (url.scheme not in {"http", "https"} or not url.netloc):
            errors.append(f"{name} {value!r} is not an http(s) URL")
    zone = config.get("analytics_timezone")
    if zone is not None and not _is_zone(str(zone)):
        errors.append(f"analytics_timezone {zone!r} is not an IANA time zone (e.g. Europe/Paris)")
    errors.extend(
        f"{name} is empty: leave it out to read every id in the catalogue"
        for name in ID_LIST_SETTINGS
        if config.get(name) == []
    )
    return errors


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
