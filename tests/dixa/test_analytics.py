"""The Analytics API streams against the sandbox's ground truth."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from sandbox import Bounds
from sandbox.dixa.analytics_data import METRICS, RECORD_TYPES
from tests.dixa.helpers import (
    catalog,
    config,
    every_bound_reading,
    every_next_link,
    instant,
    parsed,
    stopped_with,
)
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.dixa.analytics_data import Row
    from sandbox.dixa.paging import NextLink

RECORDS = "/v1/analytics/records"
METRICS_PATH = "/v1/analytics/metrics"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
AGGREGATES: dict[str, Callable[[list[float]], float]] = {
    "Average": statistics.fmean,
    "Percentage": statistics.fmean,
    "Sum": sum,
    "Min": min,
    "Max": max,
    "StdDev": statistics.pstdev,
}


def _bodies(sandbox: Sandbox, path: str) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in sandbox.dixa.api.requests_to(path) if r.method == "POST"]


def _csid(record: dict[str, Any]) -> int:
    fields = record["fields"]
    return int(fields.get("conversation_id") or fields["csid"])


def test_catalogues_and_filter_values(sandbox: Sandbox, tmp_path: Path) -> None:
    streams = catalog(
        "analytics_metrics_catalogue", "analytics_records_catalogue", "analytics_filter_values"
    )
    run = run_tap("tap-dixa", tmp_path, config(sandbox, page_size=2), catalog=streams)

    assert run.returncode == 0, run.stderr
    assert run.output.ids("analytics_metrics_catalogue") == set(METRICS)
    assert run.output.ids("analytics_records_catalogue") == set(RECORD_TYPES)
    ratings = next(
        r for r in run.output.records("analytics_records_catalogue") if r["id"] == "ratings"
    )
    assert ratings["fieldsMetadata"][1] == {
        "field": "agent_id",
        "description": "The agent assigned to the conversation",
        "nullable": True,
    }
    data = sandbox.dixa.analytics_data
    expected = {
        (attribute, value["value"], value["label"])
        for attribute in (
            "agent_id",
            "queue_id",
            "channel",
            "initial_direction",
            "tag_id",
            "contact_point",
        )
        for value in data.filter_values(attribute) or ()
    }
    got = [
        (r["attribute"], r["value"], r["label"])
        for r in run.output.records("analytics_filter_values")
    ]
    assert sorted(got) == sorted(expected)
    requests = sandbox.dixa.api.requests
    assert sum(r.path == METRICS_PATH for r in requests) == 3, "5 metrics, 2 a page"
    assert sum(r.path == "/v1/analytics/filter/agent_id" for r in requests) >= 3
    assert all(int(r.param("pageLimit") or 0) == 2 for r in requests)


@every_next_link
@every_bound_reading
def test_every_row_once_whatever_the_bounds_and_links(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, bounds: Bounds, link: NextLink
) -> None:
    sandbox = make_sandbox(bounds=bounds)
    sandbox.dixa.next_link = link
    truth = sandbox.dixa.analytics_data.rows
    boundaries = {row.at for row in truth["ratings"].values()}
    assert {instant_ms(f"2025-01-{day:02d}") for day in (8, 15, 22)} <= boundaries

    run = run_tap(
        "tap-dixa", tmp_path, config(sandbox, page_size=20), catalog=catalog("analytics_records")
    )

    assert run.returncode == 0, run.stderr
    got = sorted((r["record_id"], _csid(r)) for r in run.output.records("analytics_records"))
    assert got == sorted((record_id, int(key)) for record_id, rows in truth.items() for key in rows)
    continued = [r for r in sandbox.dixa.api.requests_to(RECORDS) if r.param("pageKey")]
    assert len(continued) >= 2 * len(RECORD_TYPES) * 5, "windows span three pages and more"
    assert all(json.loads(r.body)["id"] for r in continued), "each page re-POSTs the body"


def instant_ms(day: str) -> int:
    return int(datetime.fromisoformat(day + "T00:00:00+00:00").timestamp() * 1000)


def _expected(row: Row) -> dict[str, Any]:
    """What a row should become, worked out here independently of the tap."""
    fields: dict[str, Any] = {}
    labels: dict[str, Any] = {}
    for pair in row.body["fields"]:
        typed = pair.get("field")
        if typed is None:
            fields[pair["name"]] = None
            continue
        kind = typed["_type"]
        if kind == "ListField":
            fields[pair["name"]] = [item["value"] for item in typed["values"]]
        elif kind == "TimestampField":
            fields[pair["name"]] = instant(row.at)
        elif kind == "InstantField":
            fields[pair["name"]] = datetime.fromisoformat(typed["value"].replace("Z", "+00:00"))
        else:
            fields[pair["name"]] = typed["value"]
        if "label" in typed:
            labels[pair["name"]] = typed["label"]
    return {"fields": fields, "labels": labels, "value": row.body.get("value")}


def test_fields_are_pivoted_by_name(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog("analytics_records"))

    assert run.returncode == 0, run.stderr
    truth = sandbox.dixa.analytics_data.rows
    kinds_seen: set[str] = set()
    for record in run.output.records("analytics_records"):
        row = truth[record["record_id"]][f"{_csid(record):09d}"]
        expected = _expected(row)
        fields = dict(record["fields"])
        for name, value in fields.items():
            if isinstance(expected["fields"][name], datetime):
                assert parsed(value) == expected["fields"][name], name
                assert value.endswith("+00:00")
                fields[name] = expected["fields"][name]
        assert fields == expected["fields"]
        assert record["labels"] == expected["labels"]
        assert record["value"] == expected["value"]
        assert parsed(record["primaryTimestamp"]) == instant(row.at)
        assert record["primaryTimestampField"] == row.body["primaryTimestampField"]["name"]
        kinds_seen.update(type(v).__name__ for v in record["fields"].values())
    assert kinds_seen == {"int", "str", "NoneType", "list", "bool", "float"}


def test_row_keys_are_unique_and_stable(sandbox: Sandbox, tmp_path: Path) -> None:
    first = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog("analytics_records"))
    second = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog("analytics_records"))

    keys = [(r["record_id"], r["row_key"]) for r in first.output.records("analytics_records")]
    assert len(keys) == len(set(keys))
    again = [(r["record_id"], r["row_key"]) for r in second.output.records("analytics_records")]
    assert sorted(keys) == sorted(again)


def test_state_per_record_id(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog("analytics_records"))

    partitions = run.output.final_state["bookmarks"]["analytics_records"]["partitions"]
    bookmarks = {p["context"]["record_id"]: p["replication_key_value"] for p in partitions}
    assert set(bookmarks) == set(RECORD_TYPES)
    for record_id, rows in sandbox.dixa.analytics_data.rows.items():
        assert parsed(bookmarks[record_id]) == instant(max(row.at for row in rows.values()))
    for record_id in RECORD_TYPES:
        times = [
            r["primaryTimestamp"]
            for r in run.output.records("analytics_records")
            if r["record_id"] == record_id
        ]
        assert times == sorted(times)


def test_configured_record_ids_are_the_only_ones_read(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(sandbox, analytics_record_ids=["ratings"])
    run = run_tap("tap-dixa", tmp_path, settings, catalog=catalog("analytics_records"))

    assert run.returncode == 0, run.stderr
    assert {r["record_id"] for r in run.output.records("analytics_records")} == {"ratings"}
    assert {body["id"] for body in _bodies(sandbox, RECORDS)} == {"ratings"}


@pytest.mark.parametrize(
    ("setting", "stream", "path"),
    [
        ("analytics_record_ids", "analytics_records", RECORDS),
        ("analytics_metric_ids", "analytics_metrics_daily", METRICS_PATH),
    ],
)
def test_unknown_configured_id_stops_naming_the_setting(
    sandbox: Sandbox, tmp_path: Path, setting: str, stream: str, path: str
) -> None:
    settings = config(sandbox, **{setting: ["ratings", "csat", "nps"]})
    run = run_tap("tap-dixa", tmp_path, settings, catalog=catalog(stream))

    stopped_with(run, setting, "'nps'", "catalogue")
    assert _bodies(sandbox, path) == [], "nothing is read before the ids are checked"


def _daily_truth(sandbox: Sandbox, zone: ZoneInfo) -> dict[tuple[str, str, str], float]:
    """(metric, day, measure) -> value, aggregated here from the sandbox's rows."""
    by_day: defaultdict[tuple[str, date], list[Row]] = defaultdict(list)
    for record_id, rows in sandbox.dixa.analytics_data.rows.items():
        for row in rows.values():
            day = datetime.fromtimestamp(row.at / 1000, zone).date()
            by_day[record_id, day].append(row)
    truth: dict[tuple[str, str, str], float] = {}
    for (record_id, day), day_rows in by_day.items():
        for metric in METRICS.values():
            if metric.record != record_id:
                continue
            numbers = [metric.observe(row.number) for row in day_rows if row.number is not None]
            for measure, _ in metric.measures:
                key = (metric.id, day.isoformat(), measure)
                if measure == "Count":
                    truth[key] = len(day_rows)
                elif numbers:
                    truth[key] = AGGREGATES[measure](numbers)
    return truth


