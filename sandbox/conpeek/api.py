"""The Conpeek API (v1.3) read endpoints: conversation statistics, call history, callbacks.

Documented behaviour simulated here: the raw key in `Authorization`, `{"data": [...]}`,
`limit`/`offset`, `from_id`/`before_id` (ObjectIds), `filter` as a URL-encoded JSON list of
{property, operator, value} with the documented properties, times as UTC strings
`YYYY-MM-DD HH:mm:ss`, `sort`/`dir` on /callback, and 400 for what it refuses (a limit
above the maximum among them). What the documentation leaves open is a `Readings` option.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import partial
from typing import TYPE_CHECKING

from sandbox.conpeek.filters import (
    BadRequestError,
    Condition,
    FilterSpec,
    matches,
    parse_filter,
    time_bounds,
)
from sandbox.conpeek.readings import IdBounds, Order
from sandbox.server import Api
from sandbox.wire import Response

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sandbox.conpeek.data import ConpeekData, Record
    from sandbox.wire import Request

STATISTICS_MAX_LIMIT = 100
"""Documented: "maksymalna wartość to 100"."""
DIALOGS_MAX_LIMIT = 500
"""Documented default; the maximum is not documented, so the default is taken as it."""
CALLBACKS_MAX_LIMIT = 1000
"""Likewise."""
_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")
STATISTIC_TIMES = {"date", "ts"}
"""`date` is the documented property; the documentation's own example filters on `ts`."""

STATISTICS_FILTER = FilterSpec(
    times={"date": "date", "ts": "ts"},
    lists={"project_id_list": ("project_id",), "conversation_type_list": ("conversation_type",)},
)
DIALOGS_FILTER = FilterSpec(
    times={"start_time": "start_time", "hangup_time": "hangup_time"},
    numbers={"talking_time": "talking_time"},
    lists={
        "number_list": ("from_display_target", "to_display_target"),
        "project_id_list": ("project_id",),
        "tenant_user_id_list": ("tenant_user_id",),
        "custom_tag_id_list": ("custom_tag_id",),
        "operator_call_id_list": ("operator_call_id",),
        "dialog_type_list": ("dialog_type",),
        "call_request_agent_id_list": ("call_request_agent_id",),
    },
    equals={"business_direction": "business_direction"},
)
CALLBACKS_FILTER = FilterSpec(
    times={"created_date": "created_date"},
    equals={"state": "state", "application_state": "application_state"},
)
CALLBACK_SORTS = ("id", "created_date", "state", "application_state")


def conpeek_api(data: ConpeekData, *, key: str) -> Api:
    """Build the API over `data`; `key` is the tenant's API key."""

    def authenticate(request: Request) -> str | None:
        return key if request.headers.get("authorization") == key else None

    api = Api("conpeek", authenticate=authenticate)
    api.route("GET", "/conversation_statistics_opened")(partial(_statistics, data))
    api.route("GET", "/cdr_dialog")(partial(_dialogs, data))
    api.route("GET", "/callback")(partial(_callbacks, data))
    return api


def _statistics(data: ConpeekData, request: Request) -> Response:
    try:
        limit, offset = _paging(request, STATISTICS_MAX_LIMIT)
        conditions = parse_filter(request.param("filter"), STATISTICS_FILTER)
        from_id, before_id = _object_id(request, "from_id"), _object_id(request, "before_id")
    except BadRequestError as error:
        return Response.error(400, str(error))
    ids = data.statistic_ids
    inclusive = data.readings.id_bounds is IdBounds.INCLUSIVE
    lo, hi = 0, len(ids)
    if from_id is not None:
        lo = (bisect_left if inclusive else bisect_right)(ids, from_id)
    if before_id is not None:
        hi = (bisect_right if inclusive else bisect_left)(ids, before_id)
    # A row's time is the second in its id's first four bytes.
    low, high = time_bounds(conditions, STATISTIC_TIMES)
    if low is not None:
        lo = max(lo, bisect_left(ids, f"{low:08x}"))
    if high is not None:
        hi = min(hi, bisect_left(ids, f"{high:08x}"))
    others = [c for c in conditions if c.property not in STATISTIC_TIMES]
    rows: Sequence[Record] = data.statistics
    if others:
        rows = [r for r in rows[lo:hi] if matches(r, others, STATISTICS_FILTER)]
        lo, hi = 0, len(rows)
    page = _page(rows, lo, hi, data.readings.order, offset, limit)
    return Response(200, data.render(page, key=lambda r: ("statistic", r["id"])))


