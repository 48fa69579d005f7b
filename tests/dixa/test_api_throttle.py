"""The tap keeps to the Dixa API's 10 requests/s (bursts of 4) without idling."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from tests.dixa.helpers import catalog, config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox


def test_documented_rate_is_kept_without_a_429(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path
) -> None:
    sandbox = make_sandbox(rate_limits=True)
    settings = config(sandbox, page_size=1, max_requests_per_second=10)
    del settings["max_requests_per_minute"]

    run = run_tap(
        "tap-dixa", tmp_path, settings, catalog=catalog("agents", "tags", "teams", "team_members")
    )

    assert run.returncode == 0, run.stderr
    assert run.output.ids("agents") == {a["id"] for a in sandbox.dixa.api_data.agents}
    requests = sandbox.dixa.api.requests
    assert len(requests) >= 25
    assert {r.status for r in requests} == {200}, "the 10/s bucket was never emptied"
    gaps = [b.at - a.at for a, b in pairwise(requests)]
    # Requests start 0.1 s apart; arrivals jitter by a few ms on a busy machine, which a
    # burst of 4 absorbs. A gap far under 0.1 s would be a burst.
    assert min(gaps) > 0.05
    elapsed = requests[-1].at - requests[0].at
    assert elapsed < 0.1 * (len(requests) - 1) + 2.0, "no idling beyond the rate"
    assert sum(gaps) / len(gaps) < 0.15
