"""The API token never reaches stdout, logs or STATE, even at DEBUG."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.dixa.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

DEBUG = {"TAP_DIXA_LOGLEVEL": "DEBUG"}


def test_token_absent_from_output_at_debug(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox), env=DEBUG)

    assert run.returncode == 0, run.stderr
    assert "DEBUG" in run.stderr, "the run must really log at DEBUG"
    assert sandbox.dixa.exports.requests, "the token went to the Exports API ..."
    assert len({r.path for r in sandbox.dixa.api.requests}) > 10, "... and to the Dixa API"
    token = sandbox.dixa.token
    assert token not in run.stdout
    assert token not in run.stderr
    assert all(token not in str(state) for state in run.output.states)


def test_rejected_token_absent_from_error(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = "s3cr3t-token-that-was-revoked"
    run = run_tap("tap-dixa", tmp_path, config(sandbox, api_token=secret), env=DEBUG)

    assert run.returncode != 0
    assert secret not in run.stdout
    assert secret not in run.stderr
