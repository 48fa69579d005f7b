"""tap-iovox: settings, their checks, and the list of streams."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from singer_sdk import typing as th
from support_taps_common import common_settings
from support_taps_common.settings import zone_errors
from support_taps_common.tap import SupportTap
from typing_extensions import override

from tap_iovox.fields import response_fields_errors
from tap_iovox.streams import CallsStream
from tap_iovox.times import AccountClock

if TYPE_CHECKING:
    from singer_sdk import Stream

MAX_PAGE_SIZE = 20_000
"""The documented maximum `limit`."""


class TapIovox(SupportTap):
    """Calls with their insights from iovox, incrementally with a lookback."""

    name = "tap-iovox"
    connection_check_stream = "calls"

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
        common_settings.start_date("call to extract, by call_start"),
        common_settings.end_date(),
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
        common_settings.timeout(default=300),
    ).to_dict()

    @override
    def discover_streams(self) -> list[Stream]:
        return [CallsStream(self)]

    @cached_property
    def clock(self) -> AccountClock:
        """Reads and writes the account's zone-less times."""
        return AccountClock.named(str(self.config["timezone"]))

    @override
    def settings_errors(self) -> list[str]:
        return [
            *super().settings_errors(),
            *zone_errors(self.config, "timezone", "Europe/London"),
            *response_fields_errors(self.config.get("response_fields") or ()),
        ]
