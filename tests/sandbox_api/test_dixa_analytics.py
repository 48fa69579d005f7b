"""The simulated Dixa Analytics API behaves as documented."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pytest
import requests

from sandbox import Bounds
from sandbox.dixa.analytics_data import METRICS, RECORD_TYPES
from sandbox.dixa.javatime import instant
from sandbox.synthetic import ANCHOR_MS, DAY_MS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox import Sandbox

HEADERS = {"Authorization": "sandbox-dixa-token"}
FIELD_TYPES = {
    "BooleanField", "DoubleField", "InstantField", "IntField", "ListField", "LongField",
    "StringField", "TimestampField", "UUIDField",
}  # fmt: skip


def _url(sandbox: Sandbox, path: str) -> str:
    return sandbox.urls["dixa_api"] + path


def _interval(start: int, end: int) -> dict[str, str]:
    return {"_type": "Interval", "start": instant(start), "end": instant(end)}


def _body(record_id: str, start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {"id": record_id, "periodFilter": _interval(start, end), "timezone": "UTC", **extra}


def _post(
    sandbox: Sandbox, path: str, body: object, params: dict[str, Any] | None = None
) -> requests.Response:
    return requests.post(_url(sandbox, path), json=body, params=params, headers=HEADERS, timeout=10)


def _rows(sandbox: Sandbox, body: dict[str, Any], limit: int = 300) -> list[list[dict[str, Any]]]:
    """Every page of rows, by re-POSTing the same body with the next pageKey."""
    pages = []
    params: dict[str, Any] = {"pageLimit": limit}
    while True:
        response = _post(sandbox, "/v1/analytics/records", body, params)
        assert response.status_code == 200, response.text
        pages.append(response.json()["data"])
        link = (response.json().get("meta") or {}).get("next")
        if not link:
            return pages
        params = {"pageKey": unquote(link.split("pageKey=")[1])}


def test_catalogues_go_beyond_the_documented_ids(sandbox: Sandbox) -> None:
    metrics = requests.get(_url(sandbox, "/v1/analytics/metrics"), headers=HEADERS, timeout=10)
    records = requests.get(_url(sandbox, "/v1/analytics/records"), headers=HEADERS, timeout=10)

    metric_ids = {m["id"] for m in metrics.json()["data"]}
    record_ids = {r["id"] for r in records.json()["data"]}
    assert {"csat", "closed_conversations"} < metric_ids == set(METRICS)
    assert {"ratings", "closed_conversations"} < record_ids == set(RECORD_TYPES)
    csat = next(m for m in metrics.json()["data"] if m["id"] == "csat")
    assert csat["aggregations"] == [
        {"measure": "Percentage", "description": "Calculated Percentage"}
    ]
    assert csat["relatedRecordIds"] == ["ratings"]
    one = requests.get(_url(sandbox, "/v1/analytics/records/ratings"), headers=HEADERS, timeout=10)
    assert one.json()["data"]["fieldsMetadata"][0]["field"] == "conversation_id"
    unknown = requests.get(_url(sandbox, "/v1/analytics/metrics/nope"), headers=HEADERS, timeout=10)
    assert unknown.status_code == 400


def test_filter_values_page(sandbox: Sandbox) -> None:
    url = _url(sandbox, "/v1/analytics/filter/agent_id")
    first = requests.get(url, params={"pageLimit": 5}, headers=HEADERS, timeout=10).json()
    assert len(first["data"]) == 5
    assert set(first["data"][0]) == {"value", "label"}
    assert "next" in first["meta"]
    missing = requests.get(_url(sandbox, "/v1/analytics/filter/nope"), headers=HEADERS, timeout=10)
    assert missing.status_code == 400


def test_rows_page_by_reposting_the_same_body(sandbox: Sandbox) -> None:
    body = _body("created_conversations", ANCHOR_MS, ANCHOR_MS + 7 * DAY_MS)
    pages = _rows(sandbox, body, limit=20)

    keys = [row["fields"][0]["field"]["value"] for page in pages for row in page]
    truth = sandbox.dixa.analytics_data.select(
        "created_conversations", ANCHOR_MS, ANCHOR_MS + 7 * DAY_MS, (True, True)
    )
    assert len(pages) >= 3
    assert sorted(keys) == sorted(row.body["fields"][0]["field"]["value"] for row in truth)


def test_a_page_key_needs_its_own_body(sandbox: Sandbox) -> None:
    body = _body("ratings", ANCHOR_MS, ANCHOR_MS + 7 * DAY_MS)
    first = _post(sandbox, "/v1/analytics/records", body, {"pageLimit": 5}).json()
    key = unquote(first["meta"]["next"].split("pageKey=")[1])
    other = _body("ratings", ANCHOR_MS, ANCHOR_MS + 8 * DAY_MS)

    assert _post(sandbox, "/v1/analytics/records", body, {"pageKey": key}).status_code == 200
    assert _post(sandbox, "/v1/analytics/records", other, {"pageKey": key}).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"id": "ratings", "periodFilter": _interval(ANCHOR_MS, ANCHOR_MS + DAY_MS)},
        _body("ratings", ANCHOR_MS, ANCHOR_MS + DAY_MS, timezone="Mars/Olympus"),
        _body("nope", ANCHOR_MS, ANCHOR_MS + DAY_MS),
        _body("ratings", ANCHOR_MS + DAY_MS, ANCHOR_MS),
        {**_body("ratings", 0, 1), "periodFilter": {"_type": "Interval", "start": "monday"}},
        {**_body("ratings", 0, 1), "periodFilter": {"_type": "Preset", "value": "PreviousYear"}},
        {**_body("ratings", 0, 1), "filters": "channel"},
        "not an object",
    ],
    ids=[
        "no-timezone", "bad-timezone", "unknown-id", "reversed", "bad-interval",
        "unknown-preset", "bad-filters", "not-an-object",
    ],
)  # fmt: skip
def test_invalid_bodies_get_400(sandbox: Sandbox, body: object) -> None:
    response = _post(sandbox, "/v1/analytics/records", body)
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid value for: body"


def test_page_limit_above_300_gets_400(sandbox: Sandbox) -> None:
    body = _body("ratings", ANCHOR_MS, ANCHOR_MS + DAY_MS)
    response = _post(sandbox, "/v1/analytics/records", body, {"pageLimit": 301})
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid value for: query parameter pageLimit"


def test_rows_have_every_field_type(sandbox: Sandbox) -> None:
    kinds: set[str] = set()
    for record_id in RECORD_TYPES:
        body = _body(record_id, ANCHOR_MS, ANCHOR_MS + 40 * DAY_MS)
        for page in _rows(sandbox, body):
            for row in page:
                assert row["primaryTimestampField"]["timestamp"].endswith("Z")
                kinds.update(f["field"]["_type"] for f in row["fields"] if "field" in f)
                if "value" in row:
                    kinds.add(row["value"]["_type"])
    assert kinds == FIELD_TYPES


@pytest.mark.parametrize("bounds", list(Bounds), ids=lambda b: b.name.lower())
def test_interval_bounds(make_sandbox: Callable[..., Sandbox], bounds: Bounds) -> None:
    sandbox = make_sandbox(bounds=bounds)
    start, end = ANCHOR_MS + 7 * DAY_MS, ANCHOR_MS + 14 * DAY_MS
    rows = sandbox.dixa.analytics_data.rows["closed_conversations"].values()
    assert {start, end} <= {row.at for row in rows}, "rows on both bounds"

    pages = _rows(sandbox, _body("closed_conversations", start, end))

    times = {row["primaryTimestampField"]["timestamp"] for page in pages for row in page}
    assert (instant(start) in times) is bounds.value[0]
    assert (instant(end) in times) is bounds.value[1]


def test_metrics_aggregate_rows(sandbox: Sandbox) -> None:
    start, end = ANCHOR_MS, ANCHOR_MS + 7 * DAY_MS
    rows = sandbox.dixa.analytics_data.select("ratings", start, end, (True, True))
    scores = [row.number for row in rows if row.number is not None]

    response = _post(sandbox, "/v1/analytics/metrics", _body("rating_score", start, end))
    csat = _post(sandbox, "/v1/analytics/metrics", _body("csat", start, end))

    aggregates = {a["measure"]: a for a in response.json()["data"]["aggregates"]}
    assert aggregates["Count"] == {
        "value": len(rows),
        "measure": "Count",
        "_type": "LongAggregateValue",
    }
    assert aggregates["Sum"]["value"] == pytest.approx(sum(scores))
    assert aggregates["Average"]["_type"] == "DoubleAggregateValue"
    (percentage,) = csat.json()["data"]["aggregates"]
    satisfied = sum(1 for s in scores if s >= 4)
    assert percentage["value"] == pytest.approx(100 * satisfied / len(scores))


def test_metrics_refuse_measures_they_lack(sandbox: Sandbox) -> None:
    body = _body("csat", ANCHOR_MS, ANCHOR_MS + DAY_MS, aggregations=["Sum"])
    assert _post(sandbox, "/v1/analytics/metrics", body).status_code == 400


def test_empty_period_counts_zero_and_has_no_average(sandbox: Sandbox) -> None:
    body = _body("rating_score", ANCHOR_MS - 2 * DAY_MS, ANCHOR_MS - DAY_MS)
    aggregates = _post(sandbox, "/v1/analytics/metrics", body).json()["data"]["aggregates"]
    assert aggregates == [{"value": 0, "measure": "Count", "_type": "LongAggregateValue"}]


def test_filters_apply_where_they_can(sandbox: Sandbox) -> None:
    start, end = ANCHOR_MS, ANCHOR_MS + 10 * DAY_MS
    everything = _body("created_conversations", start, end)
    email = {**everything, "filters": [{"attribute": "channel", "values": ["EMAIL"]}]}
    one_agent = [{"attribute": "agent_id", "values": [sandbox.dixa.api_data.agents[0]["id"]]}]
    closed = {**_body("closed_conversations", start, end), "filters": one_agent}

    all_rows = [row for page in _rows(sandbox, everything) for row in page]
    email_rows = [row for page in _rows(sandbox, email) for row in page]
    closed_rows = [row for page in _rows(sandbox, closed) for row in page]

    channels = {
        f["field"]["value"]
        for row in email_rows
        for f in row["fields"]
        if f["name"] == "initial_channel"
    }
    assert channels == {"EMAIL"}
    assert 0 < len(email_rows) < len(all_rows)
    truth = sandbox.dixa.analytics_data.select("closed_conversations", start, end, (True, True))
    assert len(closed_rows) == len(truth), "closed_conversations has no agent_id filter"


def test_presets_resolve_around_the_data(sandbox: Sandbox) -> None:
    body = {
        "id": "created_conversations",
        "periodFilter": {"_type": "Preset", "value": {"_type": "Yesterday"}},
        "timezone": "UTC",
    }
    (count,) = _post(sandbox, "/v1/analytics/metrics", body).json()["data"]["aggregates"]
    now = sandbox.dixa.analytics_data.now_ms
    truth = sandbox.dixa.analytics_data.select(
        "created_conversations", now - DAY_MS, now, (True, False)
    )
    assert count["value"] == len(truth) > 0
