"""iovox's bodies and values when they are not what the documentation says.

Every tap's faults (429, 5xx, timeouts, refused credentials, bodies that are not JSON) are
in tests/conformance.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from sandbox.faults import (
    Status,
)
from tests.iovox.helpers import CALLS, config
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.faults import Fault

# The default example of the documentation, as printed: commas missing and trailing.
DOCUMENTED_EXAMPLE = b"""[
{
"id": 30683207599876,
"call_start": "2024-02-26 04:39:59",
"call_destination": "442035447179"
"talk_time_sec" : 99,
"has_recording": "TRUE",
}
]"""


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (Status(200, DOCUMENTED_EXAMPLE), "invalid JSON"),
        (Status(200, b'{"calls": []}'), "expected a JSON array, got dict"),
        (Status(200, b"[1, 2]"), "expected objects, got int"),
        (Status(200, b'[{"call_start": "2025-01-02 00:00:00"}]'), "a call without `id`"),
    ],
    ids=["documented-example", "other-envelope", "not-objects", "no-id"],
)
def test_malformed_body_fails_naming_stream_and_request(
    sandbox: Sandbox, tmp_path: Path, fault: Fault, problem: str
) -> None:
    sandbox.iovox.api.faults.inject(fault, path=CALLS, skip=1)
    run = run_tap("tap-iovox", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if "malformed response" in line)
    assert f"calls: malformed response to GET {CALLS}" in line
    assert problem in line
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"has_recording": "MAYBE"}, "`has_recording` is 'MAYBE', not TRUE or FALSE"),
        ({"talk_time_sec": "long"}, "`talk_time_seconds` is 'long', not an integer"),
        ({"call_end": "later"}, "`call_end` is 'later', not a time"),
    ],
    ids=["boolean", "integer", "time"],
)
def test_a_value_of_the_wrong_kind_fails_naming_the_call(
    sandbox: Sandbox, tmp_path: Path, change: dict[str, str], problem: str
) -> None:
    call = {"id": 30683207599876, "call_start": "2025-01-01 10:00:00", **change}
    sandbox.iovox.api.faults.inject(Status(200, json.dumps([call]).encode()), path=CALLS)
    run = run_tap("tap-iovox", tmp_path, config(sandbox))

    assert run.returncode != 0
    line = next(line for line in run.stderr.splitlines() if problem in line)
    assert "calls: call id=30683207599876" in line
    assert "Traceback" not in run.stderr


def test_the_v3_envelope_and_string_ids_are_read_too(sandbox: Sandbox, tmp_path: Path) -> None:
    lone = {"id": "30683207599876", "call_start": "2025-01-01 10:00:00", "node_id": 2}
    body = {"response": {"results": {"result": lone}}}
    sandbox.iovox.api.faults.inject(Status(200, json.dumps(body).encode()), path=CALLS)
    run = run_tap("tap-iovox", tmp_path, config(sandbox))

    assert run.returncode == 0, run.stderr
    record = next(r for r in run.output.records("calls") if r["id"] == 30683207599876)
    assert record["node_id"] == "2"
    assert record["call_start"] == "2025-01-01T10:00:00+00:00"
