"""Bad settings are refused before any request, in one readable line."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.opencx.helpers import config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox

UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"window_days": 0}, "0 is less than the minimum of 1"),
        ({"window_days": 367}, "367 is greater than the maximum of 366"),
        ({"max_requests_per_minute": -1}, "-1 is less than the minimum of 0"),
    ],
    ids=["window-zero", "window-too-long", "negative-rate"],
)
def test_invalid_settings_are_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    # Every tap's refusals (required settings, dates, URLs, timeout) are in tests/conformance.
    run = run_tap("tap-opencx", tmp_path, config(sandbox, **change))

    assert run.returncode != 0
    assert any(message in line for line in run.stderr.splitlines()), run.stderr
    assert "Traceback" not in run.stderr
    assert sandbox.opencx.api.requests == []


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            {"status": "open"},
            (
                "'open' is not one of ['all', 'unresolved', 'resolved', 'archived'] "
                "in config['insights_filters']['status']"
            ),
        ),
        ({"sentiment": "sad"}, "'sad' is not one of ['angry', 'happy', 'neutral']"),
        ({"sessionLanguage": "xx"}, "in config['insights_filters']['sessionLanguage']"),
        ({"channel": "fax"}, "in config['insights_filters']['channel']"),
        ({"sessionStatus": "closed"}, "in config['insights_filters']['sessionStatus']"),
        ({"ticketSentiment": "meh"}, "in config['insights_filters']['ticketSentiment']"),
        ({"minSessions": 0}, "0 is less than the minimum of 1"),
        ({"insightNumber": "7"}, "'7' is not of type 'integer'"),
        ({"ticketCustomData": {"plan": "pro"}}, "is not of type 'array'"),
        ({"sortBy": "created_at"}, "('sortBy' was unexpected)"),
        ({"teamId": "support"}, "insights_filters.teamId 'support' is not a UUID or `none`"),
        ({"sessionContactId": "42"}, "insights_filters.sessionContactId '42' is not a UUID"),
        ({"sessionFromDate": "monday"}, "insights_filters.sessionFromDate 'monday' is not"),
        (
            {"sessionFromDate": "2025-02-01", "sessionToDate": "2025-01-01"},
            (
                "insights_filters.sessionToDate (2025-01-01) must be at or after "
                "insights_filters.sessionFromDate (2025-02-01)"
            ),
        ),
    ],
    ids=[
        "status", "sentiment", "language", "channel", "session-status", "ticket-sentiment",
        "min-sessions", "insight-number", "custom-data", "tap-owned-sort", "team", "contact",
        "from-date", "dates-order",
    ],
)  # fmt: skip
def test_invalid_insights_filters_are_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, filters: dict[str, Any], message: str
) -> None:
    run = run_tap("tap-opencx", tmp_path, config(sandbox, insights_filters=filters))

    assert run.returncode != 0
    assert any(message in line for line in run.stderr.splitlines()), run.stderr
    assert "Traceback" not in run.stderr
    assert sandbox.opencx.api.requests == []


def test_valid_insights_filters_are_accepted(sandbox: Sandbox, tmp_path: Path) -> None:
    filters = {
        "teamId": "none",
        "sessionContactId": UUID,
        "sessionFromDate": "2025-01-01",
        "sessionToDate": "2025-03-01T00:00:00Z",
        "contactCustomData": [{"plan": "pro"}],
        "minSessions": 2**53 - 1,
    }

    run = run_tap("tap-opencx", tmp_path, config(sandbox, insights_filters=filters))

    assert run.returncode == 0, run.stderr
    assert run.output.records("insights") == []
    assert json.loads(sandbox.opencx.api.requests_to("/insights")[0].body)["teamId"] == "none"
