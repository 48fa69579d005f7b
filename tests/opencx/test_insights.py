"""Insights: POST /insights page by page, with the configured filters."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from sandbox.faults import Status
from sandbox.opencx import PageEcho
from sandbox.opencx.insights import select
from tests.opencx.helpers import config, discovered_catalog, select_only, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

ORDER = {"sortBy": "created_at", "sortOrder": "asc"}


@pytest.mark.parametrize("echo", list(PageEcho), ids=lambda e: e.name.lower())
def test_every_insight_once_whatever_the_page_echo(
    sandbox: Sandbox, tmp_path: Path, echo: PageEcho
) -> None:
    sandbox.opencx.readings.page_echo = echo
    sandbox.opencx.readings.insights_page_size = 4
    catalog = select_only(discovered_catalog(tmp_path), {"insights"})

    run = run_tap("tap-opencx", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    insights = run.output.records("insights")
    assert sorted(i["id"] for i in insights) == sorted(truth(sandbox.opencx.data)["insights"])
    bodies = [json.loads(r.body) for r in sandbox.opencx.api.requests_to("/insights")]
    pages = -(-len(insights) // 4)
    assert bodies == [{**ORDER, "page": n} for n in range(1, pages + 1)], "no extra request"


def test_filters_are_sent_and_select(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.opencx.readings.insights_page_size = 2
    filters = {
        "status": "all",
        "sentiment": "happy",
        "channel": "web",
        "ticketCustomData": [{"order_id": "#nope"}, {}],
    }
    catalog = select_only(discovered_catalog(tmp_path), {"insights"})

    run = run_tap(
        "tap-opencx", tmp_path, config(sandbox, insights_filters=filters), catalog=catalog
    )

    assert run.returncode == 0, run.stderr
    expected = select(sandbox.opencx.data, filters)
    assert expected, "the filters should select something"
    assert len(expected) < len(sandbox.opencx.data.insights)
    assert [i["id"] for i in run.output.records("insights")] == select(
        sandbox.opencx.data, {**filters, **ORDER}
    )
    for request in sandbox.opencx.api.requests_to("/insights"):
        assert json.loads(request.body) == {
            **filters,
            **ORDER,
            "page": json.loads(request.body)["page"],
        }


def test_an_empty_result_is_one_request(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = select_only(discovered_catalog(tmp_path), {"insights"})

    run = run_tap(
        "tap-opencx",
        tmp_path,
        config(sandbox, insights_filters={"search": "no insight says this"}),
        catalog=catalog,
    )

    assert run.returncode == 0, run.stderr
    assert run.output.records("insights") == []
    assert len(sandbox.opencx.api.requests_to("/insights")) == 1


@pytest.mark.parametrize(
    ("path", "stream", "endpoint"),
    [
        ("/insights", "insights", "POST /insights"),
        ("/handoff-analytics/events", "handoff_events", "GET /handoff-analytics/events"),
    ],
)
def test_a_removed_endpoint_fails_naming_stream_and_endpoint(
    sandbox: Sandbox, tmp_path: Path, path: str, stream: str, endpoint: str
) -> None:
    method = endpoint.split(maxsplit=1)[0]
    gone = json.dumps(
        {"statusCode": 404, "message": f"Cannot {method} {path}", "error": "Not Found"}
    )
    sandbox.opencx.api.faults.inject(Status(404, gone.encode()), path=path)

    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "HTTP 404" in line)
    assert f"{stream}: the endpoint {endpoint} answered HTTP 404" in line
    assert f"Cannot {method} {path}" in line
    assert f"Deselect the stream `{stream}`" in line
    assert "Traceback" not in run.stderr
    assert len(sandbox.opencx.api.requests_to(path)) == 1, "a 404 is not retried"


def test_a_removed_child_endpoint_names_its_template(sandbox: Sandbox, tmp_path: Path) -> None:
    session = next(iter(sandbox.opencx.data.sessions.records))
    sandbox.opencx.data.history.pop(session)  # answers 404 for this session

    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "HTTP 404" in line)
    assert "session_history: the endpoint GET /chat/sessions/{session_id}/history" in line
    assert f"for GET /chat/sessions/{session}/history" in line
