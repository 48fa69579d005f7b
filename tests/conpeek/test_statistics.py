"""conversation_statistics_opened against the sandbox's ground truth, under every reading."""

from __future__ import annotations

from itertools import pairwise, product
from typing import TYPE_CHECKING

import pytest

from sandbox.conpeek import IdBounds, Order, Readings
from sandbox.synthetic import ANCHOR
from tests.conpeek.helpers import STATISTICS, config, parsed, sent_filter, utc
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox

STREAM = "conversation_statistics_opened"
ONLY_STATISTICS = {"stream_maps": {"cdr_dialogs": None, "callbacks": None}}


def _first_id_of_day(day: int) -> str:
    return f"{int(ANCHOR.timestamp()) + day * 86_400:08x}{0:016x}"


@pytest.mark.parametrize(
    ("order", "bounds"),
    list(product(Order, IdBounds)),
    ids=lambda r: r.value,
)
def test_every_row_once_whatever_the_order_and_bounds(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, order: Order, bounds: IdBounds
) -> None:
    sandbox = make_sandbox(conpeek=Readings(order=order, id_bounds=bounds), size=600)
    rows = sandbox.conpeek.data.statistics_by_id()
    # The premise: rows sit on window boundaries, two on each midnight's second.
    assert sum(1 for r in rows.values() if r["date"].endswith("00:00:00")) >= 2 * 30

    run = run_tap("tap-conpeek", tmp_path, config(sandbox, page_size=7))

    assert run.returncode == 0, run.stderr
    delivered = [r["id"] for r in run.output.records(STREAM)]
    assert sorted(delivered) == sorted(rows), "every row exactly once"
    assert delivered == sorted(delivered), "emitted in id order"
    requests = sandbox.conpeek.api.requests_to(STATISTICS)
    assert max(int(r.param("offset") or 0) for r in requests) >= 7, "windows span pages"


def test_each_window_continues_from_the_last_id_seen(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, **ONLY_STATISTICS))

    assert run.returncode == 0, run.stderr
    requests = sandbox.conpeek.api.requests_to(STATISTICS)
    first_pages = [r for r in requests if r.param("offset") == "0"]
    delivered = [r["id"] for r in run.output.records(STREAM)]
    assert first_pages[0].param("from_id") == _first_id_of_day(0)
    for day, (request, following) in enumerate(pairwise(first_pages), start=1):
        assert following.param("before_id") == _first_id_of_day(day + 1)
        seen = [i for i in delivered if i < (request.param("before_id") or "")]
        assert following.param("from_id") == (seen[-1] if seen else _first_id_of_day(day))


def test_requests_carry_the_documented_filter_and_limit(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, start_date="2025-01-03T06:00:00+05:30"))

    assert run.returncode == 0, run.stderr
    for request in sandbox.conpeek.api.requests_to(STATISTICS):
        assert request.param("limit") == "100"
        assert sent_filter(request) == [
            {"property": "date", "operator": "gte", "value": "2025-01-03 00:30:00"}
        ]
    delivered = {r["id"] for r in run.output.records(STREAM)}
    truth = sandbox.conpeek.data.statistics_by_id()
    assert delivered == {i for i, r in truth.items() if r["date"] >= "2025-01-03 00:30:00"}


@pytest.mark.parametrize("time_field", ["date", "ts"])
def test_times_become_utc_instants_under_either_name(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, time_field: str
) -> None:
    sandbox = make_sandbox(conpeek=Readings(time_field=time_field))

    run = run_tap("tap-conpeek", tmp_path, config(sandbox, **ONLY_STATISTICS))

    assert run.returncode == 0, run.stderr
    truth = sandbox.conpeek.data.statistics_by_id()
    other = {"date": "ts", "ts": "date"}[time_field]
    records = run.output.records(STREAM)
    assert {r["id"] for r in records} == set(truth)
    for record in records:
        assert record[time_field].endswith("+00:00")
        assert parsed(record[time_field]) == utc(truth[record["id"]][time_field])
        assert other not in record, "a time the API did not send is not invented"


def test_fields_the_documentation_does_not_list_are_kept(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, **ONLY_STATISTICS))

    assert run.returncode == 0, run.stderr
    truth = sandbox.conpeek.data.statistics_by_id()
    for record in run.output.records(STREAM):
        sent = truth[record["id"]]
        assert record["project"] == sent["project"]
        assert record["conversation_id"] == sent["conversation_id"]
        assert {k: v for k, v in record.items() if k != "date"} == {
            k: v for k, v in sent.items() if k != "date"
        }


def test_state_holds_the_last_id_and_its_date(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, **ONLY_STATISTICS))

    assert run.returncode == 0, run.stderr
    bookmark = run.output.final_state["bookmarks"][STREAM]
    last = max(sandbox.conpeek.data.statistics_by_id().values(), key=lambda r: r["id"])
    assert bookmark["replication_key_value"] == last["id"]
    assert parsed(bookmark["date"]) == utc(last["date"])
    # A STATE message follows every window that had rows: one per day of data.
    days = {r["date"][:10] for r in sandbox.conpeek.data.statistics}
    bookmarks = {
        s["bookmarks"][STREAM]["replication_key_value"]
        for s in run.output.states
        if STREAM in s.get("bookmarks", {})
    }
    assert len(bookmarks) >= len(days)
