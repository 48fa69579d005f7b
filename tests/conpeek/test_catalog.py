"""A field a user declares in the catalog is converted like the declared ones.

Every tap's catalog metadata and deselection are in tests/conformance.
"""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

from tests.conpeek.helpers import config, parsed, truth, utc
from tests.support.processes import BIN, run_tap, write_json

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox


def _catalog(tmp_path: Path) -> dict[str, Any]:
    settings = write_json(tmp_path / "discover.json", {})
    completed = subprocess.run(
        [str(BIN / "tap-conpeek"), "--config", str(settings), "--discover"],
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


def test_a_field_declared_in_the_catalog_is_converted(sandbox: Sandbox, tmp_path: Path) -> None:
    # What Meltano's `schema` extra does: declare a field Conpeek sends but does not document.
    catalog = _catalog(tmp_path)
    for entry in catalog["streams"]:
        _root(entry)["selected"] = True
        if entry["tap_stream_id"] == "callbacks":
            entry["schema"]["properties"]["scheduled_date"] = {
                "type": ["string", "null"],
                "format": "date-time",
            }

    run = run_tap("tap-conpeek", tmp_path, config(sandbox), catalog=catalog)

    assert run.returncode == 0, run.stderr
    declared = run.output.schema("callbacks")["schema"]["properties"]["scheduled_date"]
    assert declared["format"] == "date-time"
    sent = truth(sandbox)["callbacks"]
    records = run.output.records("callbacks")
    assert records
    for record in records:
        assert parsed(record["scheduled_date"]) == utc(sent[record["id"]]["scheduled_date"])
