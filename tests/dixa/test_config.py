"""Bad settings are refused before any request, in one readable line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.dixa.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"window_days": 32}, "32 is greater than the maximum of 31"),
        ({"window_days": 0}, "0 is less than the minimum of 1"),
        ({"max_requests_per_minute": -1}, "-1 is less than the minimum of 0"),
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
        "window-too-long", "window-zero", "negative-rate", "page-too-large", "page-zero",
        "activity-window-zero", "analytics-window-zero", "unknown-zone", "offset-not-zone",
        "empty-ids", "ids-not-a-list", "negative-api-rate",
    ],
)  # fmt: skip
def test_invalid_settings_are_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    # Every tap's refusals (required settings, dates, URLs, timeout) are in tests/conformance.
    run = run_tap("tap-dixa", tmp_path, config(sandbox, **change))

    assert run.returncode != 0
    assert any(message in line for line in run.stderr.splitlines()), run.stderr
    assert "Traceback" not in run.stderr
    assert sandbox.dixa.exports.requests == []
    assert sandbox.dixa.api.requests == []
