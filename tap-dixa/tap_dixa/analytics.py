"""Streams of Dixa's Analytics API: its catalogues, filter values, rows and daily metrics.

Which records and metrics exist is the organisation's live catalogue, read once per
run (and only when a stream needs it), so discovery needs no API.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import quote

from singer_sdk.exceptions import FatalAPIError
from support_taps_common.times import parse_instant
from support_taps_common.windowed import WindowedStream
from support_taps_common.windows import local_day
from typing_extensions import override

from tap_dixa.client import DixaApiStream
from tap_dixa.fieldtypes import pivot
from tap_dixa.timestamps import MILLISECOND, iso, utc_z

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime, tzinfo

    import requests
    from singer_sdk.helpers.types import Context, Record
    from support_taps_common.windows import Window

MAX_ANALYTICS_PAGE_SIZE = 300
"""Dixa's own MCP client refuses a larger `pageLimit` for analytics; the API's limit is
undocumented, so the tap keeps to it."""


class UnknownCatalogueIdError(FatalAPIError):
    """A configured record or metric id that the organisation's catalogue lacks."""


class AnalyticsStream(DixaApiStream):
    """A stream of the Analytics API."""

    max_page_limit = MAX_ANALYTICS_PAGE_SIZE

    @property
    def zone(self) -> tzinfo:
        """The zone of `analytics_timezone`."""
        return self.tap.analytics_zone

    @property
    def zone_name(self) -> str:
        """`analytics_timezone`, sent with every query."""
        return str(self.config["analytics_timezone"])

    def catalogue(self, kind: str) -> list[dict[str, Any]]:
        """The live "metrics" or "records" catalogue (read once per run)."""
        stream = self.tap.streams[f"analytics_{kind}_catalogue"]
        return cast("AnalyticsCatalogueStream", stream).entries

    def catalogue_ids(self, kind: str) -> list[str]:
        """The ids configured in `analytics_<kind>_ids`, or every id in the catalogue.

        Raises:
            UnknownCatalogueIdError: If a configured id is not in the catalogue.
        """
        setting = f"analytics_{kind[:-1]}_ids"
        available = [str(entry["id"]) for entry in self.catalogue(kind)]
        configured: list[str] | None = self.config.get(setting)
        if not configured:
            return available
        unknown = [i for i in configured if i not in available]
        if unknown:
            msg = (
                f"{setting}: {', '.join(map(repr, unknown))} not in the organisation's "
                f"analytics {kind} catalogue, which has {', '.join(available) or 'none'}"
            )
            raise UnknownCatalogueIdError(msg)
        return list(configured)


class AnalyticsCatalogueStream(AnalyticsStream):
    """One of the two catalogues, read whole."""

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    paged = True

    @cached_property
    def entries(self) -> list[dict[str, Any]]:
        """Every entry, read on first use."""
        entries = list(self.request_records(None))
        for entry in entries:
            if not isinstance(entry.get("id"), str):
                raise self.malformed_record(entry, "a catalogue entry without an id")
        return entries

    @override
    def get_records(self, context: Context | None) -> Iterator[Record]:
        yield from self.entries


class AnalyticsMetricsCatalogueStream(AnalyticsCatalogueStream):
    """The metrics the organisation can aggregate, with their measures and filters."""

    name = "analytics_metrics_catalogue"
    path = "/v1/analytics/metrics"


class AnalyticsRecordsCatalogueStream(AnalyticsCatalogueStream):
    """The kinds of unaggregated rows the organisation has, with their fields."""

    name = "analytics_records_catalogue"
    path = "/v1/analytics/records"


class AnalyticsFilterValuesStream(AnalyticsStream):
    """The values of every filter attribute the catalogues name, one partition each."""

    name = "analytics_filter_values"
    path = "/v1/analytics/filter/{attribute}"
    primary_keys: ClassVar[tuple[str, ...]] = ("attribute", "value")
    paged = True
    state_partitioning_keys: ClassVar[list[str]] = []  # a full table: no state per attribute

    @override
    @property
    def partitions(self) -> list[dict[str, Any]]:
        attributes = {
            str(f.get("filterAttribute"))
            for kind in ("metrics", "records")
            for entry in self.catalogue(kind)
            for f in entry.get("filters") or ()
            if isinstance(f, dict) and f.get("filterAttribute")
        }
        return [{"attribute": attribute} for attribute in sorted(attributes)]

    @override
    def get_url(self, context: Context | None) -> str:
        # The SDK escapes only `/` in a path value; an attribute is one path segment.
        attribute = quote(str((context or {})["attribute"]), safe="")
        return self.url_base + self.path.replace("{attribute}", attribute)

    @override
    def shape(self, row: Record, context: Context | None) -> Record | None:
        return super().shape({**row, "attribute": (context or {})["attribute"]}, context)


