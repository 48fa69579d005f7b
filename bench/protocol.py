"""Records/s of each tap's Airbyte source against the same tap's Singer output."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from bench.cases import SUBJECTS
from bench.harness import check_complete, run_piped
from bench.report import Row
from sandbox import Sandbox

if TYPE_CHECKING:
    from pathlib import Path

    from bench.cases import Case

GOAL = 0.8
BENCHMARK = "Airbyte protocol vs Singer"


def protocol(size: int, runs: int, workdir: Path) -> list[Row]:
    """Each tap's `source-X read` and `tap-X` in turn, both piped into the same counter."""
    rows = []
    for subject in SUBJECTS.values():
        with Sandbox(size=size, days=90, rate_limits=False, serve=subject.apis) as sandbox:
            rows.append(_pairs(subject.case(sandbox), runs, workdir))
    return rows


def _pairs(case: Case, runs: int, workdir: Path) -> Row:
    """`runs` alternating pairs, Singer first; the median of the pair ratios."""
    singer, airbyte = case.command(workdir), case.source_command(workdir)
    # Warm-up: the sandbox renders each page once, on its first request.
    run_piped(singer)
    run_piped(airbyte)
    ratios, singer_speeds, airbyte_speeds = [], [], []
    for _ in range(runs):
        baseline, ours = run_piped(singer, key=case.key), run_piped(airbyte, key=case.key)
        check_complete(case.tap, baseline, case.expected_ids)
        check_complete(case.source, ours, case.expected_ids)
        ratios.append(ours.records_per_second / baseline.records_per_second)
        singer_speeds.append(baseline.records_per_second)
        airbyte_speeds.append(ours.records_per_second)
    ratio = statistics.median(ratios)
    measured = (
        f"{statistics.median(airbyte_speeds):,.0f} records/s, Singer "
        f"{statistics.median(singer_speeds):,.0f} ({case.stream}, "
        f"{len(case.expected_ids):,} records)"
    )
    return Row(BENCHMARK, case.source, measured, ratio, f">= {GOAL:.2f}x", ratio >= GOAL)
