"""An account in Europe/London: calls either side of the clocks going forward land as UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tests.iovox.helpers import CALLS, config, instant, parsed, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox

LONDON = ZoneInfo("Europe/London")
CLOCKS_FORWARD = datetime(2025, 3, 30, 1, 0, tzinfo=timezone.utc)


def test_calls_across_a_daylight_saving_change_land_at_their_instants(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path
) -> None:
    sandbox = make_sandbox(size=400, days=100, serve={"iovox"})  # 2025-01-01 to 2025-04-11
    sandbox.iovox.readings.zone = "Europe/London"
    run = run_tap("tap-iovox", tmp_path, config(sandbox, timezone="Europe/London"))

    assert run.returncode == 0, run.stderr
    calls = truth(sandbox)
    records = run.output.records("calls")
    assert [r["id"] for r in records] == sorted(calls, key=lambda i: (calls[i].start, str(i)))
    for record in records:
        call = calls[record["id"]]
        assert parsed(record["call_start"]) == instant(call.start)
        assert parsed(record["call_end"]) == instant(call.end)
        for comment, sent in zip(record["comments"], call.comments, strict=True):
            assert parsed(comment["created"]) == instant(sent["created"])
    summer = [r for r in records if parsed(r["call_start"]) >= CLOCKS_FORWARD]
    winter = [r for r in records if parsed(r["call_start"]) < CLOCKS_FORWARD]
    assert len(summer) > 20
    assert len(winter) > 20
    # The API wrote summer calls an hour ahead of UTC; the tap took that hour off.
    assert summer[0]["call_start"].endswith("+00:00")


def test_requests_are_written_in_the_account_zone(
    make_sandbox: Callable[..., Sandbox], tmp_path: Path
) -> None:
    sandbox = make_sandbox(size=50, days=100, serve={"iovox"})
    sandbox.iovox.readings.zone = "Europe/London"
    settings = config(sandbox, timezone="Europe/London", start_date="2025-04-01")
    run = run_tap("tap-iovox", tmp_path, settings)

    assert run.returncode == 0, run.stderr
    first = sandbox.iovox.api.requests_to(CALLS)[0]
    asked_from = datetime.fromisoformat(str(first.param("start_date"))).replace(tzinfo=LONDON)
    window_start = datetime(2025, 4, 1, tzinfo=timezone.utc)
    # From a second early, and three hours wider for clock changes, read as London time.
    assert asked_from == window_start - timedelta(hours=3, seconds=1)
    assert str(first.param("start_date")) == "2025-03-31 21:59:59", "20:59:59 UTC, in BST"
