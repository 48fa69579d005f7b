"""The Dagster code location: accounts in parallel, monthly backfills, the hand-over.

Each test runs Dagster for real (`dagster asset materialize`, one process per run, as a
run launcher starts them) against a user's project, with STATE in Meltano's system
database and Dagster's storage both in the throwaway PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import dagster as dg
from support_taps_dagster.definitions import build_definitions
from support_taps_dagster.limits import LIMITS

from sandbox import dixa, opencx
from sandbox.fault_specs import EVERY
from sandbox.faults import Status
from tests.dixa.adapter import DIXA
from tests.iovox.adapter import IOVOX
from tests.support.dagster import orchestrated_project

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest

    from sandbox import Sandbox
    from tests.support.dagster import Orchestrated
    from tests.support.postgres import PostgresServer

ACCOUNTS = ("a", "b", "c", "d")
CALLS = IOVOX.main


def _ids(orchestrated: Orchestrated, table: str) -> list[Any]:
    with orchestrated.postgres.connect() as connection:
        rows = connection.execute(f"select id from {table}".encode()).fetchall()
    return [row[0] for row in rows]


def _calls(orchestrated: Orchestrated, schema: str) -> list[int]:
    return [int(call) for call in _ids(orchestrated, f"{schema}.calls")]


def _steps(orchestrated: Orchestrated) -> list[tuple[float, float]]:
    """When each run's step started and ended."""
    with dg.DagsterInstance.from_config(str(orchestrated.home)) as instance:
        spans = []
        for record in instance.get_run_records():
            events = instance.all_logs(record.dagster_run.run_id)
            started = [
                e.timestamp
                for e in events
                if e.dagster_event_type == dg.DagsterEventType.STEP_START
            ]
            ended = [e.timestamp for e in events if e.dagster_event_type in {
                dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}]  # fmt: skip
            if started and ended:
                spans.append((min(started), max(ended)))
    return spans


def _overlap(spans: list[tuple[float, float]]) -> bool:
    """Every span was running at one same moment."""
    return max(start for start, _ in spans) < min(end for _, end in spans)


def _most_at_once(spans: list[tuple[float, float]]) -> int:
    """The most spans running at one moment."""
    return max(sum(s <= start < e for s, e in spans) for start, _ in spans)


def test_definitions_follow_meltano_yml(
    orchestrated: Orchestrated, make_sandbox: Callable[..., Sandbox]
) -> None:
    sandbox = make_sandbox(serve={"iovox"}, size=20, days=60)
    orchestrated.declare_account(IOVOX, "tap-iovox", sandbox)
    orchestrated.declare_account(
        IOVOX, "tap-iovox--eu", sandbox, parent="tap-iovox", fields={"load_schema": "tap_iovox_eu"}
    )

    defs = build_definitions(orchestrated.project.folder)
    assets = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}

    assert assets == {"tap_iovox", "tap_iovox_backfill", "tap_iovox__eu", "tap_iovox__eu_backfill"}
    backfill = defs.get_assets_def("tap_iovox__eu_backfill")
    assert backfill.partitions_def is not None
    assert backfill.partitions_def.get_partition_keys()[:2] == ["2025-01-01", "2025-02-01"]
    assert defs.get_assets_def("tap_iovox__eu").op.pool == "meltano/tap-iovox--eu"
    assert defs.resolve_job_def("tap_iovox__eu_sync").executor_def is dg.in_process_executor
    schedules = {schedule.job_name for schedule in defs.schedules or []}  # type: ignore[union-attr]
    assert schedules == {"tap_iovox_sync", "tap_iovox__eu_sync"}


def test_four_accounts_run_side_by_side_and_each_lands_its_own_ground_truth(
    orchestrated: Orchestrated, make_sandbox: Callable[..., Sandbox]
) -> None:
    accounts = {
        name: make_sandbox(
            serve={"iovox"}, size=60, days=20, account=name, seed=20 + n, rate_limits=True
        )
        for n, name in enumerate(ACCOUNTS)
    }
    orchestrated.declare_account(IOVOX, "tap-iovox", accounts["a"])
    for name, sandbox in accounts.items():
        fields = {"load_schema": f"iovox_{name}"}
        orchestrated.declare_account(
            IOVOX, f"tap-iovox--{name}", sandbox, parent="tap-iovox", fields=fields
        )
    pools = orchestrated.configure_pools()
    assert pools[f"meltano/tap-iovox--{ACCOUNTS[0]}"] == LIMITS["tap-iovox"].slots

    runs = [orchestrated.start(f"tap_iovox__{name}") for name in accounts]
    results = orchestrated.finish(runs)

    _assert_succeeded(results)
    for name, sandbox in accounts.items():
        landed = _calls(orchestrated, f"iovox_{name}")
        assert sorted(landed) == sorted(CALLS.ids(sandbox)), name
    assert _overlap(_steps(orchestrated)), "the accounts did not run side by side"


