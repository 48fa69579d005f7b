"""Bad settings are refused before any request, in one readable line."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import pytest

from tests.conpeek.helpers import STREAMS, config
from tests.support.processes import BIN, run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"api_key": None}, "'api_key' is a required property"),
        ({"api_url": None}, "'api_url' is a required property"),
        ({"start_date": None}, "'start_date' is a required property"),
        ({"start_date": "last tuesday"}, "start_date 'last tuesday' is not a date"),
        ({"end_date": "2025-13-45"}, "end_date '2025-13-45' is not a date"),
        ({"end_date": "2024-12-31"}, "must be after start_date"),
        ({"page_size": 101}, "101 is greater than the maximum of 100"),
        ({"page_size": 0}, "0 is less than the minimum of 1"),
        ({"api_url": "api-bssserver29.cloud.conpeek.com"}, "is not an http(s) URL"),
        ({"api_url": "ftp://conpeek.example"}, "is not an http(s) URL"),
        ({"time_zone": "Mars/Olympus"}, "time_zone 'Mars/Olympus' is not an IANA time zone"),
        ({"window_hours": 0}, "0 is less than the minimum of 1"),
        ({"lookback_hours": -1}, "-1 is less than the minimum of 0"),
        ({"timeout": 0}, "0 is less than the minimum of 1"),
    ],
    ids=[
        "missing-key", "missing-url", "missing-start", "bad-start", "bad-end", "end-before-start",
        "page-too-large", "page-zero", "url-without-scheme", "url-not-http", "bad-zone",
        "window-zero", "negative-lookback", "timeout-zero",
    ],
)  # fmt: skip
def test_invalid_settings_are_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    settings = {k: v for k, v in {**config(sandbox), **change}.items() if v is not None}

    run = run_tap("tap-conpeek", tmp_path, settings)

    assert run.returncode != 0
    assert any(message in line for line in run.stderr.splitlines()), run.stderr
    assert "Traceback" not in run.stderr
    assert sandbox.conpeek.api.requests == []


def test_page_size_applies_to_every_stream(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, page_size=40))

    assert run.returncode == 0, run.stderr
    assert {r.param("limit") for r in sandbox.conpeek.api.requests} == {"40"}


def test_discovery_works_offline_without_credentials(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("{}")
    completed = subprocess.run(
        [str(BIN / "tap-conpeek"), "--config", str(tmp_path / "empty.json"), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    catalog = json.loads(completed.stdout)
    assert {s["tap_stream_id"] for s in catalog["streams"]} == set(STREAMS)


@pytest.mark.parametrize("fmt", [[], ["--format", "json"], ["--format", "markdown"]])
def test_about_lists_every_setting(fmt: list[str]) -> None:
    completed = subprocess.run(
        [str(BIN / "tap-conpeek"), "--about", *fmt], capture_output=True, text=True, check=True
    )
    for setting in (
        "api_url", "api_key", "start_date", "end_date", "page_size", "window_hours",
        "lookback_hours", "time_zone", "timeout",
    ):  # fmt: skip
        assert setting in completed.stdout


def test_settings_from_environment(sandbox: Sandbox, tmp_path: Path) -> None:
    env = {f"TAP_CONPEEK_{k.upper()}": str(v) for k, v in config(sandbox).items()}
    completed = subprocess.run(
        [str(BIN / "tap-conpeek"), "--config", "ENV", "--test"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TZ": "Asia/Kolkata", **env},
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    streams = {json.loads(line).get("stream") for line in completed.stdout.splitlines()}
    assert set(STREAMS) <= streams
    assert sandbox.conpeek.api.requests[0].headers["authorization"] == sandbox.conpeek.key
