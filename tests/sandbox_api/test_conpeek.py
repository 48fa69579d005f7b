"""The simulated Conpeek API behaves as documented, and as each undocumented reading says."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import pytest
import requests

from sandbox.conpeek import DialogsAppear, IdBounds, Order, Readings

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox import Sandbox

STATISTICS = "/conversation_statistics_opened"
KEY = "sandbox-conpeek-key"


def _get(
    sandbox: Sandbox, path: str, query: str | dict[str, Any] = "", auth: str | None = KEY
) -> requests.Response:
    headers = {"Authorization": auth} if auth is not None else {}
    if isinstance(query, dict):
        query = urlencode(query)
    url = f"{sandbox.urls['conpeek']}{path}?{query}"
    return requests.get(url, headers=headers, timeout=10)


def _data(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["data"]
    rows: list[dict[str, Any]] = body["data"]
    return rows


def _filter(*conditions: tuple[str, str, object]) -> str:
    """The filter as the documentation builds it: encodeURI(JSON.stringify(list))."""
    items = [{"property": p, "operator": o, "value": v} for p, o, v in conditions]
    return "filter=" + quote(json.dumps(items, separators=(",", ":")), safe=":,")


def _seconds(text: str) -> int:
    moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def _time(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def test_raw_key_is_the_only_accepted_form(sandbox: Sandbox) -> None:
    assert _get(sandbox, STATISTICS).status_code == 200
    for auth in (None, "", f"Bearer {KEY}", "wrong"):
        assert _get(sandbox, STATISTICS, auth=auth).status_code == 401, auth


@pytest.mark.parametrize("path", [STATISTICS, "/cdr_dialog", "/callback"])
def test_data_envelope_and_utc_time_strings(sandbox: Sandbox, path: str) -> None:
    rows = _data(_get(sandbox, path, {"limit": 5}))
    assert len(rows) == 5
    field = {STATISTICS: "date", "/cdr_dialog": "start_time", "/callback": "created_date"}[path]
    assert all(_seconds(row[field]) > 0 for row in rows)


@pytest.mark.parametrize(
    ("path", "maximum"), [(STATISTICS, 100), ("/cdr_dialog", 500), ("/callback", 1000)]
)
def test_limit_defaults_to_and_caps_at_the_maximum(
    make_sandbox: Callable[..., Sandbox], path: str, maximum: int
) -> None:
    sandbox = make_sandbox(size=4400, days=20)
    assert len(_data(_get(sandbox, path))) == maximum
    assert len(_data(_get(sandbox, path, {"limit": maximum}))) == maximum
    refused = _get(sandbox, path, {"limit": maximum + 1})
    assert refused.status_code == 400
    assert f"maximum value is {maximum}" in refused.json()["message"]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 0},
        {"limit": "ten"},
        {"offset": -1},
        {"from_id": "42"},
        {"before_id": "608bdd875141c0758ca8397z"},
        {"filter": "not json"},
        {"filter": '{"property":"date","value":"2025-01-01 00:00:00"}'},
        {"filter": '[{"property":"date","operator":"gte"}]'},
        {"filter": '[{"property":"date","operator":"eq","value":"2025-01-01 00:00:00"}]'},
        {"filter": '[{"property":"date","operator":"gte","value":"2025-01-01T00:00:00Z"}]'},
        {"filter": '[{"property":"colour","operator":"gte","value":"red"}]'},
        # The documentation's own "encoded" example leaves the date unquoted: invalid JSON.
        {"filter": '[{"property":"ts","operator":"gt","value":2021-12-05 14:00:00}]'},
    ],
    ids=[
        "limit-zero", "limit-text", "negative-offset", "short-id", "non-hex-id", "not-json",
        "not-a-list", "no-value", "eq-on-a-date", "iso-date", "unknown-property", "docs-example",
    ],
)  # fmt: skip
def test_invalid_parameters_get_400(sandbox: Sandbox, query: dict[str, Any]) -> None:
    response = _get(sandbox, STATISTICS, query)
    assert response.status_code == 400
    assert response.json()["message"]


def test_filter_reads_the_documented_encoding_and_form_encoding_alike(sandbox: Sandbox) -> None:
    condition = ("date", "gte", "2025-01-10 00:00:00")
    documented = _get(sandbox, STATISTICS, _filter(condition))
    items = [{"property": "date", "operator": "gte", "value": "2025-01-10 00:00:00"}]
    form = _get(sandbox, STATISTICS, {"filter": json.dumps(items)})  # spaces as '+'
    assert "%20" in (documented.request.url or "")
    assert _data(documented) == _data(form)
    assert min(_seconds(r["date"]) for r in _data(documented)) == _seconds("2025-01-10 00:00:00")


def test_date_filters_combine_and_ts_is_the_same_property(sandbox: Sandbox) -> None:
    low, high = "2025-01-05 00:00:00", "2025-01-06 00:00:00"
    by_date = _data(_get(sandbox, STATISTICS, _filter(("date", "gte", low), ("date", "lt", high))))
    by_ts = _data(_get(sandbox, STATISTICS, _filter(("ts", "gte", low), ("ts", "lt", high))))
    truth = [
        r
        for r in sandbox.conpeek.data.statistics
        if _seconds(low) <= _seconds(r["date"]) < _seconds(high)
    ]
    assert by_date == by_ts == truth
    assert [r["date"] for r in truth[:2]] == [low, low], "two rows sit on the midnight"


def test_ids_are_object_ids_increasing_with_time(sandbox: Sandbox) -> None:
    rows = sandbox.conpeek.data.statistics
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    for row in rows:
        assert len(row["id"]) == 24
        assert int(row["id"][:8], 16) == _seconds(row["date"])


@pytest.mark.parametrize("bounds", list(IdBounds), ids=lambda b: b.value)
def test_from_id_and_before_id_bounds(
    make_sandbox: Callable[..., Sandbox], bounds: IdBounds
) -> None:
    sandbox = make_sandbox(conpeek=Readings(id_bounds=bounds))
    ids = sandbox.conpeek.data.statistic_ids
    after = [r["id"] for r in _data(_get(sandbox, STATISTICS, {"from_id": ids[10], "limit": 3}))]
    before = [
        r["id"]
        for r in _data(_get(sandbox, STATISTICS, {"from_id": ids[10], "before_id": ids[13]}))
    ]
    if bounds is IdBounds.INCLUSIVE:
        assert after == ids[10:13]
        assert before == ids[10:14]
    else:
        assert after == ids[11:14]
        assert before == ids[11:13]


@pytest.mark.parametrize("order", list(Order), ids=lambda o: o.value)
def test_order_readings(make_sandbox: Callable[..., Sandbox], order: Order) -> None:
    sandbox = make_sandbox(conpeek=Readings(order=order))
    ids = sandbox.conpeek.data.statistic_ids
    page = [r["id"] for r in _data(_get(sandbox, STATISTICS, {"from_id": ids[9], "limit": 5}))]
    second = [
        r["id"]
        for r in _data(_get(sandbox, STATISTICS, {"from_id": ids[9], "limit": 5, "offset": 5}))
    ]
    expected = {
        Order.ASCENDING: (ids[10:15], ids[15:20]),
        Order.DESCENDING: (ids[:-6:-1], ids[-6:-11:-1]),
        Order.REVERSED_PAGES: (ids[14:9:-1], ids[19:14:-1]),
    }[order]
    assert (page, second) == expected


def test_time_field_reading_renames_the_statistics_time(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sandbox = make_sandbox(conpeek=Readings(time_field="ts", extra_fields=False))
    rows = _data(_get(sandbox, STATISTICS, _filter(("date", "gte", "2025-01-10 00:00:00"))))
    assert rows
    assert all(set(r) == {"id", "ts", "project_id", "conversation_type"} for r in rows)


@pytest.mark.parametrize("appear", list(DialogsAppear), ids=lambda a: a.value)
def test_running_calls_appear_as_the_reading_says(
    make_sandbox: Callable[..., Sandbox], appear: DialogsAppear
) -> None:
    sandbox = make_sandbox(conpeek=Readings(dialogs_appear=appear))
    data = sandbox.conpeek.data
    last_hour = _filter(("start_time", "gte", _time(data.now - 3600)))
    listed = {r["dialog_uuid"]: r for r in _data(_get(sandbox, "/cdr_dialog", last_hour))}
    running = {r["dialog_uuid"] for r in listed.values() if r["hangup_time"] is None}
    if appear is DialogsAppear.AT_START:
        assert len(running) == 5
        assert all(listed[u]["talking_time"] is None for u in running)
    else:
        assert running == set()
    changes = sandbox.conpeek.mutate()
    assert running <= changes.completed_dialogs
    completed = {r["dialog_uuid"]: r for r in _data(_get(sandbox, "/cdr_dialog", last_hour))}
    assert changes.completed_dialogs <= set(completed)
    assert all(completed[u]["hangup_time"] is not None for u in changes.completed_dialogs)


def test_callbacks_sort_and_filter(sandbox: Sandbox) -> None:
    low = "2025-01-10 00:00:00"
    query = _filter(("created_date", "gte", low)) + "&sort=created_date&dir=desc&limit=20"
    rows = _data(_get(sandbox, "/callback", query))
    dates = [r["created_date"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    query = _filter(("created_date", "gte", low)) + "&sort=created_date&dir=asc"
    assert _data(_get(sandbox, "/callback", query))[0]["created_date"] == low
    assert _get(sandbox, "/callback", {"sort": "colour"}).status_code == 400
    assert _get(sandbox, "/callback", {"dir": "up"}).status_code == 400


def test_mutation_adds_later_rows_and_updates_recent_callbacks(sandbox: Sandbox) -> None:
    data = sandbox.conpeek.data
    before_now = data.now
    old_ids = set(data.statistic_ids)
    created = {c["id"]: c["created_date"] for c in data.callbacks}
    changes = sandbox.conpeek.mutate()

    statistics = data.statistics_by_id()
    assert all(_seconds(statistics[i]["date"]) > before_now for i in changes.new_statistics)
    assert min(changes.new_statistics) > max(old_ids)
    dialogs = data.dialogs_by_uuid()
    listed_new = changes.new_dialogs & set(dialogs)
    assert len(changes.new_dialogs - listed_new) == 5, "the calls still running are not listed"
    assert all(_seconds(dialogs[u]["start_time"]) > before_now for u in listed_new)
    callbacks = data.callbacks_by_id()
    assert changes.updated_callbacks
    for callback_id in changes.updated_callbacks:
        assert callbacks[callback_id]["state"] == "DONE"
        assert callbacks[callback_id]["created_date"] == created[callback_id]
        assert before_now - 86_400 <= _seconds(created[callback_id]) < before_now
    assert all(_seconds(callbacks[i]["created_date"]) > before_now for i in changes.new_callbacks)


def test_same_seed_same_data(make_sandbox: Callable[..., Sandbox]) -> None:
    first, second = make_sandbox(seed=3), make_sandbox(seed=3)
    assert first.conpeek.data.statistics == second.conpeek.data.statistics
    assert first.conpeek.data.dialogs_by_uuid() == second.conpeek.data.dialogs_by_uuid()
    assert make_sandbox(seed=4).conpeek.data.statistics != first.conpeek.data.statistics
