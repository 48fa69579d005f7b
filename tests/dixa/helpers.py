"""Configs and ground truth for tap-dixa tests."""

from __future__ import annotations

import functools
import json
import subprocess
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from sandbox import Bounds
from sandbox.dixa.paging import NextLink
from sandbox.synthetic import ANCHOR, DAY_MS
from tests.support.processes import BIN

if TYPE_CHECKING:
    from sandbox import Sandbox
    from tests.support.processes import TapRun

START = ANCHOR
"""The tests' start_date: the first instant of sandbox data."""

every_bound_reading = pytest.mark.parametrize("bounds", list(Bounds), ids=lambda b: b.name.lower())
"""Run a test once per reading of Dixa's undocumented window bounds."""
every_next_link = pytest.mark.parametrize("link", list(NextLink), ids=lambda s: s.value)
"""Run a test once per way a Dixa API page may point to the next one."""


def config(sandbox: Sandbox, **overrides: Any) -> dict[str, Any]:
    """A tap-dixa config for this sandbox: 7-day export windows, no throttles, fixed end."""
    days = (sandbox.dixa.exports_data.now_ms - int(START.timestamp() * 1000)) // DAY_MS
    return {
        "api_token": sandbox.dixa.token,
        "exports_api_url": sandbox.urls["dixa_exports"],
        "api_url": sandbox.urls["dixa_api"],
        "start_date": START.date().isoformat(),
        "end_date": (START + timedelta(days=days + 10)).isoformat(),
        "window_days": 7,
        "max_requests_per_minute": 0,
        "max_requests_per_second": 0,
        "timeout": 10,
        **overrides,
    }


@functools.cache
def _discovered() -> str:
    completed = subprocess.run(
        [str(BIN / "tap-dixa"), "--config", "ENV", "--discover"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    return completed.stdout


def catalog(*streams: str) -> dict[str, Any]:
    """The discovered catalog with just `streams` selected."""
    discovered: dict[str, Any] = json.loads(_discovered())
    for entry in discovered["streams"]:
        root = next(m["metadata"] for m in entry["metadata"] if not m["breadcrumb"])
        root["selected"] = entry["tap_stream_id"] in streams
    return discovered


def instant(milliseconds: int) -> datetime:
    """An epoch-ms value as an aware UTC datetime (independent of the tap's code)."""
    seconds, millis = divmod(milliseconds, 1000)
    return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(microsecond=millis * 1000)


def parsed(value: str) -> datetime:
    """An ISO-8601 string from the tap, as an aware datetime."""
    result = datetime.fromisoformat(value)
    assert result.tzinfo is not None, f"{value} has no offset"
    return result


def ids_in(records: dict[Any, dict[str, Any]], field: str, start_ms: int) -> set[Any]:
    """Ids of ground-truth records whose `field` is at or after `start_ms`."""
    return {key for key, record in records.items() if record[field] >= start_ms}


def stopped_with(run: TapRun, *parts: str) -> str:
    """The stderr line naming all `parts`, of a run that failed with one line (no traceback)."""
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if all(part in line for part in parts)]
    assert lines, run.stderr
    return lines[0]
