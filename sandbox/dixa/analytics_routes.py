"""The Dixa Analytics API: catalogues, filter values, records (paged POST) and metrics.

Documented behaviour simulated here: `GetMetricDataInput`/`GetMetricRecordsDataInput`
bodies (`id`, `periodFilter` as an `Interval` or a `Preset`, `filters`, `aggregations`,
an IANA `timezone`), 400 "Invalid value for: body" for anything else, records paged by
re-POSTing the same body with `pageKey`, filters that do not apply to a record type
ignored, and aggregates as `LongAggregateValue`/`DoubleAggregateValue`. Whether an
`Interval` includes its bounds is undocumented, so it is a parameter (`Bounds`); the
page size limit of 300 is the one Dixa's own MCP client enforces.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.dixa.analytics_data import METRICS, RECORD_TYPES, aggregate
from sandbox.dixa.exports_api import BadRequestError
from sandbox.dixa.javatime import parse
from sandbox.dixa.paging import PageLimits, page_request, render_page
from sandbox.wire import Response

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox.dixa.analytics_data import AnalyticsData, Row
    from sandbox.dixa.exports_api import Bounds
    from sandbox.dixa.paging import NextLink
    from sandbox.server import Api
    from sandbox.wire import Request

ANALYTICS_PAGES = PageLimits(default=100, maximum=300)
AGGREGATIONS = ("Min", "Max", "Sum", "Count", "Percentage", "StdDev", "Average")
INVALID_BODY = "Invalid value for: body"
INVALID_CONTEXT = "Invalid value extracted from request context"


class AnalyticsRoutes:
    """The handlers, over one organisation's analytics data."""

    def __init__(
        self, data: AnalyticsData, bounds: Bounds, next_link: Callable[[], NextLink]
    ) -> None:
        """Serve `data`; `next_link()` says how pages point to the next one."""
        self.data = data
        self.bounds = bounds
        self.next_link = next_link

    def register(self, api: Api) -> None:
        """Add the routes to `api`."""
        data = self.data
        for kind, known in (("metrics", list(METRICS)), ("records", list(RECORD_TYPES))):
            api.route("GET", f"/v1/analytics/{kind}")(
                lambda request, kind=kind: self.paged(request, data.catalogue(kind), {})
            )
            api.route("GET", f"/v1/analytics/{kind}/{{key}}")(
                lambda _request, key, kind=kind, known=known: _one(data.catalogue(kind), known, key)
            )
        api.route("GET", "/v1/analytics/filter/{attribute}")(self.filter_values)
        api.route("POST", "/v1/analytics/records")(self.records)
        api.route("POST", "/v1/analytics/metrics")(self.metrics)

    def paged(self, request: Request, items: list[bytes], query: dict[str, Any]) -> Response:
        """One page of `items`, for the query `query`."""
        try:
            page = page_request(request, query, ANALYTICS_PAGES)
        except BadRequestError as error:
            return Response.error(400, str(error))
        return Response(200, render_page(request, page, items, self.next_link()))

    def filter_values(self, request: Request, attribute: str) -> Response:
        """The values a filter attribute accepts."""
        values = self.data.filter_values(attribute)
        if values is None:
            return Response.error(400, INVALID_CONTEXT)
        items = [json.dumps(v, separators=(",", ":")).encode() for v in values]
        return self.paged(request, items, {})

    def records(self, request: Request) -> Response:
        """Unaggregated rows of one record type; the next page is the same body again."""
        try:
            body = _body(request, RECORD_TYPES)
            rows = _rows(self.data, body, self.bounds, body["id"])
        except BadRequestError as error:
            return Response.error(400, str(error))
        return self.paged(request, self.data.render(rows), {"body": body})

    def metrics(self, request: Request) -> Response:
        """Aggregates of one metric over a period."""
        try:
            body = _body(request, METRICS)
            metric = METRICS[body["id"]]
            asked = _aggregations(body, [measure for measure, _ in metric.measures])
            rows = _rows(self.data, body, self.bounds, metric.record)
        except BadRequestError as error:
            return Response.error(400, str(error))
        numbers = [metric.observe(row.number) for row in rows if row.number is not None]
        values = [aggregate(measure, numbers, len(rows)) for measure in asked]
        aggregates = [value for value in values if value is not None]
        return Response.json({"data": {"id": metric.id, "aggregates": aggregates}})


