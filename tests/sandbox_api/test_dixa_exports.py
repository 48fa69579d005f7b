"""The simulated Dixa Exports API behaves as documented."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest
import requests

from sandbox import Bounds
from sandbox.synthetic import ANCHOR_MS, DAY_MS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sandbox import Sandbox

TOKEN = "sandbox-dixa-token"


def _get(
    sandbox: Sandbox,
    path: str,
    params: Mapping[str, str | int],
    auth: str | None = f"Bearer {TOKEN}",
) -> requests.Response:
    headers = {"Authorization": auth} if auth else {}
    return requests.get(
        sandbox.urls["dixa_exports"] + path, params=params, headers=headers, timeout=10
    )


def _window(day: int, days: int = 7) -> dict[str, int]:
    return {
        "updated_after": ANCHOR_MS + day * DAY_MS,
        "updated_before": ANCHOR_MS + (day + days) * DAY_MS,
    }


@pytest.mark.parametrize(
    "auth",
    [f"Bearer {TOKEN}", TOKEN, "Basic " + base64.b64encode(f"bearer:{TOKEN}".encode()).decode()],
    ids=["bearer", "raw", "basic"],
)
def test_every_documented_auth_form_is_accepted(sandbox: Sandbox, auth: str) -> None:
    response = _get(sandbox, "/v1/conversation_export", _window(0), auth)
    assert response.status_code == 200
    assert isinstance(response.json(), list)


@pytest.mark.parametrize("auth", [None, "Bearer nope", "nope", "Basic !!"])
def test_missing_or_wrong_credentials_get_401(sandbox: Sandbox, auth: str | None) -> None:
    assert _get(sandbox, "/v1/conversation_export", _window(0), auth).status_code == 401


def test_bare_array_with_epoch_milliseconds(sandbox: Sandbox) -> None:
    body = _get(sandbox, "/v1/conversation_export", _window(0)).json()
    assert body
    assert all(isinstance(c["updated_at"], int) for c in body)
    assert all(ANCHOR_MS <= c["updated_at"] <= ANCHOR_MS + 7 * DAY_MS for c in body)


@pytest.mark.parametrize(
    "params",
    [
        {"updated_after": ANCHOR_MS},
        {"updated_before": ANCHOR_MS},
        {},
        {"updated_after": ANCHOR_MS, "updated_before": ANCHOR_MS + 31 * DAY_MS + 1},
        {"updated_after": "yesterday", "updated_before": ANCHOR_MS},
        {"updated_after": "2025-02-30", "updated_before": "2025-03-02"},
    ],
    ids=["no-before", "no-after", "none", "over-31-days", "not-a-time", "not-a-date"],
)
def test_invalid_windows_get_400(sandbox: Sandbox, params: dict[str, str | int]) -> None:
    response = _get(sandbox, "/v1/conversation_export", params)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Invalid query parameters")


def test_dates_are_utc_midnight_and_31_days_is_allowed(sandbox: Sandbox) -> None:
    dates = {"created_after": "2025-01-01", "created_before": "2025-02-01"}
    by_date = _get(sandbox, "/v1/message_export", dates)
    milliseconds = {"created_after": ANCHOR_MS, "created_before": ANCHOR_MS + 31 * DAY_MS}
    by_ms = _get(sandbox, "/v1/message_export", milliseconds)
    assert by_date.status_code == 200
    assert by_date.json() == by_ms.json()


@pytest.mark.parametrize(
    ("bounds", "start_included", "end_included"),
    [
        (Bounds.INCLUSIVE, True, True),
        (Bounds.EXCLUSIVE, False, False),
        (Bounds.HALF_OPEN, True, False),
    ],
)
def test_bound_readings(
    make_sandbox: Callable[..., Sandbox], bounds: Bounds, start_included: bool, end_included: bool
) -> None:
    sandbox = make_sandbox(bounds=bounds)
    start, end = ANCHOR_MS + 7 * DAY_MS, ANCHOR_MS + 14 * DAY_MS
    window = {"updated_after": start, "updated_before": end}
    times = {c["updated_at"] for c in _get(sandbox, "/v1/conversation_export", window).json()}
    assert (start in times) is start_included
    assert (end in times) is end_included


def test_csids_select_conversations(sandbox: Sandbox) -> None:
    ids = sorted(sandbox.dixa.exports_data.conversations)[:3]
    body = _get(sandbox, "/v1/conversation_export", {"csids": ",".join(map(str, ids))}).json()
    assert [c["id"] for c in body] == ids


def test_rate_limit_answers_429_with_retry_after(make_sandbox: Callable[..., Sandbox]) -> None:
    sandbox = make_sandbox(rate_limits=True)
    statuses = [_get(sandbox, "/v1/conversation_export", _window(0)).status_code for _ in range(10)]
    refused = _get(sandbox, "/v1/conversation_export", _window(0))

    assert statuses == [200] * 10
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_mutation_adds_and_updates_after_the_data(sandbox: Sandbox) -> None:
    data = sandbox.dixa.exports_data
    before = data.now_ms
    changes = sandbox.dixa.mutate()

    assert changes.new_conversations.isdisjoint(changes.updated_conversations)
    for conversation_id in changes.updated_conversations | changes.new_conversations:
        assert before < data.conversations[conversation_id]["updated_at"] <= data.now_ms
    for message_id in changes.new_messages:
        assert before < data.messages[message_id]["created_at"] <= data.now_ms
    window = {"updated_after": before, "updated_before": data.now_ms}
    ids = {c["id"] for c in _get(sandbox, "/v1/conversation_export", window).json()}
    assert ids == changes.updated_conversations | changes.new_conversations


def test_same_seed_same_data(make_sandbox: Callable[..., Sandbox]) -> None:
    first, second = make_sandbox(seed=3), make_sandbox(seed=3)
    assert first.dixa.exports_data.conversations == second.dixa.exports_data.conversations
    assert (
        make_sandbox(seed=4).dixa.exports_data.conversations
        != first.dixa.exports_data.conversations
    )
