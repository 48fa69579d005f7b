"""Rate limits, server errors, dropped connections, timeouts, refusals and bad bodies.

Each fault strikes the second request of a stream (see `FaultTarget`); the stream must
then either deliver exactly its ground truth, or stop at once with one clear error.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest
from singer_sdk.exceptions import FatalAPIError
from support_taps_common import stream as support_stream
from support_taps_common.errors import (
    CredentialsRefusedError,
    MalformedResponseError,
    RequestFailedError,
)
from support_taps_common.retries import retry_waits

from sandbox.faults import Delay, DropConnection, Status, Truncate, html_page, too_many_requests
from tests.conformance.in_process import selecting, sync
from tests.conformance.taps import ADAPTERS
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault
    from tests.conformance.adapter import FaultTarget, TapAdapter
    from tests.conformance.in_process import Sync

TARGETS = [
    pytest.param(adapter, target, id=f"{adapter.name}-{target.stream}")
    for adapter in ADAPTERS
    for target in adapter.faults
]
every_target = pytest.mark.parametrize(("adapter", "target"), TARGETS)


def _run(adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox, **settings: Any) -> Sync:
    config = adapter.config(sandbox, **{**target.settings, **settings})
    return sync(adapter.tap_class, config, catalog=selecting(adapter.tap_class, target.stream))


def _complete_despite(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox, fault: Fault, **settings: Any
) -> float:
    """Seconds between the failed request and its retry, once the stream is complete."""
    target.api(sandbox).faults.inject(fault, path=target.path, skip=1)
    run = _run(adapter, target, sandbox, **settings)
    assert run.error is None, run.error
    assert run.output.ids(target.stream, target.key) == target.ids(sandbox)
    requests = target.api(sandbox).requests_to(target.path)
    return requests[2].at - requests[1].at


@every_target
@pytest.mark.parametrize("seconds", [1, 2])
def test_429_waits_what_retry_after_says(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox, seconds: int
) -> None:
    gap = _complete_despite(adapter, target, sandbox, too_many_requests(seconds))
    assert seconds <= gap < seconds + 0.5


@every_target
def test_429_retry_after_as_an_http_date(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox
) -> None:
    # HTTP dates have whole seconds, so "in 2 s" means between 1 and 2 s from then.
    gap = _complete_despite(adapter, target, sandbox, too_many_requests(2, http_date=True))
    assert 0.9 <= gap < 2.5


@every_target
def test_429_without_retry_after_backs_off(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox
) -> None:
    gap = _complete_despite(adapter, target, sandbox, too_many_requests())
    assert 0.5 <= gap < 1.5


@every_target
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox, status: int
) -> None:
    _complete_despite(adapter, target, sandbox, Status(status))


@every_target
def test_a_dropped_connection_is_retried(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox
) -> None:
    _complete_despite(adapter, target, sandbox, DropConnection())


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries 10 ms apart instead of seconds: what is tested is the end, not the waits."""
    monkeypatch.setattr(support_stream, "retry_waits", partial(retry_waits, first=0.01))


@every_target
@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize(
    ("fault", "settings", "failure"),
    [
        (
            DropConnection(),
            {},
            (
                "lost its connection (RemoteDisconnected: Remote end closed connection "
                "without response)"
            ),
        ),
        (Delay(3), {"timeout": 1}, "got no answer within 1 s (the `timeout` setting)"),
    ],
    ids=["dropped", "timed-out"],
)
def test_a_request_that_never_gets_an_answer_stops_naming_stream_and_request(
    adapter: TapAdapter,
    target: FaultTarget,
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    settings: dict[str, Any],
    failure: str,
) -> None:
    tries = 5
    target.api(sandbox).faults.inject(fault, path=target.path, skip=1, times=tries)

    with caplog.at_level(logging.WARNING):
        run = _run(adapter, target, sandbox, **settings)

    assert isinstance(run.error, RequestFailedError)
    message = str(run.error)
    assert message.startswith(f"{target.stream}: {target.method} {target.path} {failure}")
    assert message.endswith(f", after {tries} tries")
    assert len(target.api(sandbox).requests_to(target.path)) == 1 + tries
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Backing off")]
    assert len(retries) == tries - 1
    assert retries[0].startswith("Backing off 0.0 s before try 2 of 5: ")
    assert f"{target.stream}: {target.method} {target.path} {failure}" in retries[0]
    assert "object at 0x" not in " ".join(retries)


@every_target
def test_a_slow_answer_times_out_and_is_retried(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox
) -> None:
    gap = _complete_despite(adapter, target, sandbox, Delay(3), timeout=1)
    requests = target.api(sandbox).requests_to(target.path)
    assert requests[2].query == requests[1].query, "the timed-out request is sent again"
    assert 1 <= gap < 3, "after the 1 s timeout, not the 3 s answer"


@every_target
def test_other_client_errors_stop_with_the_api_message(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox
) -> None:
    body = b'{"message": "Invalid query parameters: csids"}'
    target.api(sandbox).faults.inject(Status(400, body), path=target.path, skip=1)

    run = _run(adapter, target, sandbox)

    assert isinstance(run.error, FatalAPIError)
    assert str(run.error) == (
        f"{target.stream}: HTTP 400 Bad Request for {target.method} {target.path}: "
        "Invalid query parameters: csids"
    )
    assert len(target.api(sandbox).requests_to(target.path)) == 2, "a 400 is not retried"


@every_target
@pytest.mark.parametrize("fault", [Truncate(), html_page()], ids=["truncated", "html"])
def test_a_body_that_is_not_json_stops_naming_stream_and_request(
    adapter: TapAdapter, target: FaultTarget, sandbox: Sandbox, fault: Fault
) -> None:
    target.api(sandbox).faults.inject(fault, path=target.path, skip=1)

    run = _run(adapter, target, sandbox)

    assert isinstance(run.error, MalformedResponseError)
    message = str(run.error)
    assert message.startswith(
        f"{target.stream}: malformed response to {target.method} {target.path}"
    )
    assert "invalid JSON" in message


@pytest.mark.parametrize(
    ("adapter", "name"),
    [pytest.param(a, name, id=f"{a.name}-{name}") for a in ADAPTERS for name in a.secrets],
)
def test_refused_credentials_stop_at_once_naming_the_setting(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path, name: str
) -> None:
    run = run_tap(adapter.name, tmp_path, adapter.config(sandbox, **{name: "wrong"}))

    assert run.returncode == 1
    assert len(adapter.requests(sandbox)) == 1, "a 401 is not retried"
    line = next(line for line in run.stderr.splitlines() if "HTTP 401" in line)
    assert f"`{name}`" in line
    assert f"{adapter.env_prefix()}{name.upper()}" in line
    assert "Traceback" not in run.stderr
    assert run.output.by_stream() == {}


def test_a_403_stops_at_once_naming_the_credentials(adapter: TapAdapter, sandbox: Sandbox) -> None:
    target = adapter.faults[0]
    target.api(sandbox).faults.inject(Status(403, b'{"message": "Forbidden"}'), path=target.path)

    run = _run(adapter, target, sandbox)

    assert isinstance(run.error, CredentialsRefusedError)
    assert "HTTP 403" in str(run.error)
    for name in adapter.secrets:
        assert f"`{name}`" in str(run.error)
        assert f"{adapter.env_prefix()}{name.upper()}" in str(run.error)
    assert len(target.api(sandbox).requests_to(target.path)) == 1, "a 403 is not retried"
