"""Rate limits, server errors, dropped connections, bad credentials and bad bodies."""

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
from tests.conpeek.helpers import DIALOGS, STATISTICS, config, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault

STREAM = "conversation_statistics_opened"


def _gap_after_first_failure(sandbox: Sandbox) -> float:
    requests = sandbox.conpeek.api.requests_to(STATISTICS)
    failed = next(i for i, r in enumerate(requests) if r.status != 200)
    return requests[failed + 1].at - requests[failed].at


def _assert_complete(sandbox: Sandbox, tmp_path: Path, fault: Fault) -> float:
    sandbox.conpeek.api.faults.inject(fault, path=STATISTICS, skip=1)
    run = run_tap("tap-conpeek", tmp_path, config(sandbox))
    assert run.returncode == 0, run.stderr
    assert run.output.ids(STREAM) == set(truth(sandbox)[STREAM])
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
    sandbox.conpeek.api.faults.inject(Delay(3), path=STATISTICS, skip=1)
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, timeout=1))

    assert run.returncode == 0, run.stderr
    assert run.output.ids(STREAM) == set(truth(sandbox)[STREAM])
    requests = sandbox.conpeek.api.requests_to(STATISTICS)
    # The slow request is the second; its retry asks for the same page again.
    assert requests[2].query == requests[1].query
    assert 1 <= requests[2].at - requests[1].at < 3, "retried after the timeout, not the answer"
    windows = {r.param("before_id") for r in requests}
    assert len(requests) == len(windows) + 1


@pytest.mark.parametrize("status", [401, 403])
def test_refused_key_fails_fast_naming_the_setting(
    sandbox: Sandbox, tmp_path: Path, status: int
) -> None:
    if status == 401:
        settings = config(sandbox, api_key="wrong-key")
    else:
        sandbox.conpeek.api.faults.inject(Status(403, b'{"message":"Forbidden"}'))
        settings = config(sandbox)

    run = run_tap("tap-conpeek", tmp_path, settings)

    assert run.returncode != 0
    assert len(sandbox.conpeek.api.requests) == 1, f"{status} must not be retried"
    errors = [line for line in run.stderr.splitlines() if "api_key" in line]
    assert errors, run.stderr
    assert f"HTTP {status}" in errors[0]
    assert "TAP_CONPEEK_API_KEY" in errors[0]
    assert "Traceback" not in run.stderr
    assert not run.output.records(STREAM)


def test_other_client_errors_stop_with_the_api_message(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.conpeek.api.faults.inject(
        Status(400, b'{"message":"filter: unknown property \'date\'"}'), path=STATISTICS
    )
    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "HTTP 400" in line)
    assert f"GET {STATISTICS}" in line
    assert "filter: unknown property 'date'" in line
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (Truncate(), "invalid JSON"),
        (html_page(), "invalid JSON"),
        (Status(200, b'{"items": []}'), 'expected {"data": [...]}'),
        (Status(200, b'{"data": {"id": "x"}}'), 'expected {"data": [...]}'),
        (Status(200, b'{"data": [1, 2]}'), "expected objects, got int"),
        (Status(200, b'{"data": [{"date": "2025-01-02 00:00:00"}]}'), "a row without `id`"),
        (Status(200, b'{"data": [{"id": "42"}]}'), "id '42' is not an ObjectId"),
    ],
    ids=[
        "truncated",
        "html",
        "other-envelope",
        "data-not-a-list",
        "not-objects",
        "no-id",
        "bad-id",
    ],
)
def test_malformed_body_fails_naming_stream_and_request(
    sandbox: Sandbox, tmp_path: Path, fault: Fault, problem: str
) -> None:
    sandbox.conpeek.api.faults.inject(fault, path=STATISTICS, skip=1)
    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "malformed response" in line)
    assert STREAM in line
    assert f"GET {STATISTICS}" in line
    assert problem in line
    assert "Traceback" not in run.stderr


def test_a_time_that_is_not_a_time_fails_naming_the_row(sandbox: Sandbox, tmp_path: Path) -> None:
    call = dict(next(iter(truth(sandbox)["cdr_dialogs"].values())))
    call["answer_time"] = "soon"
    sandbox.conpeek.api.faults.inject(
        Status(200, json.dumps({"data": [call]}).encode()), path=DIALOGS
    )
    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "not a time" in line)
    assert f"cdr_dialogs: row dialog_uuid='{call['dialog_uuid']}'" in line
    assert "`answer_time` is 'soon'" in line
    assert "Traceback" not in run.stderr


def test_a_bare_list_is_read_as_the_rows(sandbox: Sandbox, tmp_path: Path) -> None:
    # Only conversation statistics' envelope is documented; a bare list is also accepted.
    calls = sorted(truth(sandbox)["cdr_dialogs"].values(), key=lambda c: c["start_time"])
    first_day = [c for c in calls if c["start_time"] < "2025-01-02"]
    sandbox.conpeek.api.faults.inject(Status(200, json.dumps(first_day).encode()), path=DIALOGS)

    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    assert run.output.ids("cdr_dialogs", "dialog_uuid") == {c["dialog_uuid"] for c in calls}
