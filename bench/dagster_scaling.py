"""The Dagster code location's parallelism, in wall time: accounts side by side, a backfill.

Runs are Dagster's own (`dagster asset materialize`, one process each, as a run launcher
starts them) in a user's Meltano project, with STATE and Dagster's storage in a throwaway
PostgreSQL, as in tests/dagster. Every figure is refused unless each run succeeded and its
rows in PostgreSQL are the sandbox's ground truth, so a failing run cannot look fast.

- Accounts: tap-opencx's sessions for N accounts at once over one account alone, each
  account behind a sandbox of its own enforcing Open CX's documented 100 requests a minute
  and each run keeping to the share the code location gives it (limits.py). Time is spent
  waiting on the limit, so N accounts should take about as long as one.
- Backfill: tap-iovox (no documented limit) over January to April 2025, four monthly
  partitions at once over one sync run of the same range, twice: with the sandbox taking
  ANSWER_SECONDS to answer each request, as a vendor's server across the internet does
  (the goal's row), and on bare loopback, where a run is all CPU and one run alone
  already keeps much of this machine's two cores busy (tap, target, PostgreSQL and the
  sandbox are processes of their own), so four can gain little: measured, no goal.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.report import Row
from sandbox import Sandbox
from sandbox.fault_specs import EVERY
from sandbox.faults import Delay
from tests.iovox.adapter import IOVOX
from tests.opencx.adapter import OPENCX
from tests.support.dagster import orchestrated_project
from tests.support.postgres import throwaway_postgres

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.support.dagster import Orchestrated

BENCHMARK = "Dagster parallelism"
ACCOUNTS = ("a", "b", "c", "d")
MONTHS = ("2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01")
APRIL_END = "2025-05-01T00:00:00+00:00"
ACCOUNTS_GOAL = 1.3
BACKFILL_GOAL = 0.5
TOO_MANY = 429
ANSWER_SECONDS = 0.2
"""How long a vendor's server takes to answer one request, seen from a data centre: a
round trip across the internet and the server's own query. An assumption (no vendor
documents it), stated in the row; the sandbox on loopback answers in about 1 ms."""


@dataclass(frozen=True)
class Sizes:
    """How much data each figure's sandboxes hold."""

    opencx_sessions: int
    opencx_days: int
    iovox_calls: int


FULL = Sizes(opencx_sessions=6_000, opencx_days=200, iovox_calls=20_000)
QUICK = Sizes(opencx_sessions=1_000, opencx_days=50, iovox_calls=3_000)


class IncompleteLoadError(RuntimeError):
    """A run failed, or PostgreSQL does not hold exactly the sandbox's records."""


def dagster_scaling(workdir: Path, *, quick: bool = False) -> list[Row]:
    """Both figures, in one project holding tap-opencx and tap-iovox."""
    sizes = QUICK if quick else FULL
    with (
        throwaway_postgres() as postgres,
        orchestrated_project(
            workdir / "dagster-scaling", postgres, taps=("tap-opencx", "tap-iovox")
        ) as orchestrated,
        _opencx_sandboxes(sizes) as opencx,
        _iovox_sandbox(sizes) as iovox,
        _iovox_sandbox(sizes) as remote,
    ):
        remote.iovox.api.faults.inject(Delay(ANSWER_SECONDS), times=EVERY)
        _declare_opencx(orchestrated, opencx)
        orchestrated.declare_account(IOVOX, "tap-iovox", iovox, end_date=APRIL_END)
        orchestrated.declare_account(
            IOVOX, "tap-iovox--remote", remote, parent="tap-iovox",
            fields={"load_schema": "iovox_remote"}, end_date=APRIL_END,
        )  # fmt: skip
        orchestrated.configure_pools()
        return [
            _accounts(orchestrated, opencx),
            _backfill(orchestrated, remote, "tap-iovox--remote", "iovox_remote", remote=True),
            _backfill(orchestrated, iovox, "tap-iovox", "tap_iovox", remote=False),
        ]


def _iovox_sandbox(sizes: Sizes) -> Sandbox:
    """January to April 2025 of calls (the same calls every time: one seed)."""
    return Sandbox(serve={"iovox"}, size=sizes.iovox_calls, days=120, rate_limits=False)


@contextlib.contextmanager
def _opencx_sandboxes(sizes: Sizes) -> Iterator[dict[str, Sandbox]]:
    """One rate-limited Open CX sandbox per account, plus one for the account run alone."""
    with contextlib.ExitStack() as stack:
        yield {
            name: stack.enter_context(
                Sandbox(
                    serve={"opencx"},
                    size=sizes.opencx_sessions,
                    days=sizes.opencx_days,
                    rate_limits=True,
                    account=name,
                    seed=40 + n,
                )
            )
            for n, name in enumerate(("solo", *ACCOUNTS))
        }


