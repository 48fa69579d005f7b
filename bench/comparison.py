"""tap-dixa's conversations against the published Dixa extractors, same sandbox and data."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from bench.cases import SUBJECTS
from bench.harness import Run, run_piped
from bench.peers import PEERS, PeerUnavailableError
from bench.report import Row
from sandbox import Sandbox

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

GOAL = 3.0
BENCHMARK = "vs published Dixa taps"
# singer-io's tap shifts its windows by the host's UTC offset and loses records off UTC;
# everyone runs under UTC so each gets its best case.
ENV = {"TZ": "UTC"}


def comparison(size: int, runs: int, workdir: Path) -> list[Row]:
    """Each extractor syncs every conversation from the same start date to now."""
    subject = SUBJECTS["tap-dixa"]
    with Sandbox(size=size, days=90, rate_limits=False, serve=subject.apis) as sandbox:
        case = subject.case(sandbox)
        # Like the peers, read up to now rather than to the end of the data.
        command = case.without("end_date").command(workdir)
        run_piped(command)  # warm-up: the sandbox renders each page on its first request
        ours = _median(command, runs)
        rows = [_row("tap-dixa (this suite)", ours, case.expected_ids, None)]
        for peer in PEERS:
            try:
                peer.install()
            except PeerUnavailableError as error:
                rows.append(Row(BENCHMARK, peer.name, f"not run: {error}"))
                continue
            command = peer.command(workdir, sandbox.dixa.token, case.config["start_date"][:10])
            env = {**ENV, "DIXA_EXPORTS_URL": sandbox.urls["dixa_exports"]}
            theirs = _median(command, runs if peer.fast else 1, env)
            ratio = ours.records_per_second / theirs.records_per_second if theirs.records else None
            rows.append(_row(peer.name, theirs, case.expected_ids, ratio))
    return rows


def _median(command: Sequence[str], runs: int, env: dict[str, str] = ENV) -> Run:
    measured = [run_piped(command, env) for _ in range(runs)]
    wall = statistics.median_low(run.wall_seconds for run in measured)
    return next(run for run in measured if run.wall_seconds == wall)


def _row(name: str, run: Run, expected: frozenset[str], ratio: float | None) -> Row:
    missing = len(expected - set(run.ids))
    delivered = "every record" if not missing else f"{missing:,} of {len(expected):,} missing"
    measured = f"{run.records_per_second:,.0f} records/s, {delivered}"
    if ratio is None:
        return Row(BENCHMARK, name, measured)
    return Row(BENCHMARK, name, measured, ratio, f"tap-dixa >= {GOAL:.0f}x", ratio >= GOAL)
