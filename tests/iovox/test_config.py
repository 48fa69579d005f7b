"""Bad settings stop the tap with one clear line, before any request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.iovox.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 20001}, "page_size"),
        ({"timezone": "Mars/Olympus"}, "timezone 'Mars/Olympus' is not an IANA time zone"),
        ({"start_date": "yesterday"}, "start_date 'yesterday' is not a date"),
        ({"end_date": "2024-12-31"}, "end_date (2024-12-31) must be after start_date"),
        ({"api_url": "rest.iovox.com"}, "api_url 'rest.iovox.com' is not an http(s) URL"),
        ({"response_fields": ["id", "talk_time_sec"]}, "'talk_time_sec' not among iovox's"),
        ({"lookback_days": -1}, "lookback_days"),
    ],
    ids=["page-0", "page-too-big", "zone", "start", "order", "url", "fields", "lookback"],
)
def test_bad_setting_is_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    run = run_tap("tap-iovox", tmp_path, config(sandbox, **overrides))

    assert run.returncode != 0
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert sandbox.iovox.api.requests == []


@pytest.mark.parametrize("missing", ["username", "secure_key", "start_date"])
def test_missing_required_setting_is_named(sandbox: Sandbox, tmp_path: Path, missing: str) -> None:
    settings = config(sandbox)
    del settings[missing]
    run = run_tap("tap-iovox", tmp_path, settings)

    assert run.returncode != 0
    assert missing in run.stderr
    assert sandbox.iovox.api.requests == []
