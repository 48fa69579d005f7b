"""activity_logs against the sandbox's ground truth."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import TYPE_CHECKING

from sandbox.synthetic import ANCHOR_MS, DAY_MS
from tests.dixa.helpers import (
    catalog,
    config,
    every_bound_reading,
    every_next_link,
    instant,
    parsed,
)
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Bounds, Sandbox
    from sandbox.dixa.paging import NextLink

ACTIVITY_LOG = "/v1/conversations/activitylog"


def _pages_per_window(sandbox: Sandbox) -> Counter[str]:
    """How many requests each window took (a window's pages follow its first request)."""
    pages: Counter[str] = Counter()
    window = ""
    for request in sandbox.dixa.api.requests_to(ACTIVITY_LOG):
        if request.param("pageKey") is None:
            window = str(request.param("fromDatetime"))
            assert window not in pages, "each window is asked for once"
        pages[window] += 1
    return pages


@every_next_link
@every_bound_reading
def test_every_activity_once_whatever_the_bounds_and_links(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, bounds: Bounds, link: NextLink
) -> None:
    sandbox = make_sandbox(bounds=bounds)
    sandbox.dixa.next_link = link
    truth = sandbox.dixa.api_data.activity_ms
    midnights = {ANCHOR_MS + day * DAY_MS for day in range(1, 10)}
    assert midnights <= set(truth.values()), "activities sit on the window boundaries"

    run = run_tap(
        "tap-dixa", tmp_path, config(sandbox, page_size=25), catalog=catalog("activity_logs")
    )

    assert run.returncode == 0, run.stderr
    ids = [record["id"] for record in run.output.records("activity_logs")]
    assert sorted(ids) == sorted(truth)
    pages = _pages_per_window(sandbox)
    assert len(pages) == 50
    assert sum(count >= 3 for count in pages.values()) >= 30, "most days span 3 pages or more"


def test_times_become_utc_instants_and_attributes_stay_objects(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog("activity_logs"))

    assert run.returncode == 0, run.stderr
    data = sandbox.dixa.api_data
    records = run.output.records("activity_logs")
    for record in records:
        assert parsed(record["activityTimestamp"]) == instant(data.activity_ms[record["id"]])
        assert record["activityTimestamp"].endswith("+00:00")
    by_type = {record["_type"]: record for record in records}
    assigned = by_type["ConversationAssigned"]
    truth = data.activities[assigned["id"]]
    assert assigned["attributes"] == truth["attributes"]
    assert set(assigned["attributes"]) == {"agentId", "agentName"}
    assert assigned["author"] == truth["author"]
    scheduled = by_type["ConversationRatingScheduled"]
    expected = data.activities[scheduled["id"]]["attributes"]["ratingScheduledTime"]
    assert expected.endswith("[GMT]")
    assert parsed(scheduled["attributes"]["ratingScheduledTime"]) == instant(
        data.activity_ms[scheduled["id"]]
    )
    reserved = by_type["ConversationReserved"]
    assert parsed(reserved["attributes"]["validUntil"]) > parsed(reserved["activityTimestamp"])
    assert by_type["ConversationClosed"].get("attributes") is None


def test_sorted_and_checkpointed_per_window(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog("activity_logs"))

    records = run.output.records("activity_logs")
    keys = [parsed(r["activityTimestamp"]) for r in records]
    assert keys == sorted(keys)
    days_with_records = {r["activityTimestamp"][:10] for r in records}
    bookmarks = {
        state["bookmarks"]["activity_logs"].get("replication_key_value")
        for state in run.output.states
        if "activity_logs" in state.get("bookmarks", {})
    }
    assert len(bookmarks) >= len(days_with_records) == 41, "a STATE after every window"
    final = run.output.final_state["bookmarks"]["activity_logs"]["replication_key_value"]
    assert parsed(final) == max(keys)


def test_windows_are_whole_days_asked_with_a_second_to_spare(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    run = run_tap(
        "tap-dixa",
        tmp_path,
        config(sandbox, activity_log_window_days=2),
        catalog=catalog("activity_logs"),
    )

    assert run.returncode == 0, run.stderr
    asked = [
        (r.param("fromDatetime"), r.param("toDatetime"))
        for r in sandbox.dixa.api.requests_to(ACTIVITY_LOG)
        if r.param("pageKey") is None
    ]
    assert asked[0] == ("2024-12-31T23:59:59Z", "2025-01-03T00:00:01Z")
    assert asked[1] == ("2025-01-02T23:59:59Z", "2025-01-05T00:00:01Z")
    for (_, before), (after, _) in pairwise(asked):
        assert parsed(str(before).replace("Z", "+00:00")) > parsed(
            str(after).replace("Z", "+00:00")
        )
    assert all(r.param("pageLimit") == "10000" for r in sandbox.dixa.api.requests_to(ACTIVITY_LOG))