def _declare_opencx(orchestrated: Orchestrated, sandboxes: dict[str, Sandbox]) -> None:
    """`tap-opencx` is the account run alone; `tap-opencx--<account>` the four together."""
    main = OPENCX.main.name
    for name, sandbox in sandboxes.items():
        fields = {"select": [f"{main}.*"], "load_schema": f"opencx_{name}"}
        if name == "solo":
            orchestrated.declare_account(OPENCX, "tap-opencx", sandbox, fields=fields)
        else:
            plugin = f"tap-opencx--{name}"
            orchestrated.declare_account(
                OPENCX, plugin, sandbox, parent="tap-opencx", fields=fields
            )


def _timed(orchestrated: Orchestrated, starts: list[tuple[str, str | None]]) -> float:
    """Start every (asset, partition) at once; the seconds until the last ended."""
    began = time.perf_counter()
    runs = [orchestrated.start(asset, partition=partition) for asset, partition in starts]
    results = orchestrated.finish(runs)
    seconds = time.perf_counter() - began
    failed = [log[-3000:] for code, log in results if code]
    if failed:
        msg = f"{len(failed)} of {len(results)} runs failed:\n" + "\n---\n".join(failed)
        raise IncompleteLoadError(msg)
    return seconds


def _check(orchestrated: Orchestrated, table: str, key: str, expected: set[Any]) -> None:
    """PostgreSQL's `table` holds each expected key once, and nothing else."""
    with orchestrated.postgres.connect() as connection:
        query = f"select {key} from {table}"  # noqa: S608 (names of our own)
        rows = connection.execute(query.encode()).fetchall()
    landed = [row[0] for row in rows]
    missing = len(expected - set(landed))
    extra = len(landed) - (len(expected) - missing)
    if missing or extra:
        msg = f"{table}: {missing} of {len(expected)} missing, {extra} extra or repeated"
        raise IncompleteLoadError(msg)


def _requests(sandbox: Sandbox) -> Iterator[int | None]:
    """The status of every request the account's API received."""
    return (request.status for request in sandbox.opencx.api.requests)


def _accounts(orchestrated: Orchestrated, sandboxes: dict[str, Sandbox]) -> Row:
    """N accounts together over one alone (the N first, so a cold start is not theirs)."""
    together = _timed(orchestrated, [(f"tap_opencx__{name}", None) for name in ACCOUNTS])
    alone = _timed(orchestrated, [("tap_opencx", None)])
    table = OPENCX.main.name
    for name, sandbox in sandboxes.items():
        _check(orchestrated, f"opencx_{name}.{table}", "id", OPENCX.main.ids(sandbox))
    statuses = list(_requests(sandboxes["solo"]))
    refused = sum(
        status == TOO_MANY for sandbox in sandboxes.values() for status in _requests(sandbox)
    )
    ratio = together / alone
    measured = (
        f"tap-opencx {table}, {len(ACCOUNTS)} accounts {together:.1f} s vs 1 account "
        f"{alone:.1f} s ({statuses.count(200)} requests a run at its limit share, "
        f"{refused} refused)"
    )
    goal = f"<= {ACCOUNTS_GOAL:.2f}x"
    return Row(BENCHMARK, "accounts in parallel", measured, ratio, goal, ratio <= ACCOUNTS_GOAL)


def _backfill(
    orchestrated: Orchestrated, sandbox: Sandbox, plugin: str, schema: str, *, remote: bool
) -> Row:
    """Four months at once over one run of January to April; `remote`: answers take time.

    The one run goes first: its STATE must not start from the partitions'.
    """
    calls = IOVOX.main.ids(sandbox)
    table = f"{schema}.{IOVOX.main.name}"
    asset = plugin.replace("-", "_")
    alone = _timed(orchestrated, [(asset, None)])
    _check(orchestrated, table, "id", calls)
    with orchestrated.postgres.connect() as connection:
        connection.execute(f"drop schema {schema} cascade".encode())
    together = _timed(orchestrated, [(f"{asset}_backfill", month) for month in MONTHS])
    _check(orchestrated, table, "id", calls)
    ratio = together / alone
    measured = (
        f"tap-iovox, {len(calls):,} calls, "
        + (f"{ANSWER_SECONDS * 1000:.0f} ms an answer" if remote else "loopback, CPU only")
        + f": {len(MONTHS)} monthly partitions {together:.1f} s vs one run {alone:.1f} s"
    )
    if not remote:
        return Row(BENCHMARK, "backfill partitions", measured, ratio)
    goal = f"<= {BACKFILL_GOAL:.2f}x (2 cores)"
    return Row(BENCHMARK, "backfill partitions", measured, ratio, goal, ratio <= BACKFILL_GOAL)
