"""The Exports API's rate limit and envelope (every tap's faults: tests/conformance)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sandbox.faults import (
    Status,
)
from sandbox.ratelimit import SlidingWindow
from tests.dixa.helpers import catalog, config, stopped_with
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault

CONVERSATIONS = "/v1/conversation_export"
EXPORTS = ("conversations", "messages")


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (Status(200, b'{"data": []}'), "expected a JSON array, got dict"),
        (Status(200, b"[1, 2]"), "expected objects, got int"),
    ],
    ids=["envelope", "not-objects"],
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
