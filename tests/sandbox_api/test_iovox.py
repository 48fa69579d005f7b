"""The simulated iovox API behaves as its documentation says."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import requests

from sandbox import Sandbox

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def iovox() -> Iterator[Sandbox]:
    with Sandbox(size=300, days=40, serve={"iovox"}) as sandbox:
        yield sandbox


def _get(sandbox: Sandbox, auth: bool = True, **params: Any) -> requests.Response:
    headers = (
        {"username": sandbox.iovox.username, "secureKey": sandbox.iovox.secure_key} if auth else {}
    )
    return requests.get(
        sandbox.urls["iovox"] + "/calls/insights", params=params, headers=headers, timeout=10
    )


def test_credentials_are_two_headers(iovox: Sandbox) -> None:
    assert _get(iovox, auth=False).status_code == 401
    wrong = requests.get(
        iovox.urls["iovox"] + "/calls/insights",
        headers={"username": iovox.iovox.username, "secureKey": "nope"},
        timeout=10,
    )
    assert wrong.status_code == 401
    assert _get(iovox).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "two"}, "Page number not an integer"),
        ({"limit": "ten"}, "Limit not an integer"),
        ({"limit": 0}, "Limit must be between 1 and 20000"),
        ({"limit": 20001}, "Limit must be between 1 and 20000"),
        ({"order": "colour_ASC"}, "Order Field Invalid"),
        ({"order": "link_category_id_ASC"}, "Order Field Invalid"),
        ({"order": "call_start_UP"}, "Order Direction Invalid"),
        ({"start_date": "2025-02-30"}, "Start Date invalid"),
        ({"end_date": "01/02/2025"}, "End Date invalid"),
        ({"response_fields": "id,talk_time_sec,x"}, "Required fields olvalid: talk_time_sec, x"),
    ],
)
def test_documented_400s(iovox: Sandbox, params: dict[str, Any], message: str) -> None:
    answer = _get(iovox, **params)
    assert answer.status_code == 400
    assert answer.json() == {"message": message}


def test_only_get_is_allowed(iovox: Sandbox) -> None:
    answer = requests.post(
        iovox.urls["iovox"] + "/calls/insights",
        headers={"username": iovox.iovox.username, "secureKey": iovox.iovox.secure_key},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {"message": "Request Method must be GET. POST attempted"}


def test_pages_of_a_bare_array_in_the_asked_order(iovox: Sandbox) -> None:
    window: dict[str, Any] = {
        "start_date": "2025-01-01",
        "end_date": "2025-01-31",
        "order": "call_start_ASC",
    }
    expected = [
        c.id for c in iovox.iovox.data.calls if c.start < 1738367999 + 1 and c.start >= 1735689600
    ]
    seen: list[int] = []
    page = 1
    while True:
        rows = _get(iovox, **window, limit=40, page=page).json()
        assert isinstance(rows, list)
        seen += [row["id"] for row in rows]
        if len(rows) < 40:
            break
        page += 1
    assert seen == expected, "time-less end_date reads as 23:59:59"
    newest_first = _get(iovox, **{**window, "order": "call_start_DESC"}, limit=3).json()
    assert [row["id"] for row in newest_first] == expected[::-1][:3]


def test_requested_names_come_back_renamed_and_nested(iovox: Sandbox) -> None:
    fields = "id,call_start,talk_time_seconds,has_recording,comment_text,node_category_id"
    row = _get(iovox, start_date="2025-01-01", response_fields=fields, limit=1).json()[0]
    assert set(row) == {
        "id",
        "call_start",
        "talk_time_sec",
        "has_recording",
        "comments",
        "categories",
    }
    assert isinstance(row["id"], int)
    assert row["has_recording"] in {"TRUE", "FALSE"}
    assert set(row["categories"]) == {
        "link_categories", "call_categories", "node_categories", "contact_categories"
    }  # fmt: skip
    default = _get(iovox, start_date="2025-01-01", limit=1).json()[0]
    assert list(default) == [
        "id", "call_start", "call_end", "call_origin", "iovox_number", "call_destination",
        "talk_time", "call_result", "node_id", "link_id", "has_recording",
    ]  # fmt: skip
    assert isinstance(default["node_id"], str)


def test_mutation_adds_calls_and_comments_to_recent_calls() -> None:
    data = Sandbox(size=100, days=10, serve={"iovox"}).iovox.data
    before = {call.id: len(call.comments) for call in data.calls}
    changes = data.mutate()
    assert changes.new_calls
    assert not set(changes.new_calls) & before.keys()
    assert changes.commented_calls
    assert all(len(data.by_id[i].comments) == before[i] + 1 for i in changes.commented_calls)