@pytest.mark.parametrize(
    "bounds", [Bounds.INCLUSIVE, Bounds.HALF_OPEN], ids=["inclusive", "half_open"]
)
def test_daily_metrics_equal_the_rows_of_each_local_day(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path, bounds: Bounds
) -> None:
    sandbox = make_sandbox(bounds=bounds)
    settings = config(sandbox, analytics_timezone="Europe/Copenhagen", end_date="2025-02-09")

    run = run_tap("tap-dixa", tmp_path, settings, catalog=catalog("analytics_metrics_daily"))

    assert run.returncode == 0, run.stderr
    records = run.output.records("analytics_metrics_daily")
    got = {(r["metric_id"], r["day"], r["measure"]): r["value"] for r in records}
    assert len(got) == len(records)
    truth = _daily_truth(sandbox, COPENHAGEN)
    days = [date(2025, month, day).isoformat() for month, day in _days(1, 1, 2, 8)]
    expected: dict[tuple[str, str, str], float] = {}
    for metric in METRICS.values():
        for day in days:
            for measure, _ in metric.measures:
                key = (metric.id, day, measure)
                if measure == "Count":
                    expected[key] = truth.get(key, 0)  # an empty day counts 0
                elif key in truth:
                    expected[key] = truth[key]  # and has no average
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key
    assert all(r["timezone"] == "Europe/Copenhagen" for r in records)
    jan_2 = next(r for r in records if r["day"] == "2025-01-02")
    assert parsed(jan_2["period_start"]) == datetime.fromisoformat("2025-01-01T23:00:00+00:00")
    assert parsed(jan_2["period_end"]) == datetime.fromisoformat("2025-01-02T23:00:00+00:00")