def test_a_monthly_backfill_four_at_a_time_then_the_schedule_takes_over(
    orchestrated: Orchestrated, make_sandbox: Callable[..., Sandbox]
) -> None:
    # Four months of calls, January to April 2025; the config's end falls in May.
    sandbox = make_sandbox(serve={"iovox"}, size=400, days=120, rate_limits=True)
    orchestrated.declare_account(IOVOX, "tap-iovox", sandbox)
    # Appending, not upserting: a call two months both delivered would show twice.
    orchestrated.env["TARGET_POSTGRES_LOAD_METHOD"] = "append-only"
    orchestrated.configure_pools()
    months = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"]

    # Four months side by side (the pool's limit); then January fails, alone.
    wave = [orchestrated.start("tap_iovox_backfill", partition=m) for m in months[1:]]
    results = orchestrated.finish(wave)
    _assert_succeeded(results)
    assert _overlap(_steps(orchestrated)), "the four months did not run side by side"
    sandbox.iovox.api.faults.inject(Status(401, b'{"error":"unauthorized"}'), times=EVERY)
    [(failed, _)] = orchestrated.finish(
        [orchestrated.start("tap_iovox_backfill", partition=months[0])]
    )
    assert failed != 0
    sandbox.iovox.api.faults.clear()
    orchestrated.materialize("tap_iovox_backfill", partition=months[0])

    landed = _calls(orchestrated, "tap_iovox")
    assert len(landed) == len(set(landed)), "a call was delivered by two months"
    assert set(landed) == CALLS.ids(sandbox), "a call fell between two months"
    for month in months:
        state_id = f"dev:tap-iovox-to-target-postgres:{month}"
        assert orchestrated.meltano("state", "get", state_id).strip() not in {"", "{}"}, month

    # The hourly sync's first run starts from the backfill's latest bookmark (a month
    # with no calls has none).
    bookmark = max(
        _bookmark(orchestrated.meltano("state", "get", f"dev:tap-iovox-to-target-postgres:{m}"))
        or datetime.min.replace(tzinfo=timezone.utc)
        for m in months
    )
    before = {call.id: call.start for call in sandbox.iovox.data.by_id.values()}
    changes = sandbox.iovox.mutate()
    orchestrated.materialize("tap_iovox")

    after = _calls(orchestrated, "tap_iovox")
    assert set(after) == CALLS.ids(sandbox)
    resent = {call for call in after if after.count(call) > 1}
    lookback = timedelta(days=7)  # tap-iovox's default lookback_days
    boundary = {i for i, start in before.items() if _at(start) >= bookmark - lookback}
    assert resent <= boundary, "the sync read again what lies before its lookback"
    assert set(changes.new_calls) <= set(after)


def _bookmark(state_json: str) -> datetime | None:
    calls = json.loads(state_json)["singer_state"]["bookmarks"]["calls"]
    value = calls.get("replication_key_value")
    return None if value is None else datetime.fromisoformat(value)


def _at(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)


def _assert_succeeded(results: list[tuple[int, str]]) -> None:
    failed = [_errors(log) for code, log in results if code]
    assert not failed, failed


def _errors(log: str) -> str:
    """The lines of a run's log that say what failed."""
    return "\n".join(line for line in log.splitlines() if "ERROR" in line or "meltano" in line)[
        -6000:
    ]


def test_an_accounts_runs_together_stay_within_what_the_sandbox_enforces() -> None:
    # The sandbox enforces each vendor's documented limit; the pool's slots times each
    # run's share must not exceed it.
    enforced = {
        "tap-dixa": {
            "max_requests_per_minute": dixa.EXPORTS_REQUESTS_PER_MINUTE,
            "max_requests_per_second": dixa.API_REQUESTS_PER_SECOND,
        },
        "tap-opencx": {"max_requests_per_minute": opencx.REQUESTS_PER_MINUTE},
        "tap-iovox": {},
        "tap-conpeek": {},
    }
    for tap, limits in enforced.items():
        limit = LIMITS[tap]
        shares = limit.run_settings()
        assert set(shares) == set(limits), tap
        for setting, documented in limits.items():
            assert 0 < shares[setting] * limit.slots <= documented, (tap, setting)


def test_an_accounts_months_share_its_rate_limit_two_at_a_time(
    tmp_path_factory: pytest.TempPathFactory,
    postgres: PostgresServer,
    make_sandbox: Callable[..., Sandbox],
) -> None:
    # Dixa's exports allow 10 requests a minute per token, which the sandbox enforces;
    # the account's pool lets two of its runs go at once, each at 5 a minute. Three
    # months started together: the third waits for a slot, and nothing is refused.
    sandbox = make_sandbox(serve={"dixa_exports", "dixa_api"}, size=60, days=59, rate_limits=True)
    folder = tmp_path_factory.mktemp("dagster")
    with orchestrated_project(folder, postgres, taps=("tap-dixa",)) as orchestrated:
        main = DIXA.main.name
        orchestrated.declare_account(DIXA, "tap-dixa", sandbox, fields={"select": [f"{main}.*"]})
        assert orchestrated.configure_pools()["meltano/tap-dixa"] == LIMITS["tap-dixa"].slots == 2
        months = ["2025-01-01", "2025-02-01", "2025-03-01"]

        runs = [orchestrated.start("tap_dixa_backfill", partition=month) for month in months]
        results = orchestrated.finish(runs)

        _assert_succeeded(results)
        assert _most_at_once(_steps(orchestrated)) == 2
        statuses = [request.status for request in sandbox.dixa.exports.requests]
        assert statuses.count(200) >= len(months), statuses
        assert set(statuses) == {200}, "the sandbox refused a request: the limit was exceeded"
        landed = _ids(orchestrated, f"tap_dixa.{main}")
        assert sorted(landed) == sorted(DIXA.main.ids(sandbox))
