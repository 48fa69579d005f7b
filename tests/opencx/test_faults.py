"""Open CX's rate limit, key scopes, NestJS errors and envelopes.

What every tap does with 429s, 5xx, drops, timeouts, 401s and non-JSON bodies is in
tests/conformance.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import pytest

from sandbox.faults import Status
from sandbox.ratelimit import SlidingWindow
from tests.opencx.helpers import config, discovered_catalog, select_only
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault
    from tests.support.processes import TapRun

CONTACTS = "/contacts"


def _contacts_run(
    sandbox: Sandbox,
    tmp_path: Path,
    fault: Fault | None = None,
    **settings: Any,
) -> TapRun:
    """Sync contacts alone, with `fault` on the second request (injected just before)."""
    catalog = select_only(discovered_catalog(tmp_path), {"contacts"})
    if fault is not None:
        sandbox.opencx.api.faults.inject(fault, path=CONTACTS, skip=1)
    return run_tap("tap-opencx", tmp_path, config(sandbox, **settings), catalog=catalog)


def test_throttle_keeps_the_limit_without_idling(sandbox: Sandbox, tmp_path: Path) -> None:
    # 10 requests a second, which an unspaced burst would break at once.
    sandbox.opencx.api.rate_limit = SlidingWindow(10, period=1.0)
    run = _contacts_run(sandbox, tmp_path, max_requests_per_minute=600)

    assert run.returncode == 0, run.stderr
    requests = sandbox.opencx.api.requests
    assert len(requests) > 10, "the premise: an unspaced run would break the limit"
    assert [r.status for r in requests] == [200] * len(requests), "no request was refused"
    elapsed = requests[-1].at - requests[0].at
    assert elapsed >= (len(requests) - 1) * 0.1
    assert elapsed < (len(requests) - 1) * 0.1 * 1.3 + 1


def test_the_sandbox_rate_limit_is_waited_out(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.opencx.api.rate_limit = SlidingWindow(8, period=1.0)

    run = _contacts_run(sandbox, tmp_path)

    assert run.returncode == 0, run.stderr
    assert run.output.ids("contacts") == set(sandbox.opencx.data.contacts.records)
    statuses = [r.status for r in sandbox.opencx.api.requests_to(CONTACTS)]
    refused = statuses.count(429)
    assert refused >= 1, "the premise: the run outpaces the limit"
    # Each refusal is followed by a request that gets through: the wait was enough.
    assert all(b == 200 for a, b in pairwise(statuses) if a == 429)


def test_key_without_scope_names_the_setting_and_stream(sandbox: Sandbox, tmp_path: Path) -> None:
    # Streams sync in name order: contacts (in scope), then handoff_events (not).
    run = run_tap("tap-opencx", tmp_path, config(sandbox, api_key=sandbox.opencx.scoped_key))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "HTTP 403" in line)
    assert "Open CX refused handoff_events" in line
    assert "API key is missing the handoff-analytics:read scope" in line
    assert "`api_key` setting" in line
    assert "deselect the stream `handoff_events`" in line
    assert [r.status for r in sandbox.opencx.api.requests].count(403) == 1


def test_other_client_errors_stop_with_the_api_message(sandbox: Sandbox, tmp_path: Path) -> None:
    nest = {"statusCode": 400, "message": ["a is wrong", "b too"], "error": "Bad Request"}

    run = _contacts_run(sandbox, tmp_path, Status(400, json.dumps(nest).encode()))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "HTTP 400" in line)
    assert f"contacts: HTTP 400 Bad Request for GET {CONTACTS}: a is wrong; b too" in line
    assert "Traceback" not in run.stderr


def _session_page(sandbox: Sandbox, **changes: Any) -> bytes:
    session = {**next(iter(sandbox.opencx.data.sessions.records.values())), **changes}
    return json.dumps({"items": [session], "next": None}).encode()


@pytest.mark.parametrize(
    ("path", "fault", "problem"),
    [
        ("/chat/sessions", Status(200, b'{"data": []}'), 'expected {"items": [...], "next": ...}'),
        ("/chat/sessions", Status(200, b'{"items": []}'), "got ['items']"),
        ("/chat/sessions", Status(200, b'{"items": [1], "next": null}'), "expected objects"),
        ("/insights", Status(200, b'{"items": [], "next": null}'), '"totalPages": int'),
        ("/insights", Status(200, b'{"data": [], "totalPages": "1"}'), '"totalPages": int'),
        ("/csat/", Status(200, b"[]"), "expected an object or null, got list"),
    ],
    ids=[
        "other-envelope", "no-next", "not-objects", "insights-envelope",
        "insights-pages", "csat-list",
    ],
)  # fmt: skip
def test_malformed_body_fails_naming_stream_and_request(
    sandbox: Sandbox, tmp_path: Path, path: str, fault: Fault, problem: str
) -> None:
    if path == "/csat/":
        path = f"/csat/scores/session/{min(sandbox.opencx.data.sessions.records)}"
    sandbox.opencx.api.faults.inject(fault, path=path)
    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "malformed response" in line)
    method = "POST" if path == "/insights" else "GET"
    assert f"malformed response to {method} {path}" in line
    assert problem in line
    assert "Traceback" not in run.stderr


def test_a_time_that_does_not_parse_names_stream_and_record(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    body = _session_page(sandbox, updated_at="yesterday")
    sandbox.opencx.api.faults.inject(Status(200, body), path="/chat/sessions")

    run = run_tap("tap-opencx", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "ISO-8601" in line)
    assert "sessions: updated_at 'yesterday' of {'id': " in line
