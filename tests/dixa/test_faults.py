"""Rate limits, server errors, dropped connections, bad credentials and bad bodies."""

from __future__ import annotations

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
from tests.dixa.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault

CONVERSATIONS = "/v1/conversation_export"


def _gap_after_first_failure(sandbox: Sandbox) -> float:
    requests = sandbox.dixa.exports.requests_to(CONVERSATIONS)
    failed = next(i for i, r in enumerate(requests) if r.status != 200)
    return requests[failed + 1].at - requests[failed].at


def _assert_complete(sandbox: Sandbox, tmp_path: Path, fault: Fault) -> float:
    sandbox.dixa.exports.faults.inject(fault, path=CONVERSATIONS, skip=1)
    run = run_tap("tap-dixa", tmp_path, config(sandbox))
    assert run.returncode == 0, run.stderr
    assert run.output.ids("conversations") == set(sandbox.dixa.exports_data.conversations)
    return _gap_after_first_failure(sandbox)


@pytest.mark.parametrize("seconds", [1, 2])
def test_429_waits_what_retry_after_says(sandbox: Sandbox, tmp_path: Path, seconds: int) -> None:
    gap = _assert_complete(sandbox, tmp_path, too_many_requests(seconds))
    assert seconds <= gap < seconds + 0.5


def test_429_retry_after_as_http_date(sandbox: Sandbox, tmp_path: Path) -> None:
    # HTTP dates have whole seconds, so "in 2 s" means between 1 and 2 s from now.
    gap = _assert_complete(sandbox, tmp_path, too_many_requests(2, http_date=True))
    assert 0.9 <= gap < 2.5


def test_429_without_retry_after_backs_off(sandbox: Sandbox, tmp_path: Path) -> None:
    gap = _assert_complete(sandbox, tmp_path, too_many_requests())
    assert 0.5 <= gap < 1.5


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried(sandbox: Sandbox, tmp_path: Path, status: int) -> None:
    _assert_complete(sandbox, tmp_path, Status(status))


def test_dropped_connection_is_retried(sandbox: Sandbox, tmp_path: Path) -> None:
    _assert_complete(sandbox, tmp_path, DropConnection())


def test_slow_answer_times_out_and_is_retried(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.dixa.exports.faults.inject(Delay(3), path=CONVERSATIONS, skip=1)
    run = run_tap("tap-dixa", tmp_path, config(sandbox, timeout=1))
    assert run.returncode == 0, run.stderr
    assert run.output.ids("conversations") == set(sandbox.dixa.exports_data.conversations)
    assert len(sandbox.dixa.exports.requests_to(CONVERSATIONS)) == 9  # 8 windows + 1 retry


def test_bad_token_fails_fast_naming_the_setting(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox, api_token="wrong-token"))

    assert run.returncode != 0
    requests = [*sandbox.dixa.exports.requests, *sandbox.dixa.api.requests]
    assert len(requests) == 1, "401 must not be retried"
    errors = [line for line in run.stderr.splitlines() if "api_token" in line]
    assert errors, run.stderr
    assert "HTTP 401" in errors[0]
    assert "Traceback" not in run.stderr
    assert not run.output.records("conversations")


def test_other_client_errors_stop_with_the_api_message(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.dixa.exports.faults.inject(
        Status(400, b'{"message":"Invalid query parameters: csids"}'), path=CONVERSATIONS
    )
    run = run_tap("tap-dixa", tmp_path, config(sandbox))

    assert run.returncode != 0
    assert "HTTP 400" in run.stderr
    assert "Invalid query parameters: csids" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (Truncate(), "invalid JSON"),
        (html_page(), "invalid JSON"),
        (Status(200, b'{"data": []}'), "expected a JSON array, got dict"),
        (Status(200, b"[1, 2]"), "expected objects, got int"),
    ],
    ids=["truncated", "html", "envelope", "not-objects"],
)
def test_malformed_body_fails_naming_stream_and_request(
    sandbox: Sandbox, tmp_path: Path, fault: Fault, problem: str
) -> None:
    sandbox.dixa.exports.faults.inject(fault, path=CONVERSATIONS, skip=1)
    run = run_tap("tap-dixa", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "malformed response" in line)
    assert "conversations" in line
    assert f"GET {CONVERSATIONS}" in line
    assert problem in line
    assert "Traceback" not in run.stderr