class AnalyticsDataStream(AnalyticsStream, WindowedStream):
    """Data of every id in one catalogue (or the configured ones), with state per id."""

    http_method = "POST"
    catalogue_kind: ClassVar[str]
    """"records" or "metrics"."""

    @override
    @property
    def partitions(self) -> list[dict[str, Any]]:
        key = f"{self.catalogue_kind[:-1]}_id"
        return [{key: catalogue_id} for catalogue_id in self.catalogue_ids(self.catalogue_kind)]

    def period_filter(self, start: datetime, end: datetime) -> dict[str, str]:
        """An Interval from `start` to `end`, for the body's `periodFilter`."""
        return {"_type": "Interval", "start": utc_z(start), "end": utc_z(end)}


class AnalyticsRecordsStream(AnalyticsDataStream):
    """Unaggregated rows of every record type, by their primary timestamp."""

    name = "analytics_records"
    path = "/v1/analytics/records"
    catalogue_kind = "records"
    primary_keys: ClassVar[tuple[str, ...]] = ("record_id", "row_key")
    replication_key = "primaryTimestamp"
    paged = True

    @override
    @property
    def window_span(self) -> timedelta:
        return timedelta(days=int(self.config["analytics_window_days"]))

    @override
    def prepare_request_payload(self, context: Context | None, next_page_token: Any) -> Any:
        # Interval bounds may or may not be inclusive: ask for a millisecond more, keep
        # [start, end).
        window = self.window
        return {
            "id": (context or {})["record_id"],
            "periodFilter": self.period_filter(window.start - MILLISECOND, window.end),
            "timezone": self.zone_name,
        }

    @override
    def request_window(self, window: Window, context: Context | None) -> Iterator[Record]:
        record_id = (context or {})["record_id"]
        for row in super().request_window(window, context):
            try:
                yield pivot(row, record_id)
            except ValueError as error:
                raise self.malformed_record(row, error) from None

    @override
    def place(self, record: Record, window: Window) -> tuple[datetime, str] | None:
        at: datetime = record["primaryTimestamp"]  # `shape` writes it out
        return (at, record["row_key"]) if window.start <= at < window.end else None

    @override
    def bookmark_text(self, moment: datetime) -> str:
        return iso(moment)


class AnalyticsMetricsDailyStream(AnalyticsDataStream):
    """Every measure of every metric for each whole day in `analytics_timezone`.

    Each day is a window: its request, its rows, then a checkpoint with the day as the
    bookmark.
    """

    name = "analytics_metrics_daily"
    path = "/v1/analytics/metrics"
    catalogue_kind = "metrics"
    primary_keys: ClassVar[tuple[str, ...]] = ("metric_id", "day", "timezone", "measure")
    replication_key = "day"

    @cached_property
    def measures(self) -> dict[str, list[str]]:
        """Metric id -> every aggregation the catalogue lists for it."""
        return {
            str(entry["id"]): [
                str(a["measure"]) for a in entry.get("aggregations") or () if a.get("measure")
            ]
            for entry in self.catalogue("metrics")
        }

    @override
    def window_plan(self, context: Context | None) -> list[Window]:
        return [local_day(day, self.zone) for day in self.days(context)]

    def days(self, context: Context | None) -> Iterator[date]:
        """Whole days from start_date (or the bookmark's day) to the last one that ended."""
        start = str(self.config["start_date"])
        first = (
            date.fromisoformat(start)
            if len(start) == len("yyyy-mm-dd")
            else parse_instant(start).astimezone(self.zone).date()
        )
        bookmark = self.get_context_state(context).get("replication_key_value")
        if isinstance(bookmark, str):
            first = max(first, date.fromisoformat(bookmark[:10]))
        last = self.tap.end_date.astimezone(self.zone).date() - timedelta(days=1)
        day = first
        while day <= last:
            yield day
            day += timedelta(days=1)

    @override
    def window_records(self, window: Window, context: Context | None) -> list[Record]:
        metric_id = (context or {})["metric_id"]
        day = window.start.astimezone(self.zone).date().isoformat()
        return [
            {
                "metric_id": metric_id,
                "day": day,
                "timezone": self.zone_name,
                "measure": aggregate.get("measure"),
                "value": aggregate.get("value"),
                "period_start": iso(window.start),
                "period_end": iso(window.end),
            }
            for aggregate in self.request_window(window, context)
        ]

    @override
    def prepare_request_payload(self, context: Context | None, next_page_token: Any) -> Any:
        metric_id = (context or {})["metric_id"]
        # Dixa's own example ends an interval at 23:59:59: the end is inclusive.
        window = self.window
        body: dict[str, Any] = {
            "id": metric_id,
            "periodFilter": self.period_filter(window.start, window.end - MILLISECOND),
            "timezone": self.zone_name,
        }
        if measures := self.measures.get(metric_id):
            body["aggregations"] = measures
        return body

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Record]:
        data = self.envelope(response)
        aggregates = data.get("aggregates") if isinstance(data, dict) else None
        if not isinstance(aggregates, list):
            raise self.malformed(response, 'expected {"data": {"aggregates": [...]}}')
        for aggregate in aggregates:
            if not isinstance(aggregate, dict) or not isinstance(aggregate.get("measure"), str):
                raise self.malformed(response, f"expected measures, got {aggregate!r}")
            yield aggregate
