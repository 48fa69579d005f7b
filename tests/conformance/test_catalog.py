"""Catalog metadata as the tap's streams declare it; deselected streams and fields unread."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from typing import TYPE_CHECKING, Any

from tests.conformance.in_process import selecting, sync
from tests.support.processes import BIN

if TYPE_CHECKING:
    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter


@cache
def discovered(tap: str) -> dict[str, Any]:
    """What `tap --discover` prints, offline and without credentials."""
    completed = subprocess.run(
        [str(BIN / tap), "--config", "ENV", "--discover"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    catalog: dict[str, Any] = json.loads(completed.stdout)
    return catalog


def _metadata(entry: dict[str, Any], *breadcrumb: str) -> dict[str, Any]:
    path = ["properties", *breadcrumb] if breadcrumb else []
    found: dict[str, Any] = next(
        m["metadata"] for m in entry["metadata"] if m["breadcrumb"] == path
    )
    return found


def test_every_stream_declares_its_keys_and_they_are_automatic(adapter: TapAdapter) -> None:
    entries = {entry["tap_stream_id"]: entry for entry in discovered(adapter.name)["streams"]}
    assert set(entries) == adapter.streams
    for name, keys in adapter.keys.items():
        entry, root = entries[name], _metadata(entries[name])
        assert root["table-key-properties"] == list(keys.primary), name
        assert root["selected-by-default"] is True
        for key in keys.primary:
            assert _metadata(entry, key)["inclusion"] == "automatic", (name, key)
        if keys.replication is None:
            assert "replication-key" not in root, name
            assert entry["replication_method"] == "FULL_TABLE", name
            continue
        assert root["replication-key"] == keys.replication, name
        assert root["valid-replication-keys"] == [keys.replication]
        assert entry["replication_method"] == "INCREMENTAL"
        assert _metadata(entry, keys.replication)["inclusion"] == "automatic", name
        assert entry["schema"]["properties"][keys.replication].get("format") == keys.format


def test_a_deselected_stream_is_never_requested(adapter: TapAdapter, sandbox: Sandbox) -> None:
    main = adapter.main
    run = sync(
        adapter.tap_class, adapter.config(sandbox), catalog=selecting(adapter.tap_class, main.name)
    )

    assert run.error is None, run.error
    assert set(run.output.by_stream()) == {main.name}
    assert run.output.ids(main.name, main.key) == main.ids(sandbox)
    assert {r.path for r in adapter.requests(sandbox)} == {main.path}


def test_a_deselected_field_is_not_written(adapter: TapAdapter, sandbox: Sandbox) -> None:
    main = adapter.main
    catalog = selecting(adapter.tap_class, main.name)
    entry = next(e for e in catalog["streams"] if e["tap_stream_id"] == main.name)
    _metadata(entry, main.field)["selected"] = False

    run = sync(adapter.tap_class, adapter.config(sandbox), catalog=catalog)

    assert run.error is None, run.error
    records = run.output.records(main.name)
    assert {r[main.key] for r in records} == main.ids(sandbox)
    assert all(main.field not in record for record in records)
    assert any(main.nested in record for record in records), "only that field is left out"
