"""A STATE written by the taps before the shared core (commit a78acc8) still resumes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from tests.conformance.in_process import selecting, sync

if TYPE_CHECKING:
    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter

STATES = Path(__file__).parent / "states"
"""Per tap: the final STATE of a run of the main stream to `end_date`, and the keys it read."""


def test_a_state_written_before_the_shared_core_resumes_without_a_gap(
    adapter: TapAdapter, sandbox: Sandbox
) -> None:
    saved = json.loads((STATES / f"{adapter.name}.json").read_text())
    main = adapter.main
    assert saved["stream"] == main.name

    run = sync(
        adapter.tap_class,
        adapter.config(sandbox),
        catalog=selecting(adapter.tap_class, main.name),
        state=saved["state"],
    )

    assert run.error is None, run.error
    before, resumed = set(saved["ids"]), run.output.ids(main.name, main.key)
    assert before | resumed == main.ids(sandbox), "nothing between the two runs is lost"
    assert before - resumed, "the run continued where the old one stopped, not from the start"
    old = saved["state"]["bookmarks"][main.name]
    new = run.output.final_state["bookmarks"][main.name]
    assert set(new) == set(old)
    assert new["replication_key"] == old["replication_key"]
    shape = re.compile(r"\d")
    assert shape.sub("0", str(new["replication_key_value"])) == shape.sub(
        "0", str(old["replication_key_value"])
    ), "the bookmark is written in the same form"
