"""The simulated Open CX API behaves as documented, under every reading of what is not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import requests

from sandbox.opencx import NoScore, PageEcho, RangeBounds
from sandbox.opencx.table import iso, milliseconds
from sandbox.synthetic import ANCHOR_MS, DAY_MS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sandbox import Sandbox

KEY = "ocx_live_sandbox_full_access"
SCOPED_KEY = "ocx_live_sandbox_sessions_only"


def _call(
    sandbox: Sandbox,
    path: str,
    params: Mapping[str, str] | None = None,
    *,
    body: Any = None,  # noqa: ANN401
    key: str | None = KEY,
) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    url = sandbox.urls["opencx"] + path
    if body is not None:
        return requests.post(url, json=body, headers=headers, timeout=10)
    return requests.get(url, params=params, headers=headers, timeout=10)


def _all_pages(sandbox: Sandbox, path: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = _call(sandbox, path, {**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next"]
        if cursor is None:
            return items


@pytest.mark.parametrize("key", [None, "ocx_live_revoked", f"Basic {KEY}"])
def test_missing_or_unknown_key_gets_401(sandbox: Sandbox, key: str | None) -> None:
    headers = {"Authorization": key if key and " " in key else f"Bearer {key}"} if key else {}
    response = requests.get(sandbox.urls["opencx"] + "/contacts", headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Invalid or missing API key",
        "error": "Unauthorized",
    }


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/chat/sessions", 200),
        ("/contacts", 200),
        ("/handoff-analytics/events", 403),
        ("/csat/scores/session/{session}", 403),
    ],
)
def test_scoped_key_reads_only_its_scopes(sandbox: Sandbox, path: str, status: int) -> None:
    session = next(iter(sandbox.opencx.data.sessions.records))
    response = _call(sandbox, path.format(session=session), key=SCOPED_KEY)
    assert response.status_code == status
    insights = _call(sandbox, "/insights", body={}, key=SCOPED_KEY)
    assert insights.status_code == 403
    assert insights.json()["message"] == "API key is missing the insights:read scope"


def test_cursor_pages_hold_every_session_once(sandbox: Sandbox) -> None:
    sandbox.opencx.readings.page_size = 25
    items = _all_pages(sandbox, "/chat/sessions", {})
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == len(sandbox.opencx.data.sessions)
    assert len(sandbox.opencx.api.requests_to("/chat/sessions")) == -(-len(ids) // 25)
    updated = [item["updated_at"] for item in items]
    assert updated != sorted(updated), "the API promises no order, so the sandbox keeps none"


def test_a_cursor_only_fits_its_own_query(sandbox: Sandbox) -> None:
    sandbox.opencx.readings.page_size = 10
    first = _call(sandbox, "/contacts", {"updated_after": "2025-01-01T00:00:00Z"}).json()
    other = _call(sandbox, "/contacts", {"cursor": first["next"]})
    assert other.status_code == 400
    garbage = _call(sandbox, "/contacts", {"cursor": "not-a-cursor"})
    assert garbage.status_code == 400


def test_envelopes(sandbox: Sandbox) -> None:
    session = next(iter(sandbox.opencx.data.sessions.records))
    assert set(_call(sandbox, "/chat/sessions").json()) == {"items", "next"}
    assert set(_call(sandbox, "/contacts").json()) == {"items", "next"}
    assert set(_call(sandbox, f"/chat/sessions/{session}/history").json()) == {"items", "next"}
    events = _call(sandbox, "/handoff-analytics/events").json()
    assert set(events) == {"items", "next", "total"}
    assert set(_call(sandbox, "/insights", body={}).json()) == {
        "data",
        "page",
        "total",
        "totalPages",
    }


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/chat/sessions", {"status": "closed"}, "status must be one of the following values"),
        ("/chat/sessions", {"channel_type": "fax"}, "channel_type must be one of"),
        ("/chat/sessions", {"handed_off": "yes"}, "handed_off must be one of"),
        ("/chat/sessions", {"updated_after": "yesterday"}, "must be a valid ISO 8601"),
        ("/chat/sessions", {"limit": "100"}, "property limit should not exist"),
        ("/contacts", {"created_before": "2025-13-01"}, "must be a valid ISO 8601"),
        ("/handoff-analytics/events", {"reason": "bored"}, "reason must be one of"),
    ],
)
def test_invalid_query_gets_nest_400(
    sandbox: Sandbox, path: str, params: dict[str, str], message: str
) -> None:
    response = _call(sandbox, path, params)
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400
    assert body["error"] == "Bad Request"
    assert any(message in m for m in body["message"])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"status": "open"}, "status must be one of the following values: all, unresolved"),
        ({"sessionLanguage": "xx"}, "sessionLanguage must be one of"),
        ({"channel": "fax"}, "channel must be one of"),
        ({"page": 0}, "page must be an integer between 1"),
        ({"minSessions": "3"}, "minSessions must be an integer"),
        ({"teamId": "team-1"}, "teamId must be a UUID or none"),
        ({"sessionFromDate": "last week"}, "sessionFromDate must be a valid ISO 8601"),
        ({"ticketCustomData": {"a": 1}}, "ticketCustomData must be an array of objects"),
        ({"limit": 100}, "property limit should not exist"),
        ([], "request body must be a JSON object"),
    ],
)
def test_invalid_insights_body_gets_nest_400(sandbox: Sandbox, body: Any, message: str) -> None:  # noqa: ANN401
    response = _call(sandbox, "/insights", body=body)
    assert response.status_code == 400
    assert any(message in m for m in response.json()["message"]), response.text


def test_unknown_and_removed_routes_get_404(sandbox: Sandbox) -> None:
    removed = _call(sandbox, "/insights")  # the GET /insights Open CX removed in 2026
    assert removed.status_code == 404
    assert removed.json()["message"] == "Cannot GET /insights"
    assert _call(sandbox, "/chat/sessions/nope/history").status_code == 404


@pytest.mark.parametrize(
    ("bounds", "start_included", "end_included"),
    [
        (RangeBounds.INCLUSIVE, True, True),
        (RangeBounds.EXCLUSIVE, False, False),
        (RangeBounds.HALF_OPEN, True, False),
    ],
)
def test_range_readings(
    sandbox: Sandbox, bounds: RangeBounds, start_included: bool, end_included: bool
) -> None:
    sandbox.opencx.readings.bounds = bounds
    start, end = ANCHOR_MS + 7 * DAY_MS, ANCHOR_MS + 14 * DAY_MS
    for path, after, before, field in (
        ("/chat/sessions", "updated_after", "updated_before", "updated_at"),
        ("/contacts", "updated_after", "updated_before", "updated_at"),
        ("/handoff-analytics/events", "start_date", "end_date", "created_at"),
    ):
        items = _all_pages(sandbox, path, {after: iso(start), before: iso(end)})
        times = {milliseconds(item[field]) for item in items}
        assert (start in times) is start_included, path
        assert (end in times) is end_included, path
        assert all(start <= t <= end for t in times), path


def test_whole_days_reading_ignores_the_time_of_day(sandbox: Sandbox) -> None:
    sandbox.opencx.readings.bounds = RangeBounds.WHOLE_DAYS
    day = ANCHOR_MS + 7 * DAY_MS
    params = {"updated_after": iso(day + 13 * 3_600_000), "updated_before": iso(day + 60_000)}
    times = {milliseconds(s["updated_at"]) for s in _all_pages(sandbox, "/chat/sessions", params)}
    truth = {
        milliseconds(s["updated_at"])
        for s in sandbox.opencx.data.sessions.records.values()
        if day <= milliseconds(s["updated_at"]) < day + DAY_MS
    }
    assert times == truth


def test_handoff_events_default_to_the_last_30_days(sandbox: Sandbox) -> None:
    data = sandbox.opencx.data
    events = _all_pages(sandbox, "/handoff-analytics/events", {})
    first = _call(sandbox, "/handoff-analytics/events").json()
    expected = {
        key
        for key, event in data.handoff_events.records.items()
        if data.now_ms - 30 * DAY_MS <= milliseconds(event["created_at"]) <= data.now_ms
    }
    assert {f"{e['session_id']}/{e['created_at']}" for e in events} == expected
    assert first["total"] == len(expected)


@pytest.mark.parametrize(
    ("echo", "first_page"), [(PageEcho.ONE_BASED, 1), (PageEcho.ZERO_BASED, 0)]
)
def test_insights_pages_in_created_order(sandbox: Sandbox, echo: PageEcho, first_page: int) -> None:
    sandbox.opencx.readings.page_echo = echo
    order = {"sortBy": "created_at", "sortOrder": "asc"}
    first = _call(sandbox, "/insights", body=order).json()
    total_pages = first["totalPages"]
    pages = [first] + [
        _call(sandbox, "/insights", body={**order, "page": n}).json()
        for n in range(2, total_pages + 2)
    ]
    assert first["page"] == first_page
    assert first["total"] == len(sandbox.opencx.data.insights)
    assert total_pages == -(-first["total"] // 20)
    assert pages[-1]["data"] == [], "past the last page there is nothing"
    created = [i["created_at"] for page in pages for i in page["data"]]
    assert len(created) == first["total"]
    assert created == sorted(created)


def test_insights_filters_select(sandbox: Sandbox) -> None:
    data = sandbox.opencx.data
    body = {"status": "unresolved", "sentiment": "angry", "sessionLanguage": "en"}
    response = _call(sandbox, "/insights", body={**body, "page": 1}).json()
    got = {i["id"] for i in response["data"]}
    expected = {
        key
        for key, insight in data.insights.records.items()
        if insight["resolved_at"] is None
        and insight["archived_at"] is None
        and insight["sentiment"] == "angry"
        and any(data.sessions[s]["language"] == "en" for s in data.insight_sessions[key])
    }
    assert got == expected
    assert expected, "the filters should select something"


@pytest.mark.parametrize("no_score", list(NoScore))
def test_csat_for_a_session_without_a_score(sandbox: Sandbox, no_score: NoScore) -> None:
    sandbox.opencx.readings.no_score = no_score
    data = sandbox.opencx.data
    unscored = next(s for s in data.sessions.records if s not in data.csat)
    scored = next(iter(data.csat.records))
    response = _call(sandbox, f"/csat/scores/session/{unscored}")
    assert response.status_code == 200
    assert response.content == no_score.value
    assert _call(sandbox, f"/csat/scores/session/{scored}").json() == data.csat[scored]


@pytest.mark.parametrize("with_ids", [True, False])
def test_history_items_with_or_without_ids(sandbox: Sandbox, with_ids: bool) -> None:
    sandbox.opencx.readings.history_ids = with_ids
    sandbox.opencx.readings.page_size = 2
    session, events = next((s, e) for s, e in sandbox.opencx.data.history.items() if len(e) > 2)
    items = _all_pages(sandbox, f"/chat/sessions/{session}/history", {})
    assert [item["created_at"] for item in items] == [e["created_at"] for e in events]
    assert all(("id" in item) is with_ids for item in items)


def test_rate_limit_answers_429_with_retry_after(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(rate_limits=True)
    statuses = [_call(sandbox, "/contacts").status_code for _ in range(100)]
    refused = _call(sandbox, "/contacts")

    assert statuses == [200] * 100
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_mutation_adds_and_updates_after_the_data(sandbox: Sandbox) -> None:
    data = sandbox.opencx.data
    before = data.now_ms
    changes = sandbox.opencx.mutate()

    assert changes.new_sessions.isdisjoint(changes.updated_sessions)
    changed = changes.updated_sessions | changes.new_sessions
    for session_id in changed:
        assert before < milliseconds(data.sessions[session_id]["updated_at"]) <= data.now_ms
        assert data.history[session_id][-1]["id"] in changes.new_history
    since = {"updated_after": iso(before), "updated_before": iso(data.now_ms)}
    assert {s["id"] for s in _all_pages(sandbox, "/chat/sessions", since)} == changed
    contacts = {c["id"] for c in _all_pages(sandbox, "/contacts", since)}
    assert contacts == changes.updated_contacts | changes.new_contacts
    assert changes.new_handoff_events
    for key in changes.new_handoff_events:
        assert before < milliseconds(data.handoff_events[key]["created_at"]) <= data.now_ms
    for insight_id in changes.new_insights | changes.updated_insights:
        assert before < milliseconds(data.insights[insight_id]["updated_at"]) <= data.now_ms


def test_same_seed_same_data(make_sandbox: Callable[..., Sandbox]) -> None:
    first, second = make_sandbox(seed=3).opencx.data, make_sandbox(seed=3).opencx.data
    assert first.sessions.records == second.sessions.records
    assert first.history == second.history
    assert make_sandbox(seed=4).opencx.data.sessions.records != first.sessions.records
