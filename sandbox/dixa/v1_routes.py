"""The Dixa API v1 endpoints a warehouse reads: the activity log and reference data.

Documented behaviour simulated here: the `{"data": [...]}` envelope, `pageLimit`/`pageKey`
paging with `meta` links on `/v1/agents`, `/v1/endusers` and the activity log (see
`paging`), `fromDatetime`/`toDatetime` on the activity log, `_type` on contact
endpoints, and the API's 400/404 messages. The activity log's bounds are undocumented,
so they are a parameter (`Bounds`), as for the exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.dixa.exports_api import BadRequestError
from sandbox.dixa.javatime import parse
from sandbox.dixa.paging import PageLimits, page_request, render_page
from sandbox.wire import Response

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sandbox.dixa.api_data import ApiData
    from sandbox.dixa.exports_api import Bounds
    from sandbox.dixa.paging import NextLink
    from sandbox.server import Api
    from sandbox.wire import Request

V1_PAGES = PageLimits(default=100, maximum=10_000)
"""10 000 is what singer-io's tap has sent to the activity log for years."""
CONTACT_ENDPOINT_TYPES = ("EmailEndpoint", "TelephonyEndpoint")
NOT_FOUND = "The requested resource could not be found"


class V1Routes:
    """The handlers, over one organisation's data."""

    def __init__(self, data: ApiData, bounds: Bounds, next_link: Callable[[], NextLink]) -> None:
        """Serve `data`; `next_link()` says how pages point to the next one."""
        self.data = data
        self.bounds = bounds
        self.next_link = next_link

    def register(self, api: Api) -> None:
        """Add the routes to `api`."""
        api.route("GET", "/v1/agents")(lambda request: self.paged(request, "agents"))
        api.route("GET", "/v1/endusers")(lambda request: self.paged(request, "end_users"))
        api.route("GET", "/v1/conversations/activitylog")(self.activity_log)
        for path, name in (
            ("/v1/queues", "queues"),
            ("/v1/tags", "tags"),
            ("/v1/teams", "teams"),
            ("/v1/custom-attributes", "custom_attributes"),
        ):
            api.route("GET", path)(lambda _request, name=name: _unpaged(_all(self.data, name)))
        api.route("GET", "/v1/teams/{team_id}/agents")(
            lambda _request, team_id: _unpaged(self.data.rendered("team_members", team_id))
        )
        api.route("GET", "/v1/queues/{queue_id}/members")(
            lambda _request, queue_id: _unpaged(self.data.rendered("queue_members", queue_id))
        )
        api.route("GET", "/v1/contact-endpoints")(self.contact_endpoints)

    def paged(self, request: Request, name: str) -> Response:
        """One page of a paged list."""
        try:
            page = page_request(request, {}, V1_PAGES)
        except BadRequestError as error:
            return Response.error(400, str(error))
        return Response(200, render_page(request, page, _all(self.data, name), self.next_link()))

    def activity_log(self, request: Request) -> Response:
        """The organisation's activity log between `fromDatetime` and `toDatetime`."""
        given = {
            name: value
            for name in ("fromDatetime", "toDatetime")
            if (value := request.param(name)) is not None
        }
        try:
            page = page_request(request, given, V1_PAGES)
            after = _instant(page.query, "fromDatetime", -(2**62))
            before = _instant(page.query, "toDatetime", 2**62)
        except BadRequestError as error:
            return Response.error(400, str(error))
        if after > before:
            return Response.error(400, "Validation failure when retrieving data")
        items = self.data.activity_log(after, before, self.bounds.value)
        return Response(200, render_page(request, page, items, self.next_link()))

    def contact_endpoints(self, request: Request) -> Response:
        """Email and telephony endpoints, optionally of one `_type`."""
        kind = request.param("_type")
        if kind is not None and kind not in CONTACT_ENDPOINT_TYPES:
            return Response.error(400, "Invalid value for: query parameter _type")
        rendered = zip(
            self.data.contact_endpoints, _all(self.data, "contact_endpoints"), strict=True
        )
        return _unpaged([item for e, item in rendered if kind in {None, e["_type"]}])


def _all(data: ApiData, name: str) -> list[bytes]:
    items = data.rendered(name)
    assert items is not None  # noqa: S101 (a list every organisation has)
    return items


def _unpaged(items: list[bytes] | None) -> Response:
    if items is None:
        return Response.error(404, NOT_FOUND)
    return Response(200, b'{"data":[' + b",".join(items) + b"]}")


def _instant(query: Mapping[str, Any], name: str, default: int) -> int:
    value = query.get(name)
    if value is None:
        return default
    try:
        return parse(str(value))
    except ValueError:
        raise BadRequestError(f"Invalid value for: query parameter {name}") from None
