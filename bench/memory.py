"""Peak RSS of each tap's main stream as its records grow a hundredfold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.cases import SUBJECTS
from bench.harness import check_complete, run_piped
from bench.report import Row
from sandbox import Sandbox

if TYPE_CHECKING:
    from pathlib import Path

GOAL = 1.2
DAYS_AT_SMALL = 90


def memory(small: int, large: int, workdir: Path) -> list[Row]:
    """Peak RSS at `small` and `large` records, spread so each page holds as many."""
    peaks: dict[str, list[float]] = {tap: [] for tap in SUBJECTS}
    for tap, subject in SUBJECTS.items():
        for size in (small, large):
            # Records grow with time, not with density: a page or window holds the same.
            days = DAYS_AT_SMALL * size // small
            with Sandbox(size=size, days=days, rate_limits=False, serve=subject.apis) as sandbox:
                case = subject.case(sandbox)
                run = run_piped(case.command(workdir), key=case.key)
                check_complete(tap, run, case.expected_ids)
                peaks[tap].append(run.peak_rss_mib)
    rows = []
    for tap, (at_small, at_large) in peaks.items():
        ratio = at_large / at_small
        measured = f"{at_small:.0f} MiB at {small:,}, {at_large:.0f} MiB at {large:,}"
        rows.append(
            Row("Peak memory, 100x records", tap, measured, ratio, f"<= {GOAL:.2f}x", ratio <= GOAL)
        )
    return rows
