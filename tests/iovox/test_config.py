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
        ({"response_fields": ["id", "talk_time_sec"]}, "'talk_time_sec' not among iovox's"),
        ({"lookback_days": -1}, "lookback_days"),
    ],
    ids=["page-0", "page-too-big", "zone", "fields", "lookback"],
)
def test_bad_setting_is_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    # Every tap's refusals (required settings, dates, URLs, timeout) are in tests/conformance.
    run = run_tap("tap-iovox", tmp_path, config(sandbox, **overrides))

    assert run.returncode != 0
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert sandbox.iovox.api.requests == []
