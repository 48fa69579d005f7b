"""Every call exactly once, normalised, over many pages and windows, whatever the bounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.iovox.helpers import CALLS, catalog, config, instant, parsed, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


@pytest.mark.parametrize("end_inclusive", [True, False], ids=["end-inclusive", "end-exclusive"])
def test_every_call_once_over_pages_and_windows(
    sandbox: Sandbox, tmp_path: Path, end_inclusive: bool
) -> None:
    sandbox.iovox.readings.end_inclusive = end_inclusive
    run = run_tap("tap-iovox", tmp_path, config(sandbox, page_size=3))

    assert run.returncode == 0, run.stderr
    records = run.output.records("calls")
    assert [r["id"] for r in records] == sorted(
        truth(sandbox), key=lambda i: (truth(sandbox)[i].start, str(i))
    ), "every call once, in call_start order"
    pages = [int(r.param("page") or 0) for r in sandbox.iovox.api.requests_to(CALLS)]
    assert max(pages) >= 3, "some windows needed three pages or more"
    midnights = {r["id"] for r in records if r["call_start"].endswith("T00:00:00+00:00")}
    assert len(midnights) >= 30, "calls exactly on window boundaries are delivered"


def test_values_are_normalised(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-iovox", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    calls = truth(sandbox)
    for record in run.output.records("calls"):
        call = calls[record["id"]]
        assert parsed(record["call_start"]) == instant(call.start)
        assert parsed(record["call_end"]) == instant(call.end)
        assert record["talk_time_seconds"] == call.fields["talk_time_sec"]
        assert record["call_time_seconds"] == call.fields["call_time_sec"]
        assert "talk_time_sec" not in record
        assert record["has_recording"] is (call.fields["has_recording"] == "TRUE")
        assert record["node_id"] == call.fields["node_id"]
        assert isinstance(record["link_id"], str)
        assert [parsed(c["created"]) for c in record["comments"]] == [
            instant(c["created"]) for c in call.comments
        ]
        assert [parsed(t["due_date"]) for t in record["tasks"]] == [
            instant(t["due_date"]) for t in call.tasks
        ]
        assert record["transcriptions"] == call.transcriptions
        assert record["keyword_rules"] == call.keyword_rules
        assert record["categories"] == call.categories
        assert [t["colour"] for t in record["tags"]] == [t["colour"] for t in call.tags]


def test_selected_fields_become_response_fields(sandbox: Sandbox, tmp_path: Path) -> None:
    deselect = ("transcriptions", "categories", "talk_time_seconds", "call_origin")
    run = run_tap(
        "tap-iovox", tmp_path, config(sandbox), catalog=catalog(tmp_path, deselect=deselect)
    )

    assert run.returncode == 0, run.stderr
    asked = {
        name
        for request in sandbox.iovox.api.requests_to(CALLS)
        for name in (request.param("response_fields") or "").split(",")
    }
    assert {"id", "call_start", "call_end", "comment_text", "tag_colour", "has_recording"} <= asked
    assert not asked & {"transcription_phrases", "node_category_id", "talk_time_seconds"}
    assert "call_origin" not in asked
    records = run.output.records("calls")
    assert {r["id"] for r in records} == set(truth(sandbox))
    assert not any(
        {"transcriptions", "categories", "talk_time_seconds"} & r.keys() for r in records
    )


def test_configured_response_fields_are_sent_with_the_keys(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = config(sandbox, response_fields=["call_end", "comment_text"])
    run = run_tap("tap-iovox", tmp_path, settings)

    assert run.returncode == 0, run.stderr
    sent = {r.param("response_fields") for r in sandbox.iovox.api.requests_to(CALLS)}
    assert sent == {"id,call_start,call_end,comment_text"}
    record = run.output.records("calls")[0]
    assert set(record) == {"id", "call_start", "call_end", "comments"}
