"""WindowedStream against the toy API: windows, paging, checkpoints, resuming, lookback."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from conftest import START, Reply, ThingsStream, sync, toy_config, utc
from support_taps_common.errors import InvalidStateError

if TYPE_CHECKING:
    from conftest import ToyApi
    from singer_sdk.helpers.types import Context, Record


def bookmark(state: dict[str, object]) -> object:
    return state["bookmarks"]["things"].get("replication_key_value")  # type: ignore[index]


def test_every_record_once_in_order_with_a_state_after_each_window(toy_api: ToyApi) -> None:
    run = sync(toy_config(toy_api))

    records = run.records()
    assert [r["id"] for r in records] == list(range(50))
    assert records[0]["updated"] == START.isoformat()  # converted by time_to_iso
    windows = {(r["from"], r["to"]) for r in toy_api.requests}
    assert len(windows) == 8  # two days of six-hour windows
    # 25 hours of things fill the first five windows: a new bookmark after each.
    assert len({bookmark(s) for s in run.states()} - {None}) == 5
    # Each STATE follows its window's records and names the last of them.
    seen: list[dict[str, object]] = []
    for message in run.messages:
        if message["type"] == "RECORD":
            seen.append(message["record"])
        elif message["type"] == "STATE" and seen:
            assert bookmark(message["value"]) == seen[-1]["updated"]


def test_pages_through_the_sdk_paginator_until_a_short_page(toy_api: ToyApi) -> None:
    sync(toy_config(toy_api, page_size=4))

    first_window = [r for r in toy_api.requests if r["from"] == utc(START)]
    # 12 things in six hours: pages of 4, 4, 4, then an empty one ends the window.
    assert [r["page"] for r in first_window] == ["1", "2", "3", "4"]


def test_a_record_read_twice_in_a_window_is_written_once(toy_api: ToyApi) -> None:
    toy_api.things.insert(3, dict(toy_api.things[5]))  # the same thing on two pages

    run = sync(toy_config(toy_api))

    assert [r["id"] for r in run.records()] == list(range(50))


def test_records_outside_the_window_asked_for_are_left_to_their_own(toy_api: ToyApi) -> None:
    # An API that reads `to` as inclusive returns the next window's first thing too.
    toy_api.things.append({"id": 99, "updated": utc(START + timedelta(hours=6)), "name": "x"})

    run = sync(toy_config(toy_api))

    assert [r["id"] for r in run.records()].count(99) == 1


def test_resumes_after_the_bookmark_and_reads_at_most_the_boundary_again(toy_api: ToyApi) -> None:
    at = utc(START + timedelta(minutes=30 * 29))  # thing 29, in the API's own `Z` form
    state = {"bookmarks": {"things": {"replication_key": "updated", "replication_key_value": at}}}

    run = sync(toy_config(toy_api), state=state)

    assert [r["id"] for r in run.records()] == list(range(29, 50))
    assert bookmark(run.states()[-1]) == (START + timedelta(minutes=30 * 49)).isoformat()


def test_a_lookback_rereads_without_moving_the_bookmark_back(toy_api: ToyApi) -> None:
    last = START + timedelta(minutes=30 * 49)
    state = {
        "bookmarks": {
            "things": {"replication_key": "updated", "replication_key_value": last.isoformat()}
        }
    }

    run = sync(toy_config(toy_api, lookback_hours=3), state=state)

    assert [r["id"] for r in run.records()] == list(range(43, 50))
    assert {bookmark(s) for s in run.states()} == {last.isoformat()}


def test_a_lookback_advances_the_bookmark_past_new_records(toy_api: ToyApi) -> None:
    state = {
        "bookmarks": {
            "things": {
                "replication_key": "updated",
                "replication_key_value": (START + timedelta(hours=10)).isoformat(),
            }
        }
    }

    run = sync(toy_config(toy_api, lookback_hours=3), state=state)

    assert run.records()[0]["id"] == 14  # 07:00, three hours before the bookmark
    bookmarks = [datetime.fromisoformat(str(bookmark(s))) for s in run.states()]
    assert bookmarks == sorted(bookmarks)
    assert bookmarks[0] >= START + timedelta(hours=10)
    assert bookmarks[-1] == START + timedelta(minutes=30 * 49)


def test_a_bookmark_that_is_not_a_time_stops_with_one_line(toy_api: ToyApi) -> None:
    state = {"bookmarks": {"things": {"replication_key": "updated", "replication_key_value": "x"}}}

    with pytest.raises(InvalidStateError, match="things: the STATE bookmark 'x' is not a time"):
        sync(toy_config(toy_api), state=state)


def test_batch_mode_writes_no_state_ahead_of_its_batch_files(
    toy_api: ToyApi, tmp_path: object
) -> None:
    batch = {
        "encoding": {"format": "jsonl", "compression": "none"},
        "storage": {"root": f"file://{tmp_path}", "prefix": "batch-"},
        "batch_size": 7,
    }

    run = sync(toy_config(toy_api, batch_config=batch))

    kinds = [m["type"] for m in run.messages if m["type"] in {"BATCH", "STATE"}]
    assert kinds[0] == "BATCH"
    assert kinds.count("BATCH") == 8  # 50 records, 7 a file


def test_the_next_window_is_requested_while_this_one_is_written(
    toy_api: ToyApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    second_window = utc(START + timedelta(hours=6))
    requested = threading.Event()
    answer = toy_api.answer

    def watch(path: str, query: dict[str, str], key: str | None) -> Reply:
        if query.get("from") == second_window:
            requested.set()
        return answer(path, query, key)

    monkeypatch.setattr(toy_api, "answer", watch)
    waited: list[bool] = []
    post_process = ThingsStream.post_process

    def writing(self: ThingsStream, row: Record, context: Context | None = None) -> Record | None:
        if row["id"] == 11:  # the first window's last thing: the second is asked for by now
            waited.append(requested.wait(timeout=10))
        return post_process(self, row, context)

    monkeypatch.setattr(ThingsStream, "post_process", writing)

    run = sync(toy_config(toy_api))

    assert waited == [True]
    assert [r["id"] for r in run.records()] == list(range(50))
