"""Records/s of each tap's main stream against a bare loop over the same pages."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from bench.cases import SUBJECTS
from bench.harness import check_complete, run_piped
from bench.report import Row
from sandbox import Sandbox

if TYPE_CHECKING:
    from pathlib import Path

GOAL = 0.5


def throughput(size: int, runs: int, workdir: Path) -> list[Row]:
    """Tap and bare loop in turn, `runs` pairs each; the median of the pair ratios."""
    rows = []
    for tap, subject in SUBJECTS.items():
        with Sandbox(size=size, days=90, rate_limits=False, serve=subject.apis) as sandbox:
            case = subject.case(sandbox)
            command, bare = case.command(workdir), case.bare_command()
            # Warm-up: the sandbox renders each page once, on its first request; the
            # tap and the bare loop may ask for different pages (windows, fields).
            run_piped(command)
            run_piped(bare)
            ratios, speeds = [], []
            for _ in range(runs):
                ours, floor = run_piped(command, key=case.key), run_piped(bare, key=case.key)
                check_complete(tap, ours, case.expected_ids)
                check_complete(f"{tap}'s bare loop", floor, case.expected_ids)
                ratios.append(ours.records_per_second / floor.records_per_second)
                speeds.append(ours.records_per_second)
            ratio = statistics.median(ratios)
            measured = (
                f"{statistics.median(speeds):,.0f} records/s "
                f"({case.stream}, {len(case.expected_ids):,} records)"
            )
            rows.append(
                Row(
                    "CPU throughput vs bare loop",
                    tap,
                    measured,
                    ratio,
                    f">= {GOAL:.2f}x",
                    ratio >= GOAL,
                )
            )
    return rows
