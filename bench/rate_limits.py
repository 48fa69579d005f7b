"""How close each tap syncs to the floor its API's documented rate limit implies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.cases import SUBJECTS
from bench.harness import check_complete, run_piped
from bench.report import Row
from sandbox import Sandbox
from sandbox.ratelimit import SlidingWindow

if TYPE_CHECKING:
    from pathlib import Path

GOAL = 1.15
SHARE_SECONDS = 0.1
"""Each request's share of a limit at bench speed. Limits run as many times faster as that
takes, so a run lasts seconds, not hours, while a share stays long against the few
milliseconds a request costs the tap: what is measured is waiting, not CPU."""


def rate_limits(size: int, workdir: Path) -> list[Row]:
    """Sync time over (requests needed / allowed rate), with the sandbox enforcing the limit."""
    rows = []
    for tap, subject in SUBJECTS.items():
        with Sandbox(size=size, days=90, rate_limits=False, serve=subject.apis) as sandbox:
            case = subject.case(sandbox)
            limit = case.limit
            if limit is None:
                rows.append(Row("Rate-limit efficiency", tap, "no documented limit"))
                continue
            scale = limit.period / limit.requests / SHARE_SECONDS
            api = sandbox.apis[limit.api]
            api.rate_limit = SlidingWindow(limit.requests, limit.period / scale)
            api.clear_log()
            tuned = case.with_settings(**case.many_requests, **limit.settings(scale))
            run = run_piped(tuned.command(workdir), key=case.key)
            check_complete(tap, run, case.expected_ids)
            statuses = [request.status for request in api.requests]
            needed = statuses.count(200)
            floor = needed * SHARE_SECONDS
            ratio = run.wall_seconds / floor
            measured = (
                f"{needed} requests in {run.wall_seconds:.1f} s, floor {floor:.1f} s "
                f"({limit.requests}/{limit.period:g} s x{scale:g}), {statuses.count(429)} refused"
            )
            rows.append(
                Row("Rate-limit efficiency", tap, measured, ratio, f"<= {GOAL:.2f}x", ratio <= GOAL)
            )
    return rows
