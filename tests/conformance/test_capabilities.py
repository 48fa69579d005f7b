"""What the SDK's capabilities promise, with the tap's streams: maps, flattening, batch."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from tests.conformance.in_process import selecting, sync

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter


def test_stream_maps_filter_drop_a_field_and_remove_a_stream(
    adapter: TapAdapter, sandbox: Sandbox
) -> None:
    main = adapter.main
    chosen = sorted(main.ids(sandbox))[::7]
    maps: dict[str, Any] = {
        main.name: {"__filter__": f"{main.key} in {chosen!r}", main.field: "__NULL__"}
    }
    streams = [main.name]
    if main.other:
        maps[main.other] = None
        streams.append(main.other)

    run = sync(
        adapter.tap_class,
        adapter.config(sandbox, stream_maps=maps),
        catalog=selecting(adapter.tap_class, *streams),
    )

    assert run.error is None, run.error
    assert run.output.ids(main.name, main.key) == set(chosen)
    assert all(main.field not in record for record in run.output.records(main.name))
    if main.other:
        assert run.output.records(main.other) == []


def test_flattening_spreads_nested_values(adapter: TapAdapter, sandbox: Sandbox) -> None:
    main = adapter.main
    catalog = selecting(adapter.tap_class, main.name)
    plain = sync(adapter.tap_class, adapter.config(sandbox), catalog=catalog)
    flat = sync(
        adapter.tap_class,
        adapter.config(sandbox, flattening_enabled=True, flattening_max_depth=1),
        catalog=catalog,
    )

    assert plain.error is None, plain.error
    assert flat.error is None, flat.error
    flattened = {r[main.key]: r for r in flat.output.records(main.name)}
    compared = 0
    for record in plain.output.records(main.name):
        value, row = record.get(main.nested), flattened[record[main.key]]
        if isinstance(value, dict):
            for name, inner in value.items():
                spread = row[f"{main.nested}__{name}"]
                assert (json.loads(spread) if isinstance(inner, (dict, list)) else spread) == inner
                compared += 1
        elif isinstance(value, list):
            assert json.loads(row[main.nested]) == value
            compared += 1
    assert compared, f"no {main.nested} to flatten"


def test_batch_files_hold_every_record(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    main = adapter.main
    batch_config = {
        "encoding": {"format": "jsonl", "compression": "gzip"},
        "storage": {"root": f"file://{tmp_path}", "prefix": "batch-"},
        "batch_size": 50,
    }

    run = sync(
        adapter.tap_class,
        adapter.config(sandbox, batch_config=batch_config),
        catalog=selecting(adapter.tap_class, main.name),
    )

    assert run.error is None, run.error
    keys: set[Any] = set()
    batches = [m for m in run.output.messages if m["type"] == "BATCH"]
    for message in batches:
        for url in message["manifest"]:
            with gzip.open(urlparse(url).path, "rt") as lines:
                keys.update(json.loads(line)[main.key] for line in lines)
    assert len(batches) > 1
    assert keys == main.ids(sandbox)
    assert run.output.records(main.name) == []
    # Each STATE follows the batch files it covers.
    kinds = [m["type"] for m in run.output.messages if m["type"] in {"BATCH", "STATE"}]
    assert kinds.index("BATCH") < max(i for i, kind in enumerate(kinds) if kind == "STATE")