def _aggregations(body: dict[str, Any], available: list[str]) -> list[str]:
    """The measures asked for (all if none), each one the metric has."""
    asked = body.get("aggregations") or available
    if not isinstance(asked, list) or any(a not in available for a in asked):
        raise BadRequestError(INVALID_BODY)
    return asked


def _one(catalogue: list[bytes], known: list[str], key: str) -> Response:
    if key not in known:
        return Response.error(400, INVALID_CONTEXT)
    return Response(200, b'{"data":' + catalogue[known.index(key)] + b"}")


def _body(request: Request, known: dict[str, Any]) -> dict[str, Any]:
    """The request body, checked as the API's decoder would."""
    try:
        body = request.json()
    except ValueError:
        raise BadRequestError(INVALID_BODY) from None
    if not isinstance(body, dict) or body.get("id") not in known:
        raise BadRequestError(INVALID_BODY)
    zone = body.get("timezone")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequestError(INVALID_BODY) from None
    filters = body.get("filters", [])
    if not isinstance(filters, list) or not all(
        isinstance(f, dict) and isinstance(f.get("attribute"), str) for f in filters
    ):
        raise BadRequestError(INVALID_BODY)
    if not isinstance(body.get("periodFilter"), dict):
        raise BadRequestError(INVALID_BODY)
    return body


def _rows(data: AnalyticsData, body: dict[str, Any], bounds: Bounds, record_id: str) -> list[Row]:
    """The rows of a record type in the body's period that pass its filters."""
    after, before, inclusive = _period(body["periodFilter"], ZoneInfo(body["timezone"]), data)
    applicable = RECORD_TYPES[record_id].filters
    filters = [
        (f["attribute"], set(f.get("values") or ()))
        for f in body.get("filters", [])
        if f["attribute"] in applicable  # filters that do not apply are ignored
    ]
    rows = data.select(record_id, after, before, inclusive or bounds.value)
    return [
        row
        for row in rows
        if all(set(row.attributes.get(name, ())) & values for name, values in filters)
    ]


def _period(
    period: dict[str, Any], zone: ZoneInfo, data: AnalyticsData
) -> tuple[int, int, tuple[bool, bool] | None]:
    """(after, before, inclusive) of a period; an `Interval`'s inclusivity is `bounds`'."""
    if period.get("_type") == "Interval":
        try:
            start, end = parse(str(period["start"])), parse(str(period["end"]))
        except (KeyError, ValueError):
            raise BadRequestError(INVALID_BODY) from None
        if start > end:
            raise BadRequestError(INVALID_BODY)
        return start, end, None
    if period.get("_type") == "Preset":
        value = period.get("value")
        name = value.get("_type") if isinstance(value, dict) else value
        today = datetime.fromtimestamp(data.now_ms / 1000, zone).date()
        span = _preset(str(name), today)
        if span is not None:
            start_ms, end_ms = (_local_midnight(day, zone) for day in span)
            return start_ms, end_ms, (True, False)
    raise BadRequestError(INVALID_BODY)


def _preset(name: str, today: date) -> tuple[date, date] | None:
    """The [first day, day after the last) of a preset period around `today`."""
    week = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
    spans = {
        "Today": (today, today + timedelta(days=1)),
        "Yesterday": (today - timedelta(days=1), today),
        "ThisWeek": (week, week + timedelta(days=7)),
        "PreviousWeek": (week - timedelta(days=7), week),
        "ThisMonth": (month, _add_months(month, 1)),
        "PreviousMonth": (_add_months(month, -1), month),
        "ThisQuarter": (quarter, _add_months(quarter, 3)),
        "PreviousQuarter": (_add_months(quarter, -3), quarter),
        "ThisYear": (today.replace(month=1, day=1), date(today.year + 1, 1, 1)),
    }
    return spans.get(name)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _local_midnight(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, time(), zone).timestamp() * 1000)
