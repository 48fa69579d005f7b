"""A second run from the final STATE reads only what changed, for the Dixa API streams."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from support_taps_common.times import parse_instant
from tap_dixa.timestamps import to_epoch_ms

from sandbox.synthetic import ANCHOR, ANCHOR_MS, DAY_MS
from tests.dixa.helpers import catalog, config, instant, parsed
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def test_activity_log_second_run_reads_what_was_added(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(sandbox)
    first = run_tap("tap-dixa", tmp_path, settings, catalog=catalog("activity_logs"))
    assert first.returncode == 0, first.stderr
    state = first.output.final_state
    bookmark = to_epoch_ms(
        parse_instant(state["bookmarks"]["activity_logs"]["replication_key_value"])
    )
    data = sandbox.dixa.api_data
    known = set(data.activity_ms)
    sandbox.dixa.mutate()
    added = set(data.activity_ms) - known
    sandbox.dixa.api.clear_log()

    second = run_tap("tap-dixa", tmp_path, settings, state=state, catalog=catalog("activity_logs"))

    assert second.returncode == 0, second.stderr
    ids = second.output.ids("activity_logs")
    assert added
    assert added <= ids
    assert all(data.activity_ms[i] == bookmark for i in ids - added), "only the bookmark again"
    first_request = sandbox.dixa.api.requests_to("/v1/conversations/activitylog")[0]
    since = parsed(str(first_request.param("fromDatetime")).replace("Z", "+00:00"))
    whole_second = instant(bookmark).replace(microsecond=0)
    assert since == whole_second - timedelta(seconds=1), "bookmark sent, a second to spare"


def test_analytics_rows_second_run_reads_what_was_added(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(sandbox)
    first = run_tap("tap-dixa", tmp_path, settings, catalog=catalog("analytics_records"))
    assert first.returncode == 0, first.stderr
    state = first.output.final_state
    partitions = state["bookmarks"]["analytics_records"]["partitions"]
    bookmarks = {
        p["context"]["record_id"]: to_epoch_ms(parse_instant(p["replication_key_value"]))
        for p in partitions
    }
    rows = sandbox.dixa.analytics_data.rows
    known = {(record_id, key) for record_id, by_key in rows.items() for key in by_key}
    sandbox.dixa.mutate()
    added = {(r, key) for r, by_key in rows.items() for key in by_key} - known
    sandbox.dixa.api.clear_log()

    second = run_tap(
        "tap-dixa", tmp_path, settings, state=state, catalog=catalog("analytics_records")
    )

    assert second.returncode == 0, second.stderr
    got = {
        (r["record_id"], f"{int(r['fields'].get('conversation_id') or r['fields']['csid']):09d}")
        for r in second.output.records("analytics_records")
    }
    assert added
    assert added <= got
    assert all(rows[r][key].at == bookmarks[r] for r, key in got - added)
    starts: dict[str, str] = {}
    for request in sandbox.dixa.api.requests_to("/v1/analytics/records"):
        if request.method == "POST":
            body = json.loads(request.body)
            starts.setdefault(body["id"], body["periodFilter"]["start"])
    for record_id, bookmark in bookmarks.items():
        since = parse_instant(starts[record_id])
        assert instant(bookmark) - since == timedelta(milliseconds=1), "bookmark sent"


def test_daily_metrics_continue_from_the_last_day(sandbox: Sandbox, tmp_path: Path) -> None:
    end = ANCHOR + timedelta(days=40)
    settings = config(
        sandbox, end_date=end.isoformat(), analytics_metric_ids=["created_conversations"]
    )
    first = run_tap("tap-dixa", tmp_path, settings, catalog=catalog("analytics_metrics_daily"))
    assert first.returncode == 0, first.stderr
    assert max(r["day"] for r in first.output.records("analytics_metrics_daily")) == "2025-02-09"
    sandbox.dixa.mutate()
    sandbox.dixa.api.clear_log()

    second = run_tap(
        "tap-dixa",
        tmp_path,
        {**settings, "end_date": (end + timedelta(days=1)).isoformat()},
        state=first.output.final_state,
        catalog=catalog("analytics_metrics_daily"),
    )

    assert second.returncode == 0, second.stderr
    counts = {r["day"]: r["value"] for r in second.output.records("analytics_metrics_daily")}
    assert set(counts) == {"2025-02-09", "2025-02-10"}, "the bookmark's day again, then new days"
    new_day = [
        row
        for row in sandbox.dixa.analytics_data.rows["created_conversations"].values()
        if ANCHOR_MS + 40 * DAY_MS <= row.at < ANCHOR_MS + 41 * DAY_MS
    ]
    assert counts["2025-02-10"] == len(new_day) > 0
