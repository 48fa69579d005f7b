"""The Open CX API ("1.0-beta") endpoints a tap reads, over `OpenCxData`.

Documented behaviour simulated here: Bearer API keys, full-access or scoped (401 for a
missing or unknown key, 403 for a missing scope); cursor paging with `cursor`/`next` and
page numbers in the POST /insights body; each endpoint's own envelope; enum, date and
whitelist validation answered with NestJS's 400 body; 404 for unknown routes; the
documented rate limit answered with 429 and Retry-After. What the documentation leaves
open is in `Readings`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from sandbox.opencx import insights
from sandbox.opencx.data import CHANNELS, HANDOFF_REASONS, SESSION_STATUSES
from sandbox.opencx.wire import (
    BadRequestError,
    Cursors,
    check_query,
    error,
    instant_param,
    one_of,
    read_range,
    time_range,
)
from sandbox.server import Api
from sandbox.synthetic import DAY_MS
from sandbox.wire import Response

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from sandbox.opencx.data import OpenCxData
    from sandbox.opencx.readings import Readings
    from sandbox.opencx.table import Table
    from sandbox.ratelimit import RateLimit
    from sandbox.wire import Request

    Handler = Callable[..., Response]

FULL_ACCESS = None
"""The scopes of a full-access key: all of them."""
TIME_FILTERS = ("created_after", "created_before", "updated_after", "updated_before")


def opencx_api(
    data: OpenCxData,
    readings: Readings,
    *,
    keys: Mapping[str, frozenset[str] | None],
    rate_limit: RateLimit | None = None,
) -> Api:
    """Build the API over `data`; `keys` maps each API key to its scopes."""
    endpoints = _Endpoints(data, readings, keys)
    api = Api(
        "opencx",
        authenticate=endpoints.authenticate,
        rate_limit=rate_limit,
        unauthorized=lambda: error(HTTPStatus.UNAUTHORIZED, "Invalid or missing API key"),
    )
    routes: list[tuple[str, str, str, Handler]] = [
        ("GET", "/chat/sessions", "chat-sessions:read", endpoints.sessions),
        ("GET", "/chat/sessions/{session_id}/history", "chat-sessions:read", endpoints.history),
        ("GET", "/csat/scores/session/{session_id}", "csat:read", endpoints.csat_score),
        ("GET", "/contacts", "contacts:read", endpoints.contacts),
        ("GET", "/handoff-analytics/events", "handoff-analytics:read", endpoints.handoff_events),
        ("POST", "/insights", "insights:read", endpoints.insights),
    ]
    for method, path, scope, handler in routes:
        api.route(method, path)(endpoints.guard(scope, handler))
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        api.route(method, "/.*")(_not_found)
    return api


class _Endpoints:
    """The handlers, over one organisation's data."""

    def __init__(
        self, data: OpenCxData, readings: Readings, keys: Mapping[str, frozenset[str] | None]
    ) -> None:
        self.data = data
        self.readings = readings
        self.keys = keys
        self.cursors = Cursors()

    def authenticate(self, request: Request) -> str | None:
        """The caller's API key, if it is a Bearer key the API knows."""
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        return key if scheme.lower() == "bearer" and key in self.keys else None

    def guard(self, scope: str, handler: Handler) -> Handler:
        """`handler`, answering 403 to keys without `scope` and 400 to bad input."""

        def guarded(request: Request, **kwargs: str) -> Response:
            scopes = self.keys[str(self.authenticate(request))]
            if scopes is not FULL_ACCESS and scope not in scopes:
                return error(HTTPStatus.FORBIDDEN, f"API key is missing the {scope} scope")
            try:
                return handler(request, **kwargs)
            except BadRequestError as problem:
                return problem.response()

        return guarded

    def sessions(self, request: Request) -> Response:
        """GET /chat/sessions."""
        check_query(request, ("cursor", "handed_off", "status", "channel_type", *TIME_FILTERS))
        status = one_of("status", request.param("status"), SESSION_STATUSES)
        channel = one_of("channel_type", request.param("channel_type"), CHANNELS)
        handed_off = one_of("handed_off", request.param("handed_off"), ("true", "false"))
        sessions = self.data.sessions

        def select() -> list[str]:
            return [
                key
                for key in self._updated_and_created(sessions, request)
                if status in {None, sessions[key]["status"]}
                and channel in {None, sessions[key]["channel"]["type"]}
                and handed_off in {None, str(sessions[key]["handoff"] is not None).lower()}
            ]

        return self._cursor_page(request, select, sessions.json)

    def history(self, request: Request, session_id: str) -> Response:
        """GET /chat/sessions/{session_id}/history."""
        check_query(request, ("cursor",))
        events = self.data.history.get(session_id)
        if events is None:
            return error(HTTPStatus.NOT_FOUND, "Session not found")
        by_id = {event["id"]: event for event in events}

        def render(event_id: str) -> bytes:
            event = by_id[event_id]
            if not self.readings.history_ids:
                event = {k: v for k, v in event.items() if k != "id"}
            return _json(event)

        return self._cursor_page(request, lambda: list(by_id), render)

    def csat_score(self, request: Request, session_id: str) -> Response:
        """GET /csat/scores/session/{session_id}: the score, or none."""
        check_query(request, ())
        if session_id not in self.data.sessions:
            return error(HTTPStatus.NOT_FOUND, "Session not found")
        if session_id not in self.data.csat:
            return Response(200, self.readings.no_score.value)
        return Response(200, self.data.csat.json(session_id))

    def contacts(self, request: Request) -> Response:
        """GET /contacts."""
        check_query(request, ("cursor", *TIME_FILTERS))
        contacts = self.data.contacts
        return self._cursor_page(
            request, lambda: self._updated_and_created(contacts, request), contacts.json
        )

    def handoff_events(self, request: Request) -> Response:
        """GET /handoff-analytics/events: by default, the last 30 days."""
        check_query(request, ("cursor", "reason", "start_date", "end_date"))
        reason = one_of("reason", request.param("reason"), HANDOFF_REASONS)
        start = instant_param(request, "start_date")
        end = instant_param(request, "end_date")
        now = self.data.now_ms
        window = read_range(
            now - 30 * DAY_MS if start is None else start,
            now if end is None else end,
            self.readings.bounds,
        )
        events = self.data.handoff_events
        keys = [
            key
            for key in _in_range(events, "created_at", window)
            if reason in {None, *events[key]["reasons"]}
        ]
        return self._cursor_page(request, lambda: keys, events.json, total=len(keys))

    def insights(self, request: Request) -> Response:
        """POST /insights: one page of the filtered, sorted insights."""
        try:
            body = insights.validate(request.json())
        except ValueError:
            raise BadRequestError("request body must be valid JSON") from None
        page = int(body.get("page", 1))
        size = self.readings.insights_page_size
        selected = insights.select(self.data, body)
        return Response.json(
            {
                "data": [self.data.insights[i] for i in selected[(page - 1) * size : page * size]],
                "page": page + self.readings.page_echo.value,
                "total": len(selected),
                "totalPages": insights.page_count(len(selected), size),
            }
        )

    def _updated_and_created(self, table: Table, request: Request) -> list[str]:
        """Keys matching the updated and created range parameters, in key order."""
        bounds = self.readings.bounds
        keys = _in_range(
            table, "updated_at", time_range(request, "updated_after", "updated_before", bounds)
        )
        if request.param("created_after") or request.param("created_before"):
            created = time_range(request, "created_after", "created_before", bounds)
            wanted = set(_in_range(table, "created_at", created))
            keys = [key for key in keys if key in wanted]
        return keys

    def _cursor_page(
        self,
        request: Request,
        select: Callable[[], Iterable[str]],
        render: Callable[[str], bytes],
        **extra: object,
    ) -> Response:
        """`{"items": [...], "next": ..., **extra}`: one page of what `select` selects."""
        query = {k: v for k, v in request.query.items() if k != "cursor"}
        page, following = self.cursors.page(
            {**query, "path": request.path, "generation": self.data.generation},
            request.param("cursor"),
            self.readings.page_size,
            select,
        )
        items = b",".join(render(key) for key in page)
        tail = b"".join(b',"%s":%s' % (k.encode(), _json(v)) for k, v in extra.items())
        return Response(200, b'{"items":[%s],"next":%s%s}' % (items, _json(following), tail))


def _in_range(table: Table, field: str, window: tuple[int, int, bool, bool]) -> list[str]:
    """Keys with `field` in the window, in key order: the API promises no sort."""
    start, end, start_included, end_included = window
    return sorted(
        table.between(field, start, end, start_included=start_included, end_included=end_included)
    )


def _not_found(request: Request) -> Response:
    return error(HTTPStatus.NOT_FOUND, f"Cannot {request.method} {request.path}")


def _json(value: Any) -> bytes:  # noqa: ANN401
    return Response.json(value).body
