"""Retry-After, server errors, dropped connections, bad credentials and bad bodies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from sandbox.faults import (
    Delay,
    DropConnection,
    Status,
    Truncate,
    html_page,
    too_many_requests,
)
from tests.iovox.helpers import CALLS, config, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault

# The default example of the documentation, as printed: commas missing and trailing.
DOCUMENTED_EXAMPLE = b"""[
{
"id": 30683207599876,
"call_start": "2024-02-26 04:39:59",
"call_destination": "442035447179"
"talk_time_sec" : 99,
"has_recording": "TRUE",
}
]"""


def _gap_after_first_failure(sandbox: Sandbox) -> float:
    requests = sandbox.iovox.api.requests_to(CALLS)
    failed = next(i for i, r in enumerate(requests) if r.status != 200)
    return requests[failed + 1].at - requests[failed].at


def _assert_complete(sandbox: Sandbox, tmp_path: Path, fault: Fault) -> float:
    sandbox.iovox.api.faults.inject(fault, path=CALLS, skip=1)
    run = run_tap("tap-iovox", tmp_path, config(sandbox))
    assert run.returncode == 0, run.stderr
    assert run.output.ids("calls") == set(truth(sandbox))
    return _gap_after_first_failure(sandbox)


@pytest.mark.parametrize("seconds", [1, 2])
def test_429_waits_what_retry_after_says(sandbox: Sandbox, tmp_path: Path, seconds: int) -> None:
    gap = _assert_complete(sandbox, tmp_path, too_many_requests(seconds))
    assert seconds <= gap < seconds + 0.5


def test_429_retry_after_as_http_date(sandbox: Sandbox, tmp_path: Path) -> None:
    # HTTP dates have whole seconds, so "in 2 s" means between 1 and 2 s from then.
    gap = _assert_complete(sandbox, tmp_path, too_many_requests(2, http_date=True))
    assert 0.9 <= gap < 2.5


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried(sandbox: Sandbox, tmp_path: Path, status: int) -> None:
    _assert_complete(sandbox, tmp_path, Status(status, b'{"message":"Internal Server Error"}'))


def test_dropped_connection_is_retried(sandbox: Sandbox, tmp_path: Path) -> None:
    _assert_complete(sandbox, tmp_path, DropConnection())


def test_slow_answer_times_out_and_is_retried(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.iovox.api.faults.inject(Delay(3), path=CALLS, skip=1)
    run = run_tap("tap-iovox", tmp_path, config(sandbox, timeout=1))

    assert run.returncode == 0, run.stderr
    assert run.output.ids("calls") == set(truth(sandbox))
    requests = sandbox.iovox.api.requests_to(CALLS)
    assert requests[2].query == requests[1].query, "the retry asks for the same page"
    assert 1 <= requests[2].at - requests[1].at < 3, "retried after the timeout, not the answer"


@pytest.mark.parametrize("setting", ["username", "secure_key"])
def test_refused_credentials_fail_fast_naming_the_settings(
    sandbox: Sandbox, tmp_path: Path, setting: str
) -> None:
    run = run_tap("tap-iovox", tmp_path, config(sandbox, **{setting: "wrong"}))

    assert run.returncode != 0
    assert len(sandbox.iovox.api.requests) == 1, "a 401 is not retried"
    line = next(line for line in run.stderr.splitlines() if "refused the credentials" in line)
    assert "HTTP 401" in line
    assert "`username` and `secure_key`" in line
    assert "TAP_IOVOX_SECURE_KEY" in line
    assert "Traceback" not in run.stderr
    assert not run.output.records("calls")


def test_a_documented_400_stops_with_its_message(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.iovox.api.faults.inject(
        Status(400, b'{"message":"Required fields olvalid: talk_time_secs"}'), path=CALLS
    )
    run = run_tap("tap-iovox", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "HTTP 400" in line)
    assert f"calls: HTTP 400 Bad Request for GET {CALLS}" in line
    assert "Required fields olvalid: talk_time_secs" in line
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (Truncate(), "invalid JSON"),
        (html_page(), "invalid JSON"),
        (Status(200, DOCUMENTED_EXAMPLE), "invalid JSON"),
        (Status(200, b'{"calls": []}'), "expected a JSON array, got dict"),
        (Status(200, b"[1, 2]"), "expected objects, got int"),
        (Status(200, b'[{"call_start": "2025-01-02 00:00:00"}]'), "a call without `id`"),
    ],
    ids=["truncated", "html", "documented-example", "other-envelope", "not-objects", "no-id"],
)
def test_malformed_body_fails_naming_stream_and_request(
    sandbox: Sandbox, tmp_path: Path, fault: Fault, problem: str
) -> None:
    sandbox.iovox.api.faults.inject(fault, path=CALLS, skip=1)
    run = run_tap("tap-iovox", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "malformed response" in line)
    assert f"calls: malformed response to GET {CALLS}" in line
    assert problem in line
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"has_recording": "MAYBE"}, "`has_recording` is 'MAYBE', not TRUE or FALSE"),
        ({"talk_time_sec": "long"}, "`talk_time_seconds` is 'long', not an integer"),
        ({"call_end": "later"}, "`call_end` is 'later', not a time"),
    ],
    ids=["boolean", "integer", "time"],
)
def test_a_value_of_the_wrong_kind_fails_naming_the_call(
    sandbox: Sandbox, tmp_path: Path, change: dict[str, str], problem: str
) -> None:
    call = {"id": 30683207599876, "call_start": "2025-01-01 10:00:00", **change}
    sandbox.iovox.api.faults.inject(Status(200, json.dumps([call]).encode()), path=CALLS)
    run = run_tap("tap-iovox", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if problem in line)
    assert "calls: call id=30683207599876" in line
    assert "Traceback" not in run.stderr


def test_the_v3_envelope_and_string_ids_are_read_too(sandbox: Sandbox, tmp_path: Path) -> None:
    lone = {"id": "30683207599876", "call_start": "2025-01-01 10:00:00", "node_id": 2}
    body = {"response": {"results": {"result": lone}}}
    sandbox.iovox.api.faults.inject(Status(200, json.dumps(body).encode()), path=CALLS)
    run = run_tap("tap-iovox", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    record = next(r for r in run.output.records("calls") if r["id"] == 30683207599876)
    assert record["node_id"] == "2"
    assert record["call_start"] == "2025-01-01T10:00:00+00:00"
