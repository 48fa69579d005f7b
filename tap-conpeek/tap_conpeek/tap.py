"""tap-conpeek: settings, their checks, and the list of streams."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from singer_sdk import typing as th
from support_taps_common import common_settings
from support_taps_common.clock import ZonelessClock
from support_taps_common.settings import zone_errors
from support_taps_common.tap import SupportTap
from typing_extensions import override

from tap_conpeek.streams import (
    CallbacksStream,
    CdrDialogsStream,
    ConversationStatisticsOpenedStream,
)

if TYPE_CHECKING:
    from singer_sdk import Stream

MAX_PAGE_SIZE = 100
"""Conversation statistics' documented maximum, the smallest of the endpoints'."""


class TapConpeek(SupportTap):
    """Conversation statistics, call history and callbacks from Conpeek, incrementally."""

    name = "tap-conpeek"
    connection_check_stream = "cdr_dialogs"
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
        common_settings.start_date("row to extract, by when it happened"),
        common_settings.end_date(),
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
        common_settings.timeout(default=300),
    ).to_dict()

    @override
    def discover_streams(self) -> list[Stream]:
        return [
            ConversationStatisticsOpenedStream(self),
            CdrDialogsStream(self),
            CallbacksStream(self),
        ]

    @cached_property
    def lookback(self) -> timedelta:
        """How far before the bookmark a lookback stream starts."""
        return timedelta(hours=int(self.config["lookback_hours"]))

    @cached_property
    def clock(self) -> ZonelessClock:
        """Reads and writes the API's zone-less times (Conpeek documents them as UTC)."""
        return ZonelessClock.named(str(self.config["time_zone"]))

    @override
    def settings_errors(self) -> list[str]:
        return [*super().settings_errors(), *zone_errors(self.config, "time_zone", "Europe/Warsaw")]
