"""tap-dixa: settings, their checks, and the list of streams."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from singer_sdk import typing as th
from support_taps_common import common_settings
from support_taps_common.settings import zone_errors
from support_taps_common.tap import SupportTap
from support_taps_common.throttle import Throttle
from support_taps_common.times import parse_zone
from typing_extensions import override

from tap_dixa import analytics, v1
from tap_dixa.analytics import MAX_ANALYTICS_PAGE_SIZE
from tap_dixa.client import MAX_PAGE_SIZE
from tap_dixa.exports import ConversationsStream, MessagesStream

if TYPE_CHECKING:
    from datetime import tzinfo

    from singer_sdk import Stream

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


class TapDixa(SupportTap):
    """Everything a support-analytics warehouse wants from Dixa, incrementally.

    Conversations and messages (Exports API), the activity log and reference data
    (Dixa API v1), and analytics (Analytics API).
    """

    name = "tap-dixa"
    connection_check_stream = "agents"
    url_settings = ("exports_api_url", "api_url")

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_token",
            th.StringType(nullable=False),
            required=True,
            secret=True,
            title="API token",
            description="A Dixa API token (Settings > Integrations > API tokens).",
        ),
        common_settings.start_date("record to extract, by its replication key"),
        common_settings.end_date(),
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
        common_settings.timeout(default=300),
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
    def exports_throttle(self) -> Throttle:
        """One request budget for every Exports API stream, as the limit is per token."""
        return Throttle(int(self.config["max_requests_per_minute"]))

    @cached_property
    def api_throttle(self) -> Throttle:
        """One request budget for every Dixa API stream, as the limit is per token."""
        return Throttle(int(self.config["max_requests_per_second"]), period=1.0)

    @cached_property
    def analytics_zone(self) -> tzinfo:
        """The zone of analytics days (checked with the other settings)."""
        return parse_zone(str(self.config["analytics_timezone"]))

    @override
    def settings_errors(self) -> list[str]:
        return [
            *super().settings_errors(),
            *zone_errors(self.config, "analytics_timezone", "Europe/Paris"),
            *(
                f"{name} is empty: leave it out to read every id in the catalogue"
                for name in ID_LIST_SETTINGS
                if self.config.get(name) == []
            ),
        ]
