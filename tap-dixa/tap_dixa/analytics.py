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
from typing_extensions import override

from tap_dixa.api import DixaApiStream
from tap_dixa.fieldtypes import pivot
from tap_dixa.incremental import WindowedStream
from tap_dixa.timestamps import MILLISECOND, iso, parse_instant, utc_z
from tap_dixa.windows import local_day

if TYPE_CHECKING:
    from collections.abc import Iterator
    from zoneinfo import ZoneInfo

    import requests
    from singer_sdk.helpers.types import Context

    from tap_dixa.windows import Window

MAX_ANALYTICS_PAGE_SIZE = 300
"""Dixa's own MCP client refuses a larger `pageLimit` for analytics; the API's limit is
undocumented, so the tap keeps to it."""


class UnknownCatalogueIdError(FatalAPIError):
    """A configured record or metric id that the organisation's catalogue lacks."""


class AnalyticsStream(DixaApiStream):
    """A stream of the Analytics API."""

    max_page_limit = MAX_ANALYTICS_PAGE_SIZE

    @property
    def zone(self) -> ZoneInfo:
        """`analytics_timezone`, sent with every query."""
        return self.tap.analytics_zone

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
                raise self.malformed_record(entry, ValueError("a catalogue entry without an id"))
        return entries

    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
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
    """The values of every filter attribute the catalogues name."""

    name = "analytics_filter_values"
    path = "/v1/analytics/filter/{attribute_path}"
    primary_keys: ClassVar[tuple[str, ...]] = ("attribute", "value")
    paged = True

    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        attributes = {
            str(f.get("filterAttribute"))
            for kind in ("metrics", "records")
            for entry in self.catalogue(kind)
            for f in entry.get("filters") or ()
            if isinstance(f, dict) and f.get("filterAttribute")
        }
        for attribute in sorted(attributes):
            path = {"attribute_path": quote(attribute, safe="")}
            for item in self.request_records(path):
                yield {**item, "attribute": attribute}


class AnalyticsDataStream(AnalyticsStream):
    """Data of every id in one catalogue (or the configured ones), with state per id."""

    http_method = "POST"
    catalogue_kind: ClassVar[str]
    """"records" or "metrics"."""

    @override
    @property
    def partitions(self) -> list[dict[str, Any]]:
        key = f"{self.catalogue_kind[:-1]}_id"
        return [{key: catalogue_id} for catalogue_id in self.catalogue_ids(self.catalogue_kind)]


class AnalyticsRecordsStream(AnalyticsDataStream, WindowedStream):
    """Unaggregated rows of every record type, by their primary timestamp."""

    name = "analytics_records"
    path = "/v1/analytics/records"
    catalogue_kind = "records"
    primary_keys: ClassVar[tuple[str, ...]] = ("record_id", "row_key")
    replication_key = "primaryTimestamp"
    paged = True

    @override
    @cached_property
    def window_span(self) -> timedelta:
        return timedelta(days=int(self.config["analytics_window_days"]))

    @override
    def prepare_request_payload(self, context: Context | None, next_page_token: Any) -> Any:
        query = context or {}
        period = {"_type": "Interval", "start": query["start"], "end": query["end"]}
        return {"id": query["record_id"], "periodFilter": period, "timezone": self.zone.key}

    @override
    def window_records(self, window: Window, context: Context | None) -> list[dict[str, Any]]:
        record_id = (context or {})["record_id"]
        # Interval bounds may or may not be inclusive: ask for a millisecond more, keep
        # [start, end).
        query = {
            "record_id": record_id,
            "start": utc_z(window.start - MILLISECOND),
            "end": utc_z(window.end),
        }
        found = []
        for row in self.request_records(query):
            try:
                record = pivot(row, record_id)
            except ValueError as error:
                raise self.malformed_record(row, error) from None
            if window.start <= record["primaryTimestamp"] < window.end:
                found.append(record)  # post_process writes primaryTimestamp out
        found.sort(key=lambda r: (r["primaryTimestamp"], r["row_key"]))
        return found


class AnalyticsMetricsDailyStream(AnalyticsDataStream):
    """Every measure of every metric for each whole day in `analytics_timezone`."""

    name = "analytics_metrics_daily"
    path = "/v1/analytics/metrics"
    catalogue_kind = "metrics"
    primary_keys: ClassVar[tuple[str, ...]] = ("metric_id", "day", "timezone", "measure")
    replication_key = "day"
    is_sorted = True

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
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        metric_id = (context or {})["metric_id"]
        for day in self._days(context):
            window = local_day(day, self.zone)
            query = {
                "metric_id": metric_id,
                "start": utc_z(window.start),
                # Dixa's own example ends an interval at 23:59:59: the end is inclusive.
                "end": utc_z(window.end - MILLISECOND),
            }
            for aggregate in self.request_records(query):
                yield {
                    "metric_id": metric_id,
                    "day": day.isoformat(),
                    "timezone": self.zone.key,
                    "measure": aggregate.get("measure"),
                    "value": aggregate.get("value"),
                    "period_start": iso(window.start),
                    "period_end": iso(window.end),
                }
            self._write_state_message()

    @override
    def prepare_request_payload(self, context: Context | None, next_page_token: Any) -> Any:
        query = context or {}
        body: dict[str, Any] = {
            "id": query["metric_id"],
            "periodFilter": {"_type": "Interval", "start": query["start"], "end": query["end"]},
            "timezone": self.zone.key,
        }
        if measures := self.measures.get(query["metric_id"]):
            body["aggregations"] = measures
        return body

    @override
    def parse_response(self, response: requests.Response) -> Iterator[dict[str, Any]]:
        data = self.envelope(response)
        aggregates = data.get("aggregates") if isinstance(data, dict) else None
        if not isinstance(aggregates, list):
            raise self.malformed(response, 'expected {"data": {"aggregates": [...]}}')
        for aggregate in aggregates:
            if not isinstance(aggregate, dict) or not isinstance(aggregate.get("measure"), str):
                raise self.malformed(response, f"expected measures, got {aggregate!r}")
            yield aggregate

    def _days(self, context: Context | None) -> Iterator[date]:
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