def _days(month: int, day: int, last_month: int, last_day: int) -> list[tuple[int, int]]:
    days = []
    current = date(2025, month, day)
    while current <= date(2025, last_month, last_day):
        days.append((current.month, current.day))
        current = date.fromordinal(current.toordinal() + 1)
    return days


def test_daily_metric_requests(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = config(
        sandbox,
        analytics_timezone="Europe/Copenhagen",
        start_date="2025-01-03",
        end_date="2025-01-06T12:00:00+01:00",
        analytics_metric_ids=["first_response_time", "csat"],
    )
    run = run_tap("tap-dixa", tmp_path, settings, catalog=catalog("analytics_metrics_daily"))

    assert run.returncode == 0, run.stderr
    bodies = _bodies(sandbox, METRICS_PATH)
    assert [(b["id"], b["periodFilter"]["start"]) for b in bodies] == [
        (metric, f"2025-01-0{day - 1}T23:00:00.000Z")
        for metric in ("first_response_time", "csat")
        for day in (3, 4, 5)
    ], "whole local days from start_date to the last one over, per metric"
    assert bodies[0]["periodFilter"] == {
        "_type": "Interval",
        "start": "2025-01-02T23:00:00.000Z",
        "end": "2025-01-03T22:59:59.999Z",
    }
    assert bodies[0]["aggregations"] == ["Average", "Min", "Max", "StdDev"]
    assert bodies[-1]["aggregations"] == ["Percentage"]
    assert {b["timezone"] for b in bodies} == {"Europe/Copenhagen"}
    partitions = run.output.final_state["bookmarks"]["analytics_metrics_daily"]["partitions"]
    assert {p["context"]["metric_id"]: p["replication_key_value"] for p in partitions} == {
        "first_response_time": "2025-01-05",
        "csat": "2025-01-05",
    }
