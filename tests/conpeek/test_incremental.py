"""A second run from the final STATE reads what changed, and at most a lookback of the rest."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from sandbox.conpeek import DialogsAppear, IdBounds, Order, Readings
from tests.conpeek.helpers import DIALOGS, STATISTICS, config, parsed, sent_filter, truth, utc
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from sandbox import Sandbox

LOOKBACK = timedelta(hours=24)
DIALOGS_ONLY = {"stream_maps": {"conversation_statistics_opened": None, "callbacks": None}}


def _runs(sandbox: Sandbox, tmp_path: Path, **settings: Any) -> tuple[Any, Any, Any]:
    """A first run, a mutation, and a second run from the first one's STATE."""
    first = run_tap("tap-conpeek", tmp_path, config(sandbox, **settings))
    assert first.returncode == 0, first.stderr
    changes = sandbox.conpeek.mutate()
    sandbox.conpeek.api.clear_log()
    second = run_tap(
        "tap-conpeek",
        tmp_path,
        config(sandbox, **settings),
        state=first.output.final_state,
    )
    assert second.returncode == 0, second.stderr
    return first, changes, second


@pytest.mark.parametrize("bounds", list(IdBounds), ids=lambda b: b.value)
@pytest.mark.parametrize("order", [Order.ASCENDING, Order.DESCENDING], ids=lambda o: o.value)
def test_statistics_continue_after_the_last_id(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, bounds: IdBounds, order: Order
) -> None:
    sandbox = make_sandbox(conpeek=Readings(id_bounds=bounds, order=order))
    first, changes, second = _runs(sandbox, tmp_path)

    bookmark = first.output.final_state["bookmarks"]["conversation_statistics_opened"]
    delivered = [r["id"] for r in second.output.records("conversation_statistics_opened")]
    assert sorted(delivered) == sorted(changes.new_statistics), "only the new rows, once each"
    assert (
        sandbox.conpeek.api.requests_to(STATISTICS)[0].param("from_id")
        == bookmark["replication_key_value"]
    )


@pytest.mark.parametrize("appear", list(DialogsAppear), ids=lambda a: a.value)
def test_calls_that_ended_since_are_read_in_their_final_form(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, appear: DialogsAppear
) -> None:
    sandbox = make_sandbox(conpeek=Readings(dialogs_appear=appear))
    first, changes, second = _runs(sandbox, tmp_path)

    bookmark = parsed(first.output.final_state["bookmarks"]["cdr_dialogs"]["replication_key_value"])
    calls = truth(sandbox)["cdr_dialogs"]
    delivered = {r["dialog_uuid"]: r for r in second.output.records("cdr_dialogs")}
    listed_new = changes.new_dialogs & set(calls)
    assert changes.completed_dialogs | listed_new <= set(delivered)
    # The calls that were still going on started before the bookmark: the lookback finds them.
    assert any(utc(calls[u]["start_time"]) < bookmark for u in changes.completed_dialogs)
    for dialog_uuid in changes.completed_dialogs:
        assert parsed(delivered[dialog_uuid]["hangup_time"]) == utc(
            calls[dialog_uuid]["hangup_time"]
        )
    again = set(delivered) - changes.completed_dialogs - listed_new
    assert all(bookmark - LOOKBACK <= utc(calls[u]["start_time"]) for u in again)
    first_window = sent_filter(sandbox.conpeek.api.requests_to(DIALOGS)[0])[0]
    assert utc(first_window["value"]) == bookmark - LOOKBACK


def test_callbacks_that_changed_state_are_read_again(sandbox: Sandbox, tmp_path: Path) -> None:
    first, changes, second = _runs(sandbox, tmp_path)

    callbacks = truth(sandbox)["callbacks"]
    delivered = {r["id"]: r for r in second.output.records("callbacks")}
    assert changes.updated_callbacks | changes.new_callbacks <= set(delivered)
    assert {delivered[i]["state"] for i in changes.updated_callbacks} == {"DONE"}
    bookmark = parsed(first.output.final_state["bookmarks"]["callbacks"]["replication_key_value"])
    again = set(delivered) - changes.updated_callbacks - changes.new_callbacks
    assert all(bookmark - LOOKBACK <= utc(callbacks[i]["created_date"]) for i in again)


def test_a_run_with_nothing_new_keeps_its_bookmarks(sandbox: Sandbox, tmp_path: Path) -> None:
    first = run_tap("tap-conpeek", tmp_path, config(sandbox))
    assert first.returncode == 0, first.stderr

    second = run_tap("tap-conpeek", tmp_path, config(sandbox), state=first.output.final_state)

    assert second.returncode == 0, second.stderr
    assert second.output.final_state == first.output.final_state
    assert second.output.records("conversation_statistics_opened") == []


def test_start_date_applies_when_later_than_the_bookmark(sandbox: Sandbox, tmp_path: Path) -> None:
    first = run_tap("tap-conpeek", tmp_path, config(sandbox, end_date="2025-01-10"))
    later = "2025-01-20T06:00:00+05:30"
    sandbox.conpeek.api.clear_log()

    second = run_tap(
        "tap-conpeek", tmp_path, config(sandbox, start_date=later), state=first.output.final_state
    )

    assert second.returncode == 0, second.stderr
    expected = truth(sandbox)
    since = "2025-01-20 00:30:00"
    assert second.output.ids("cdr_dialogs", "dialog_uuid") == {
        u for u, c in expected["cdr_dialogs"].items() if c["start_time"] >= since
    }
    assert second.output.ids("conversation_statistics_opened") == {
        i for i, r in expected["conversation_statistics_opened"].items() if r["date"] >= since
    }


def test_the_lookback_never_moves_a_bookmark_back(sandbox: Sandbox, tmp_path: Path) -> None:
    # Two days after the data ends: the lookback re-reads a day in which nothing happened.
    later = datetime.fromtimestamp(sandbox.conpeek.data.now, tz=timezone.utc) + timedelta(days=2)
    bookmark = {"replication_key": "start_time", "replication_key_value": later.isoformat()}
    state = {"bookmarks": {"cdr_dialogs": bookmark}}

    run = run_tap("tap-conpeek", tmp_path, config(sandbox, **DIALOGS_ONLY), state=state)

    assert run.returncode == 0, run.stderr
    assert run.output.records("cdr_dialogs") == []
    final = run.output.final_state["bookmarks"]["cdr_dialogs"]["replication_key_value"]
    assert parsed(final) == later
    first_window = sent_filter(sandbox.conpeek.api.requests_to(DIALOGS)[0])[0]
    assert utc(first_window["value"]) == later - LOOKBACK
