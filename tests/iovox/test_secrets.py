"""The secure key never reaches stdout, logs or STATE, even at DEBUG."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.iovox.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

DEBUG = {"TAP_IOVOX_LOGLEVEL": "DEBUG"}


def test_secure_key_absent_from_output_at_debug(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-iovox", tmp_path, config(sandbox), env=DEBUG)

    assert run.returncode == 0, run.stderr
    assert "DEBUG" in run.stderr, "the run must really log at DEBUG"
    key = sandbox.iovox.secure_key
    assert sandbox.iovox.api.requests[0].headers["securekey"] == key
    assert key not in run.stdout
    assert key not in run.stderr
    assert all(key not in str(state) for state in run.output.states)


def test_rejected_key_absent_from_error(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = "s3cr3t-key-that-was-revoked"
    run = run_tap("tap-iovox", tmp_path, config(sandbox, secure_key=secret), env=DEBUG)

    assert run.returncode != 0
    assert "secure_key" in run.stderr
    assert secret not in run.stdout
    assert secret not in run.stderr
