"""Bad settings are refused before any request, in one readable line."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import pytest

from tests.dixa.helpers import config
from tests.support.processes import BIN, run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

STREAMS = {
    "conversations", "messages", "activity_logs", "agents", "end_users", "queues",
    "queue_members", "tags", "teams", "team_members", "custom_attributes", "contact_endpoints",
    "analytics_metrics_catalogue", "analytics_records_catalogue", "analytics_filter_values",
    "analytics_records", "analytics_metrics_daily",
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"api_token": None}, "'api_token' is a required property"),
        ({"start_date": "last tuesday"}, "start_date 'last tuesday' is not a date"),
        ({"end_date": "2025-13-45"}, "end_date '2025-13-45' is not a date"),
        ({"end_date": "2024-12-31"}, "must be after start_date"),
        ({"window_days": 32}, "32 is greater than the maximum of 31"),
        ({"window_days": 0}, "0 is less than the minimum of 1"),
        ({"exports_api_url": "exports.dixa.io"}, "is not an http(s) URL"),
        ({"max_requests_per_minute": -1}, "-1 is less than the minimum of 0"),
        ({"api_url": "dev.dixa.io"}, "api_url 'dev.dixa.io' is not an http(s) URL"),
        ({"page_size": 10_001}, "10001 is greater than the maximum of 10000"),
        ({"page_size": 0}, "0 is less than the minimum of 1"),
        ({"activity_log_window_days": 0}, "0 is less than the minimum of 1"),
        ({"analytics_window_days": 0}, "0 is less than the minimum of 1"),
        ({"analytics_timezone": "Mars/Base"}, "'Mars/Base' is not an IANA time zone"),
        ({"analytics_timezone": "+01:00"}, "'+01:00' is not an IANA time zone"),
        ({"analytics_record_ids": []}, "analytics_record_ids is empty"),
        ({"analytics_metric_ids": "csat"}, "'csat' is not of type 'array'"),
        ({"max_requests_per_second": -1}, "-1 is less than the minimum of 0"),
    ],
    ids=[
        "missing-token", "bad-start", "bad-end", "end-before-start", "window-too-long",
        "window-zero", "url-without-scheme", "negative-rate", "api-url-without-scheme",
        "page-too-large", "page-zero", "activity-window-zero", "analytics-window-zero",
        "unknown-zone", "offset-not-zone", "empty-ids", "ids-not-a-list", "negative-api-rate",
    ],
)  # fmt: skip
def test_invalid_settings_are_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    settings = {k: v for k, v in {**config(sandbox), **change}.items() if v is not None}

    run = run_tap("tap-dixa", tmp_path, settings)

    assert run.returncode != 0
    assert any(message in line for line in run.stderr.splitlines()), run.stderr
    assert "Traceback" not in run.stderr
    assert sandbox.dixa.exports.requests == []
    assert sandbox.dixa.api.requests == []


def test_discovery_works_offline_without_credentials(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("{}")
    completed = subprocess.run(
        [str(BIN / "tap-dixa"), "--config", str(tmp_path / "empty.json"), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    catalog = json.loads(completed.stdout)
    assert {s["tap_stream_id"] for s in catalog["streams"]} == STREAMS


@pytest.mark.parametrize("fmt", [[], ["--format", "json"], ["--format", "markdown"]])
def test_about_lists_every_setting(fmt: list[str]) -> None:
    completed = subprocess.run(
        [str(BIN / "tap-dixa"), "--about", *fmt],
        capture_output=True,
        text=True,
        check=True,
    )
    for setting in ("api_token", "start_date", "end_date", "exports_api_url", "window_days"):
        assert setting in completed.stdout
    for setting in ("api_url", "page_size", "analytics_timezone", "max_requests_per_second"):
        assert setting in completed.stdout


def test_settings_from_environment(sandbox: Sandbox, tmp_path: Path) -> None:
    env = {f"TAP_DIXA_{k.upper()}": str(v) for k, v in config(sandbox).items()}
    completed = subprocess.run(
        [str(BIN / "tap-dixa"), "--config", "ENV", "--test"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TZ": "Asia/Kolkata", **env},
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    streams = {json.loads(line).get("stream") for line in completed.stdout.splitlines()}
    assert {"conversations", "messages"} <= streams
