"""Configs, ground truth and conversions for tap-iovox tests."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sandbox.synthetic import ANCHOR
from tests.support.processes import BIN, write_json

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.iovox.data import Call

CALLS = "/calls/insights"


def config(sandbox: Sandbox, **overrides: Any) -> dict[str, Any]:
    """A tap-iovox config for this sandbox: small pages, an end after all its data."""
    end = datetime.fromtimestamp(sandbox.iovox.data.now, tz=timezone.utc) + timedelta(days=2)
    return {
        "username": sandbox.iovox.username,
        "secure_key": sandbox.iovox.secure_key,
        "api_url": sandbox.urls["iovox"],
        "start_date": ANCHOR.date().isoformat(),
        "end_date": end.isoformat(),
        "page_size": 25,
        "timeout": 10,
        **overrides,
    }


def truth(sandbox: Sandbox) -> dict[int, Call]:
    """Every call the account holds now, by id."""
    return dict(sandbox.iovox.data.by_id)


def instant(epoch_seconds: int) -> datetime:
    """Epoch seconds as an aware UTC datetime (independent of the tap's code)."""
    return datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)


def parsed(value: str) -> datetime:
    """An ISO-8601 string from the tap, as an aware datetime."""
    result = datetime.fromisoformat(value)
    assert result.tzinfo is not None, f"{value} has no offset"
    return result


def catalog(tmp_path: Path, *, deselect: tuple[str, ...] = ()) -> dict[str, Any]:
    """The discovered catalog, with the `calls` fields in `deselect` not selected."""
    settings = write_json(tmp_path / "discover.json", {})
    completed = subprocess.run(
        [str(BIN / "tap-iovox"), "--config", str(settings), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    discovered: dict[str, Any] = json.loads(completed.stdout)
    for entry in discovered["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] and item["breadcrumb"][-1] in deselect:
                item["metadata"]["selected"] = False
    return discovered
