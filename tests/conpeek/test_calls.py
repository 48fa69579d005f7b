"""cdr_dialogs and callbacks against the sandbox's ground truth."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest

from sandbox.conpeek import DialogsAppear, Order, Readings
from tests.conpeek.helpers import CALLBACKS, DIALOGS, config, parsed, sent_filter, truth, utc
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox

DIALOG_TIMES = ("start_time", "alert_time", "ring_time", "answer_time", "serve_time", "hangup_time")


@pytest.mark.parametrize("order", list(Order), ids=lambda o: o.value)
@pytest.mark.parametrize("appear", list(DialogsAppear), ids=lambda a: a.value)
def test_every_call_and_callback_once_whatever_the_order(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, order: Order, appear: DialogsAppear
) -> None:
    sandbox = make_sandbox(conpeek=Readings(order=order, dialogs_appear=appear), size=600)
    expected = truth(sandbox)
    midnights = {r["start_time"] for r in expected["cdr_dialogs"].values()}
    assert sum(t.endswith("00:00:00") for t in midnights) >= 30, "calls on window boundaries"

    run = run_tap("tap-conpeek", tmp_path, config(sandbox, page_size=9))

    assert run.returncode == 0, run.stderr
    for stream, key in (("cdr_dialogs", "dialog_uuid"), ("callbacks", "id")):
        delivered = [r[key] for r in run.output.records(stream)]
        assert sorted(delivered) == sorted(expected[stream]), stream
    starts = [parsed(r["start_time"]) for r in run.output.records("cdr_dialogs")]
    assert starts == sorted(starts)
    running = [r for r in run.output.records("cdr_dialogs") if r["hangup_time"] is None]
    assert len(running) == (5 if appear is DialogsAppear.AT_START else 0)


def test_call_values_get_their_documented_types(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    calls = truth(sandbox)["cdr_dialogs"]
    checked = 0
    for record in run.output.records("cdr_dialogs"):
        sent = calls[record["dialog_uuid"]]
        for name in DIALOG_TIMES:
            if sent[name] is None:
                assert record[name] is None
                continue
            assert parsed(record[name]) == utc(sent[name]), (record["dialog_uuid"], name)
            checked += 1
        assert record["machine_detected"] is (sent["machine_detected"] == 1)
        assert record["talking_time"] == sent["talking_time"]
        assert record["waiting_time"] == sent["waiting_time"]
        assert record["project"] == sent["project"], "fields not in the schema are kept"
    assert checked > 4 * len(calls)
    assert any(r["machine_detected"] for r in run.output.records("cdr_dialogs"))


def test_callbacks_are_asked_oldest_first_in_contiguous_windows(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, window_hours=48))

    assert run.returncode == 0, run.stderr
    requests = sandbox.conpeek.api.requests_to(CALLBACKS)
    assert all(r.param("sort") == "created_date" and r.param("dir") == "asc" for r in requests)
    assert all(r.param("limit") == "1000" for r in requests)
    windows = [sent_filter(r) for r in requests]
    assert windows[0][0] == {
        "property": "created_date",
        "operator": "gte",
        "value": "2025-01-01 00:00:00",
    }
    for (_, end), (start, _) in pairwise(windows):
        assert end["operator"] == "lt"
        assert start["operator"] == "gte"
        assert start["value"] == end["value"], "each window starts where the last ended"
    spans = {utc(end["value"]) - utc(start["value"]) for start, end in windows[:-1]}
    assert spans == {timedelta(hours=48)}
    created = [parsed(r["created_date"]) for r in run.output.records("callbacks")]
    assert created == sorted(created)


def test_dialog_windows_ask_for_start_time_and_500_rows(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    for request in sandbox.conpeek.api.requests_to(DIALOGS):
        assert request.param("limit") == "500"
        assert [(c["property"], c["operator"]) for c in sent_filter(request)] == [
            ("start_time", "gte"),
            ("start_time", "lt"),
        ]


def test_a_configured_zone_reads_and_writes_the_apis_times(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # Winter in Warsaw is UTC+1: the API's "10:00:00" is then 09:00 UTC.
    run = run_tap("tap-conpeek", tmp_path, config(sandbox, time_zone="Europe/Warsaw"))

    assert run.returncode == 0, run.stderr
    calls = truth(sandbox)["cdr_dialogs"]
    records = run.output.records("cdr_dialogs")
    # start_date 2025-01-01 (UTC) is 01:00 in Warsaw: calls the API shows before are earlier.
    assert {r["dialog_uuid"] for r in records} == {
        u for u, c in calls.items() if c["start_time"] >= "2025-01-01 01:00:00"
    }
    for record in records:
        sent = utc(calls[record["dialog_uuid"]]["start_time"])
        assert parsed(record["start_time"]) == sent - timedelta(hours=1)
    first = sandbox.conpeek.api.requests_to(DIALOGS)[0]
    assert sent_filter(first)[0]["value"] == "2025-01-01 01:00:00"
