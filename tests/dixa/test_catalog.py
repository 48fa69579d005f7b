"""A deselected nested field is left out (every tap's catalog tests: tests/conformance)."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

from tests.dixa.helpers import config
from tests.support.processes import BIN, run_tap, write_json

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def _catalog(tmp_path: Path) -> dict[str, Any]:
    settings = write_json(tmp_path / "discover.json", {})
    completed = subprocess.run(
        [str(BIN / "tap-dixa"), "--config", str(settings), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    catalog: dict[str, Any] = json.loads(completed.stdout)
    return catalog


def _root(entry: dict[str, Any]) -> dict[str, Any]:
    return next(m["metadata"] for m in entry["metadata"] if not m["breadcrumb"])


def _field(entry: dict[str, Any], name: str) -> dict[str, Any]:
    return next(m["metadata"] for m in entry["metadata"] if m["breadcrumb"] == ["properties", name])


def test_deselected_nested_field_is_not_emitted(sandbox: Sandbox, tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    for entry in catalog["streams"]:
        _root(entry)["selected"] = entry["tap_stream_id"] == "activity_logs"
        if entry["tap_stream_id"] == "activity_logs":
            _field(entry, "author")["selected"] = False

    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    records = run.output.records("activity_logs")
    assert records
    assert all("author" not in r for r in records)
    assert any(r.get("attributes") for r in records), "the rest is still there"
    assert sandbox.dixa.exports.requests == []
