"""The simulated Dixa API v1 behaves as documented."""

from __future__ import annotations

import base64
import re
import time
from typing import TYPE_CHECKING, Any

import pytest
import requests

from sandbox import Bounds, ratelimit
from sandbox.dixa.javatime import instant, zoned
from sandbox.dixa.paging import NextLink
from sandbox.synthetic import ANCHOR_MS, DAY_MS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sandbox import Sandbox

TOKEN = "sandbox-dixa-token"
JAVA_ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{3})?)?Z\[GMT\]$")


def _get(
    sandbox: Sandbox,
    path: str,
    params: Mapping[str, str | int] | None = None,
    auth: str | None = TOKEN,
) -> requests.Response:
    headers = {"Authorization": auth} if auth else {}
    url = path if path.startswith("http") else sandbox.urls["dixa_api"] + path
    return requests.get(url, params=params, headers=headers, timeout=10)


def _pages(sandbox: Sandbox, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of a list, following the next link however it is given."""
    pages = []
    response = _get(sandbox, path, params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body)
        if "pageKey" in body:
            response = _get(sandbox, path, {"pageKey": body["pageKey"]})
        elif (body.get("meta") or {}).get("next"):
            response = _get(sandbox, body["meta"]["next"])
        else:
            return pages


@pytest.mark.parametrize(
    ("auth", "status"),
    [
        (TOKEN, 200),
        (f"Bearer {TOKEN}", 200),
        ("Basic " + base64.b64encode(f"bearer:{TOKEN}".encode()).decode(), 401),
        (None, 401),
        ("wrong", 401),
    ],
    ids=["raw", "bearer", "basic-is-exports-only", "none", "wrong"],
)
def test_raw_token_or_bearer(sandbox: Sandbox, auth: str | None, status: int) -> None:
    response = _get(sandbox, "/v1/agents", auth=auth)
    assert response.status_code == status
    if status == 401:
        assert "message" in response.json()


@pytest.mark.parametrize("style", list(NextLink), ids=lambda s: s.value)
def test_paging_covers_every_agent_once(sandbox: Sandbox, style: NextLink) -> None:
    sandbox.dixa.next_link = style
    pages = _pages(sandbox, "/v1/agents", {"pageLimit": 5})

    ids = [agent["id"] for page in pages for agent in page["data"]]
    assert sorted(ids) == sorted(a["id"] for a in sandbox.dixa.api_data.agents)
    assert len(pages) == -(-len(ids) // 5) >= 3
    links = [page.get("meta", {}).get("next") or page.get("pageKey") for page in pages]
    assert links.pop() is None
    assert all(isinstance(link, str) for link in links)
    if style is NextLink.RELATIVE:
        assert all(str(link).startswith("/v1/agents?pageKey=") for link in links)
    if style is NextLink.ABSOLUTE:
        assert all(str(link).startswith(sandbox.urls["dixa_api"]) for link in links)
    if style is NextLink.PAGE_KEY:
        assert all("meta" not in page for page in pages)


def test_page_keys_need_encoding(sandbox: Sandbox) -> None:
    body = _get(sandbox, "/v1/agents", {"pageLimit": 5}).json()
    link = body["meta"]["next"]
    assert "%2B" in link, "a base64 key's + is percent-encoded in the link"
    raw_key = link.split("pageKey=")[1].replace("%2B", "+").replace("%3D", "=")
    bare = requests.get(
        f"{sandbox.urls['dixa_api']}/v1/agents?pageKey={raw_key}",
        headers={"Authorization": TOKEN},
        timeout=10,
    )
    assert bare.status_code == 400, "a bare + in a query reads as a space"


@pytest.mark.parametrize(
    "params",
    [{"pageLimit": 0}, {"pageLimit": 10_001}, {"pageLimit": "ten"}, {"pageKey": "nonsense"}],
    ids=["zero", "too-large", "not-a-number", "bad-key"],
)
def test_invalid_paging_gets_400(sandbox: Sandbox, params: dict[str, Any]) -> None:
    response = _get(sandbox, "/v1/endusers", params)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Invalid value for: query parameter page")


def test_page_size_may_change_between_pages(sandbox: Sandbox) -> None:
    first = _get(sandbox, "/v1/agents", {"pageLimit": 3}).json()
    key = first["meta"]["next"].split("pageKey=")[1]
    second = _get(sandbox, f"/v1/agents?pageKey={key}&pageLimit=10").json()
    assert len(second["data"]) == 10
    assert second["data"][0]["id"] == sandbox.dixa.api_data.agents[3]["id"]


def _day(day: int) -> dict[str, str]:
    return {
        "fromDatetime": instant(ANCHOR_MS + day * DAY_MS),
        "toDatetime": instant(ANCHOR_MS + (day + 1) * DAY_MS),
    }


def test_activity_log_pages_keep_their_window(sandbox: Sandbox) -> None:
    window = _day(3)
    first = _get(sandbox, "/v1/conversations/activitylog", {**window, "pageLimit": 10}).json()
    key = first["meta"]["next"].split("pageKey=")[1]

    alone = _get(sandbox, f"/v1/conversations/activitylog?pageKey={key}")
    repeated = _get(sandbox, f"/v1/conversations/activitylog?pageKey={key}", window)
    changed = _get(sandbox, f"/v1/conversations/activitylog?pageKey={key}", _day(4))

    assert alone.status_code == repeated.status_code == 200
    assert alone.json() == repeated.json()
    assert changed.status_code == 400


@pytest.mark.parametrize("bounds", list(Bounds), ids=lambda b: b.name.lower())
def test_activity_log_window_bounds(make_sandbox: Callable[..., Sandbox], bounds: Bounds) -> None:
    sandbox = make_sandbox(bounds=bounds)
    data = sandbox.dixa.api_data
    start, end = ANCHOR_MS + 3 * DAY_MS, ANCHOR_MS + 4 * DAY_MS
    assert {start, end} <= set(data.activity_ms.values()), "activities on both midnights"

    pages = _pages(sandbox, "/v1/conversations/activitylog", {**_day(3), "pageLimit": 10_000})

    times = {data.activity_ms[entry["id"]] for page in pages for entry in page["data"]}
    assert (start in times) is bounds.value[0]
    assert (end in times) is bounds.value[1]
    inside = {i for i, at in data.activity_ms.items() if start < at < end}
    assert inside <= {entry["id"] for page in pages for entry in page["data"]}


def test_activity_timestamps_are_java_zoned(sandbox: Sandbox) -> None:
    entries = _pages(sandbox, "/v1/conversations/activitylog", {"pageLimit": 10_000})[0]["data"]
    data = sandbox.dixa.api_data
    assert entries
    assert all(JAVA_ZONED.match(e["activityTimestamp"]) for e in entries)
    assert all(e["activityTimestamp"] == zoned(data.activity_ms[e["id"]]) for e in entries)
    on_midnight = next(e for e in entries if data.activity_ms[e["id"]] % DAY_MS == 0)
    assert on_midnight["activityTimestamp"].endswith("T00:00Z[GMT]")
    assert zoned(ANCHOR_MS + 1500) == "2025-01-01T00:00:01.500Z[GMT]"
    assert instant(ANCHOR_MS) == "2025-01-01T00:00:00Z"


@pytest.mark.parametrize(
    "params",
    [
        {"fromDatetime": "yesterday"},
        {"toDatetime": "2025-01-01"},
        {"fromDatetime": "2025-01-02T00:00:00Z", "toDatetime": "2025-01-01T00:00:00Z"},
    ],
    ids=["not-a-time", "date-only", "reversed"],
)
def test_invalid_activity_window_gets_400(sandbox: Sandbox, params: dict[str, str]) -> None:
    assert _get(sandbox, "/v1/conversations/activitylog", params).status_code == 400


def test_reference_lists(sandbox: Sandbox) -> None:
    data = sandbox.dixa.api_data
    for path, records in (
        ("/v1/queues", data.queues),
        ("/v1/tags", data.tags),
        ("/v1/teams", data.teams),
        ("/v1/custom-attributes", data.custom_attributes),
        ("/v1/contact-endpoints", data.contact_endpoints),
    ):
        body = _get(sandbox, path, {"pageLimit": 1}).json()
        assert len(body["data"]) == len(records), f"{path} is not paged"
        assert "meta" not in body
    team = data.teams[0]["id"]
    members = _get(sandbox, f"/v1/teams/{team}/agents").json()["data"]
    assert {m["id"] for m in members} == {m["id"] for m in data.team_members[team]}
    assert _get(sandbox, "/v1/teams/nope/agents").status_code == 404
    queue = data.queues[0]["id"]
    assert _get(sandbox, f"/v1/queues/{queue}/members").json()["data"]
    assert _get(sandbox, "/v1/queues/nope/members").status_code == 404


def test_contact_endpoints_by_type(sandbox: Sandbox) -> None:
    emails = _get(sandbox, "/v1/contact-endpoints", {"_type": "EmailEndpoint"}).json()["data"]
    assert {e["_type"] for e in emails} == {"EmailEndpoint"}
    assert all("address" in e and "number" not in e for e in emails)
    assert _get(sandbox, "/v1/contact-endpoints", {"_type": "Fax"}).status_code == 400


def test_absent_optional_fields_are_left_out(sandbox: Sandbox) -> None:
    agents = _pages(sandbox, "/v1/agents", {"pageLimit": 10_000})[0]["data"]
    assert any("phoneNumber" not in a for a in agents)
    assert all(None not in a.values() for a in agents)


def test_rate_limit_is_10_per_second_in_bursts_of_4(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(rate_limits=True)
    started = time.monotonic()
    statuses: list[int] = []
    while 429 not in statuses and len(statuses) < 200:
        response = _get(sandbox, "/v1/tags")
        statuses.append(response.status_code)
    elapsed = time.monotonic() - started

    admitted = statuses.count(200)
    assert statuses[-1] == 429, "sequential requests outrun 10/s"
    assert response.headers["Retry-After"] == "1"
    assert admitted >= 4, "a full bucket admits a burst of 4"
    assert admitted <= 4 + 10 * elapsed + 1


def test_token_bucket_refills_at_its_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    bucket = ratelimit.TokenBucket(10, 4)

    assert [bucket.acquire("token") for _ in range(4)] == [None] * 4
    assert bucket.acquire("token") == 1, "empty: Retry-After rounds 0.1 s up to 1"
    assert bucket.acquire("other-token") is None, "each token has its own bucket"
    clock[0] += 0.125  # 1.25 tokens (a binary fraction, so the sum is exact)
    assert bucket.acquire("token") is None
    assert bucket.acquire("token") == 1
    clock[0] += 10
    assert [bucket.acquire("token") for _ in range(5)] == [None] * 4 + [1], "never above 4"


def test_mutation_logs_activities_after_everything_before(sandbox: Sandbox) -> None:
    data = sandbox.dixa.api_data
    before = max(data.activity_ms.values())
    known = set(data.activity_ms)
    changes = sandbox.dixa.mutate()

    new = {i: at for i, at in data.activity_ms.items() if i not in known}
    assert new
    assert all(at > before for at in new.values())
    logged = {data.activities[i]["conversationId"] for i in new}
    assert logged == changes.updated_conversations | changes.new_conversations
