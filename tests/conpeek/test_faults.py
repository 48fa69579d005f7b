"""Conpeek's envelopes and values when they are not what the endpoint documents.

Every tap's faults (429, 5xx, timeouts, refused keys, bodies that are not JSON) are in
tests/conformance.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from sandbox.faults import (
    Status,
)
from tests.conpeek.helpers import DIALOGS, STATISTICS, config, truth
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault

STREAM = "conversation_statistics_opened"


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (Status(200, b'{"items": []}'), 'expected {"data": [...]}'),
        (Status(200, b'{"data": {"id": "x"}}'), 'expected {"data": [...]}'),
        (Status(200, b'{"data": [1, 2]}'), "expected objects, got int"),
        (Status(200, b'{"data": [{"date": "2025-01-02 00:00:00"}]}'), "a row without `id`"),
        (Status(200, b'{"data": [{"id": "42"}]}'), "id '42' is not an ObjectId"),
    ],
    ids=[
        "other-envelope",
        "data-not-a-list",
        "not-objects",
        "no-id",
        "bad-id",
    ],
)
def test_malformed_body_fails_naming_stream_and_request(
    sandbox: Sandbox, tmp_path: Path, fault: Fault, problem: str
) -> None:
    sandbox.conpeek.api.faults.inject(fault, path=STATISTICS, skip=1)
    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "malformed response" in line)
    assert STREAM in line
    assert f"GET {STATISTICS}" in line
    assert problem in line
    assert "Traceback" not in run.stderr


def test_a_time_that_is_not_a_time_fails_naming_the_row(sandbox: Sandbox, tmp_path: Path) -> None:
    call = dict(next(iter(truth(sandbox)["cdr_dialogs"].values())))
    call["answer_time"] = "soon"
    sandbox.conpeek.api.faults.inject(
        Status(200, json.dumps({"data": [call]}).encode()), path=DIALOGS
    )
    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "not a time" in line)
    assert f"cdr_dialogs: row dialog_uuid='{call['dialog_uuid']}'" in line
    assert "`answer_time` is 'soon'" in line
    assert "Traceback" not in run.stderr


def test_a_bare_list_is_read_as_the_rows(sandbox: Sandbox, tmp_path: Path) -> None:
    # Only conversation statistics' envelope is documented; a bare list is also accepted.
    calls = sorted(truth(sandbox)["cdr_dialogs"].values(), key=lambda c: c["start_time"])
    first_day = [c for c in calls if c["start_time"] < "2025-01-02"]
    sandbox.conpeek.api.faults.inject(Status(200, json.dumps(first_day).encode()), path=DIALOGS)

    run = run_tap("tap-conpeek", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    assert run.output.ids("cdr_dialogs", "dialog_uuid") == {c["dialog_uuid"] for c in calls}
