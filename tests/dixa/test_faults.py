"""Rate limits, server errors, dropped connections, bad credentials and bad bodies.

Retries are shared by both APIs, so their tests run against each."""

from __future__ import annotations

from dataclasses import dataclass
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
from sandbox.ratelimit import SlidingWindow
from tests.dixa.helpers import catalog, config, stopped_with
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault
    from sandbox.server import Api
    from tests.support.processes import TapRun

CONVERSATIONS = "/v1/conversation_export"
EXPORTS = ("conversations", "messages")


@dataclass(frozen=True)
class Target:
    """Where a fault strikes: a stream, the path it reads, and which API serves it."""

    stream: str
    path: str
    exports: bool

    def api(self, sandbox: Sandbox) -> Api:
        return sandbox.dixa.exports if self.exports else sandbox.dixa.api

    def truth(self, sandbox: Sandbox) -> set[object]:
        if self.exports:
            return set(sandbox.dixa.exports_data.conversations)
        return {agent["id"] for agent in sandbox.dixa.api_data.agents}

    def run(self, sandbox: Sandbox, tmp_path: Path, **overrides: object) -> TapRun:
        if self.exports:
            settings = config(sandbox, **overrides)
            return run_tap("tap-dixa", tmp_path, settings, catalog=catalog(*EXPORTS))
        # Seven agents a page, so the fault strikes mid-stream.
        settings = config(sandbox, page_size=7, **overrides)
        return run_tap("tap-dixa", tmp_path, settings, catalog=catalog(self.stream))


TARGETS = [
    pytest.param(Target("conversations", CONVERSATIONS, exports=True), id="exports"),
    pytest.param(Target("agents", "/v1/agents", exports=False), id="dixa-api"),
]


def _gap_after_first_failure(sandbox: Sandbox, target: Target) -> float:
    requests = target.api(sandbox).requests_to(target.path)
    failed = next(i for i, r in enumerate(requests) if r.status != 200)
    return requests[failed + 1].at - requests[failed].at


def _assert_complete(sandbox: Sandbox, tmp_path: Path, fault: Fault, target: Target) -> float:
    target.api(sandbox).faults.inject(fault, path=target.path, skip=1)
    run = target.run(sandbox, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.output.ids(target.stream) == target.truth(sandbox)
    return _gap_after_first_failure(sandbox, target)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("seconds", [1, 2])
def test_429_waits_what_retry_after_says(
    sandbox: Sandbox, tmp_path: Path, seconds: int, target: Target
) -> None:
    gap = _assert_complete(sandbox, tmp_path, too_many_requests(seconds), target)
    assert seconds <= gap < seconds + 0.5


@pytest.mark.parametrize("target", TARGETS)
def test_429_retry_after_as_http_date(sandbox: Sandbox, tmp_path: Path, target: Target) -> None:
    # HTTP dates have whole seconds, so "in 2 s" means between 1 and 2 s from now.
    gap = _assert_complete(sandbox, tmp_path, too_many_requests(2, http_date=True), target)
    assert 0.9 <= gap < 2.5


@pytest.mark.parametrize("target", TARGETS)
def test_429_without_retry_after_backs_off(
    sandbox: Sandbox, tmp_path: Path, target: Target
) -> None:
    gap = _assert_complete(sandbox, tmp_path, too_many_requests(), target)
    assert 0.5 <= gap < 1.5


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried(
    sandbox: Sandbox, tmp_path: Path, status: int, target: Target
) -> None:
    _assert_complete(sandbox, tmp_path, Status(status), target)


@pytest.mark.parametrize("target", TARGETS)
def test_dropped_connection_is_retried(sandbox: Sandbox, tmp_path: Path, target: Target) -> None:
    _assert_complete(sandbox, tmp_path, DropConnection(), target)


@pytest.mark.parametrize("target", TARGETS)
def test_slow_answer_times_out_and_is_retried(
    sandbox: Sandbox, tmp_path: Path, target: Target
) -> None:
    target.api(sandbox).faults.inject(Delay(3), path=target.path, skip=1)
    run = target.run(sandbox, tmp_path, timeout=1)
    assert run.returncode == 0, run.stderr
    assert run.output.ids(target.stream) == target.truth(sandbox)
    requests = len(target.api(sandbox).requests_to(target.path))
    # 8 windows, or one page per 7 agents, and 1 retry
    pages = 8 if target.exports else -(-len(sandbox.dixa.api_data.agents) // 7)
    assert requests == pages + 1


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

    stopped_with(run, "conversations: malformed response", f"GET {CONVERSATIONS}", problem)


def test_throttle_keeps_the_limit_without_idling(sandbox: Sandbox, tmp_path: Path) -> None:
    # Dixa's documented 10 requests per minute, run 60 times faster.
    sandbox.dixa.exports.rate_limit = SlidingWindow(10, period=1.0)
    run = run_tap(
        "tap-dixa",
        tmp_path,
        config(sandbox, window_days=3, max_requests_per_minute=600),
        catalog=catalog(*EXPORTS),
    )

    assert run.returncode == 0, run.stderr
    requests = sandbox.dixa.exports.requests
    assert len(requests) > 20
    assert [r.status for r in requests] == [200] * len(requests), "no request was refused"
    elapsed = requests[-1].at - requests[0].at
    assert elapsed >= (len(requests) - 1) * 0.1
    assert elapsed < (len(requests) - 1) * 0.1 * 1.3 + 1


def test_without_throttle_429s_are_waited_out(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.dixa.exports.rate_limit = SlidingWindow(10, period=1.0)
    run = run_tap("tap-dixa", tmp_path, config(sandbox, window_days=3), catalog=catalog(*EXPORTS))

    assert run.returncode == 0, run.stderr
    assert 429 in {r.status for r in sandbox.dixa.exports.requests}
    assert run.output.ids("conversations") == set(sandbox.dixa.exports_data.conversations)
    assert run.output.ids("messages") == set(sandbox.dixa.exports_data.messages)
