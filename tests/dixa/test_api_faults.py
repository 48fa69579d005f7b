"""The Dixa API streams under faults of their own (every tap's: tests/conformance)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from sandbox.faults import (
    Status,
)
from tests.dixa.helpers import catalog, config, stopped_with
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault
    from tests.support.processes import TapRun

AGENTS = "/v1/agents"
RECORDS = "/v1/analytics/records"


def _run(sandbox: Sandbox, tmp_path: Path, *streams: str, **overrides: object) -> TapRun:
    settings = config(sandbox, page_size=7, **overrides)
    return run_tap("tap-dixa", tmp_path, settings, catalog=catalog(*streams))


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_the_same_body(
    sandbox: Sandbox, tmp_path: Path, status: int
) -> None:
    sandbox.dixa.api.faults.inject(Status(status), path=RECORDS, skip=3)
    run = _run(sandbox, tmp_path, "analytics_records", analytics_record_ids=["ratings"])

    assert run.returncode == 0, run.stderr
    assert len(run.output.records("analytics_records")) == len(
        sandbox.dixa.analytics_data.rows["ratings"]
    )
    posts = [r for r in sandbox.dixa.api.requests_to(RECORDS) if r.method == "POST"]
    failed = next(i for i, r in enumerate(posts) if r.status == status)
    assert posts[failed + 1].body == posts[failed].body
    assert posts[failed + 1].query == posts[failed].query


def _body(payload: object) -> Status:
    return Status(200, json.dumps(payload).encode())


AGENT = {"id": "0aa85d2f-1c66-4301-9ec3-5d037c12704c", "createdAt": "2024-04-23T15:32:59Z"}


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (_body([AGENT]), 'expected {"data": ...}, got list'),
        (_body({"agents": [AGENT]}), "an object without data"),
        (_body({"data": {"agents": []}}), 'expected {"data": [...]}, data is a dict'),
        (_body({"data": [1]}), "expected objects in data, got int"),
        (_body({"data": [AGENT], "meta": {"next": "/v1/agents?page=2"}}), "has no pageKey"),
    ],
    ids=["bare-array", "no-data", "data-not-a-list", "not-objects", "no-key"],
)
def test_malformed_body_fails_naming_stream_and_request(
    sandbox: Sandbox, tmp_path: Path, fault: Fault, problem: str
) -> None:
    sandbox.dixa.api.faults.inject(fault, path=AGENTS, skip=1)
    run = _run(sandbox, tmp_path, "agents")

    stopped_with(run, "agents: malformed response", f"GET {AGENTS}", problem)


def test_a_page_that_links_to_itself_stops_the_run(sandbox: Sandbox, tmp_path: Path) -> None:
    looping = _body({"data": [AGENT], "meta": {"next": "/v1/agents?pageKey=Kx%2B"}})
    sandbox.dixa.api.faults.inject(looping, path=AGENTS, times=2)
    run = _run(sandbox, tmp_path, "agents")

    assert run.returncode != 0
    assert "the next page has the same pageKey" in run.stderr
    assert [r.param("pageKey") for r in sandbox.dixa.api.requests_to(AGENTS)] == [None, "Kx+"]


@pytest.mark.parametrize(
    ("stream", "path", "payload", "problem"),
    [
        (
            "activity_logs",
            "/v1/conversations/activitylog",
            {"data": [{"id": "a", "activityTimestamp": "last tuesday"}]},
            "'last tuesday' is not an ISO-8601 date-time",
        ),
        (
            "analytics_records",
            RECORDS,
            {"data": [{"fields": []}]},
            "an analytics row without primaryTimestampField",
        ),
        (
            "analytics_metrics_daily",
            "/v1/analytics/metrics",
            {"data": {"id": "csat"}},
            'expected {"data": {"aggregates": [...]}}',
        ),
    ],
    ids=["bad-time", "row-without-timestamp", "metric-without-aggregates"],
)
def test_malformed_records_fail_naming_the_stream(
    sandbox: Sandbox, tmp_path: Path, stream: str, path: str, payload: object, problem: str
) -> None:
    # skip=1 lets the analytics catalogue (same path as the rows) through first.
    sandbox.dixa.api.faults.inject(_body(payload), path=path, skip=1)
    run = _run(sandbox, tmp_path, stream)

    stopped_with(run, f"{stream}: malformed", problem)
