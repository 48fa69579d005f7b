"""No secret reaches stdout, the logs (at DEBUG) or STATE, refused or not."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sandbox.faults import Status
from tests.conformance.taps import ADAPTERS
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter


def test_secrets_absent_from_output_at_debug(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = adapter.config(sandbox)
    target = adapter.faults[0]
    target.api(sandbox).faults.inject(Status(503), path=target.path)  # a retry is logged too
    run = run_tap(
        adapter.name, tmp_path, settings, env={f"{adapter.env_prefix()}LOGLEVEL": "DEBUG"}
    )

    assert run.returncode == 0, run.stderr
    assert "DEBUG" in run.stderr, "the run must really log at DEBUG"
    assert "Backing off" in run.stderr
    assert {r.path for r in adapter.requests(sandbox)} >= {adapter.main.path, target.path}
    for name in adapter.secrets:
        secret = str(settings[name])
        assert secret not in run.stdout
        assert secret not in run.stderr
        assert all(secret not in str(state) for state in run.output.states)


@pytest.mark.parametrize(
    ("adapter", "name"),
    [
        pytest.param(adapter, name, id=f"{adapter.name}-{name}")
        for adapter in ADAPTERS
        for name in adapter.secrets
    ],
)
def test_a_refused_secret_is_absent_from_the_error(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path, name: str
) -> None:
    secret = f"s3cr3t-{name}-that-was-revoked"
    run = run_tap(adapter.name, tmp_path, adapter.config(sandbox, **{name: secret}))

    assert run.returncode != 0
    assert "HTTP 401" in run.stderr
    assert secret not in run.stdout
    assert secret not in run.stderr


SHAPES = {
    "trailing-newline": "s3cr3t-with-a-newline\n",
    "leading-space": " s3cr3t-with-a-space",
    "number": 918273645501,
    "empty": "",
    "blank": " \t ",
}


@pytest.mark.parametrize(
    ("adapter", "name", "shape"),
    [
        pytest.param(adapter, name, shape, id=f"{adapter.name}-{name}-{shape}")
        for adapter in ADAPTERS
        for name in adapter.secrets
        for shape in SHAPES
    ],
)
def test_a_malformed_secret_is_refused_before_any_request_naming_only_the_setting(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path, name: str, shape: str
) -> None:
    value = SHAPES[shape]
    run = run_tap(adapter.name, tmp_path, adapter.config(sandbox, **{name: value}))

    assert run.returncode != 0
    assert adapter.requests(sandbox) == [], "refused before any request"
    assert "Traceback" not in run.stderr
    reasons = ("is empty", "must be text", "has a line break")
    assert any(
        f" {name} {reason}" in f" {line}" for line in run.stderr.splitlines() for reason in reasons
    ), run.stderr
    if str(value).strip():
        assert str(value).strip() not in run.stderr


def test_a_secret_in_any_log_message_is_redacted(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    # The API echoes the credential back in its error message, as some APIs do.
    settings = adapter.config(sandbox)
    secret = str(settings[adapter.secrets[-1]])
    target = adapter.faults[0]
    body = f'{{"message": "bad filter for key {secret}"}}'.encode()
    target.api(sandbox).faults.inject(Status(400, body), path=target.path)

    run = run_tap(adapter.name, tmp_path, settings)

    assert run.returncode != 0
    assert "bad filter for key [redacted]" in run.stderr
    assert secret not in run.stderr