def _dialogs(data: ConpeekData, request: Request) -> Response:
    try:
        limit, offset = _paging(request, DIALOGS_MAX_LIMIT)
        conditions = parse_filter(request.param("filter"), DIALOGS_FILTER)
    except BadRequestError as error:
        return Response.error(400, str(error))
    lo, hi = _time_range(data.call_starts, conditions, "start_time")
    others = [c for c in conditions if c.property != "start_time"]
    rows = [
        r for r in data.visible_dialogs(data.calls[lo:hi]) if matches(r, others, DIALOGS_FILTER)
    ]
    page = _page(rows, 0, len(rows), data.readings.order, offset, limit)
    body = data.render(page, key=lambda r: ("dialog", r["dialog_uuid"], r["hangup_time"] is None))
    return Response(200, body)


def _callbacks(data: ConpeekData, request: Request) -> Response:
    try:
        limit, offset = _paging(request, CALLBACKS_MAX_LIMIT)
        conditions = parse_filter(request.param("filter"), CALLBACKS_FILTER)
        sort, descending = _sort(request)
    except BadRequestError as error:
        return Response.error(400, str(error))
    lo, hi = _time_range(data.callback_times, conditions, "created_date")
    others = [c for c in conditions if c.property != "created_date"]
    rows = [r for r in data.callbacks[lo:hi] if matches(r, others, CALLBACKS_FILTER)]
    if sort not in {"id", "created_date"}:  # rows are kept in id and created_date order
        rows.sort(key=lambda r: (r[sort] is None, r[sort] or "", r["id"]))
    order = Order.DESCENDING if descending else Order.ASCENDING
    page = _page(rows, 0, len(rows), order, offset, limit)
    return Response(200, data.render(page, key=lambda r: ("callback", r["id"])))


def _time_range(times: list[int], conditions: list[Condition], name: str) -> tuple[int, int]:
    """Positions in the sorted `times` that the conditions on `name` allow."""
    low, high = time_bounds(conditions, {name})
    lo = 0 if low is None else bisect_left(times, low)
    hi = len(times) if high is None else bisect_left(times, high)
    return lo, hi


def _paging(request: Request, maximum: int) -> tuple[int, int]:
    """`limit` (default and maximum `maximum`) and `offset` (default 0)."""
    limit = _integer(request, "limit", maximum)
    offset = _integer(request, "offset", 0)
    if not 1 <= limit <= maximum:
        msg = f"limit must be between 1 and {maximum}, the maximum value is {maximum}"
        raise BadRequestError(msg)
    if offset < 0:
        msg = "offset must not be negative"
        raise BadRequestError(msg)
    return limit, offset


def _integer(request: Request, name: str, default: int) -> int:
    raw = request.param(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        msg = f"{name} must be an integer, got {raw!r}"
        raise BadRequestError(msg) from None


def _object_id(request: Request, name: str) -> str | None:
    raw = request.param(name)
    if raw is None:
        return None
    if not _OBJECT_ID.match(raw):
        msg = f"{name} must be an identifier like 608bdd875141c0758ca83971, got {raw!r}"
        raise BadRequestError(msg)
    return raw.lower()


def _sort(request: Request) -> tuple[str, bool]:
    sort = request.param("sort") or "id"
    direction = (request.param("dir") or "asc").lower()
    if sort not in CALLBACK_SORTS:
        msg = f"sort must be one of {', '.join(CALLBACK_SORTS)}"
        raise BadRequestError(msg)
    if direction not in {"asc", "desc"}:
        msg = "dir must be asc or desc"
        raise BadRequestError(msg)
    return sort, direction == "desc"


def _page(
    rows: Sequence[Record], lo: int, hi: int, order: Order, offset: int, limit: int
) -> list[Record]:
    """`limit` rows after `offset` of rows[lo:hi] listed in `order`, without copying it."""
    if order is Order.DESCENDING:
        end = max(lo, hi - offset)
        return list(reversed(rows[max(lo, end - limit) : end]))
    page = list(rows[lo + offset : min(hi, lo + offset + limit)])
    return page[::-1] if order is Order.REVERSED_PAGES else page
