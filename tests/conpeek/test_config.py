"""Bad settings are refused before any request, in one readable line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.conpeek.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"page_size": 101}, "101 is greater than the maximum of 100"),
        ({"page_size": 0}, "0 is less than the minimum of 1"),
        ({"api_url": "ftp://conpeek.example"}, "is not an http(s) URL"),
        ({"time_zone": "Mars/Olympus"}, "time_zone 'Mars/Olympus' is not an IANA time zone"),
        ({"window_hours": 0}, "0 is less than the minimum of 1"),
        ({"lookback_hours": -1}, "-1 is less than the minimum of 0"),
    ],
    ids=[
        "page-too-large", "page-zero", "url-not-http", "bad-zone", "window-zero",
        "negative-lookback",
    ],
)  # fmt: skip
def test_invalid_settings_are_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    # Every tap's refusals (secrets, dates, URLs, timeout) are in tests/conformance.
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, **change))

    assert run.returncode != 0
    assert any(message in line for line in run.stderr.splitlines()), run.stderr
    assert "Traceback" not in run.stderr
    assert sandbox.conpeek.api.requests == []


def test_page_size_applies_to_every_stream(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, page_size=40))

    assert run.returncode == 0, run.stderr
    assert {r.param("limit") for r in sandbox.conpeek.api.requests} == {"40"}
