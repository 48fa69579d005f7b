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
