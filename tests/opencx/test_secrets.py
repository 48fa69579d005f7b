"""The API key never reaches stdout, logs or STATE, even at DEBUG."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.faults import Status
from tests.opencx.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

DEBUG = {"TAP_OPENCX_LOGLEVEL": "DEBUG"}


def test_key_absent_from_output_at_debug(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.opencx.api.faults.inject(Status(503), path="/contacts")  # a retry is logged too
    run = run_tap("tap-opencx", tmp_path, config(sandbox), env=DEBUG)

    assert run.returncode == 0, run.stderr
    assert "DEBUG" in run.stderr, "the run must really log at DEBUG"
    assert "Backing off" in run.stderr
    key = sandbox.opencx.api_key
    assert key not in run.stdout
    assert key not in run.stderr
    assert all(key not in str(state) for state in run.output.states)


def test_rejected_key_absent_from_error(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = "ocx_live_s3cr3t_that_was_revoked"
    run = run_tap("tap-opencx", tmp_path, config(sandbox, api_key=secret), env=DEBUG)

    assert run.returncode != 0
    assert "HTTP 401" in run.stderr
    assert secret not in run.stdout
    assert secret not in run.stderr
