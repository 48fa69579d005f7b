"""tap-opencx: settings, their checks, and the list of streams."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from singer_sdk import typing as th
from support_taps_common import common_settings
from support_taps_common.tap import SupportTap
from support_taps_common.throttle import Throttle
from typing_extensions import override

from tap_opencx.insights import InsightsStream
from tap_opencx.insights_filters import INSIGHTS_FILTERS, insights_filter_errors
from tap_opencx.streams import (
    ContactsStream,
    CsatScoresStream,
    HandoffEventsStream,
    SessionHistoryStream,
    SessionsStream,
)

if TYPE_CHECKING:
    from singer_sdk import Stream


class TapOpenCX(SupportTap):
    """Sessions, their history and CSAT, contacts, handoff events and insights from Open CX."""

    name = "tap-opencx"
    connection_check_stream = "contacts"

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
        common_settings.start_date("record to extract, by its replication key"),
        common_settings.end_date(),
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
        common_settings.timeout(60),
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
    def throttle(self) -> Throttle:
        """One request budget for every stream, as the limit is per API key."""
        return Throttle(int(self.config["max_requests_per_minute"]))

    @override
    def settings_errors(self) -> list[str]:
        filters = self.config.get("insights_filters") or {}
        return [*super().settings_errors(), *insights_filter_errors(filters)]
