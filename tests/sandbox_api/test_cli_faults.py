"""`python -m sandbox --fault ...`: the faults the tests use, for users' own pipelines."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sandbox.fault_specs import EVERY, Drift, FaultSpec, SetField, parse_fault
from sandbox.faults import Delay, DropConnection, Status, TooManyRequests, Truncate
from tests.support.processes import REPO

# Four GETs of /contacts, printing each status and whether the records carry the drift field.
CLIENT = """
import json, os, requests
url, key = os.environ["TAP_OPENCX_API_URL"], os.environ["TAP_OPENCX_API_KEY"]
for _ in range(4):
    answer = requests.get(url + "/contacts", headers={"Authorization": "Bearer " + key}, timeout=10)
    drift = answer.ok and "sandbox_drift" in answer.json()["items"][0]
    print(json.dumps([answer.status_code, answer.headers.get("Retry-After"), drift]))
"""


def _sandbox(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", "--random-ports", "--size", "50", "--days", "5", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_faults_from_the_command_line_strike_where_they_are_aimed() -> None:
    run = _sandbox(
        "--fault", "503,api=opencx,path=/contacts",
        "--fault", "429:7,api=opencx,path=/contacts",
        "--fault", "drift,api=opencx,path=/contacts",
        "--exec", "--", sys.executable, "-c", CLIENT,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert answers == [[503, None, False], [429, "7", False], [200, None, True], [200, None, False]]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("429", FaultSpec(TooManyRequests())),
        ("429:2", FaultSpec(TooManyRequests(2.0))),
        ("429-date:3", FaultSpec(TooManyRequests(3.0, http_date=True))),
        ("502,times=all", FaultSpec(Status(502), times=EVERY)),
        ("drop,api=dixa_api,skip=2", FaultSpec(DropConnection(), api="dixa_api", skip=2)),
        ("slow:3,path=/calls", FaultSpec(Delay(3.0), path="/calls")),
        ("truncate,times=4", FaultSpec(Truncate(), times=4)),
        ("drift", FaultSpec(Drift())),
        ('set:talking_time="abc"', FaultSpec(SetField("talking_time", "abc"))),
        ("set:id=null,path=/contacts", FaultSpec(SetField("id", None), path="/contacts")),
        ("unset:updated_at", FaultSpec(SetField("updated_at"))),
    ],
)
def test_each_kind_of_fault_is_named_as_the_tests_use_it(spec: str, expected: FaultSpec) -> None:
    assert parse_fault(spec) == expected


def test_html_is_a_maintenance_page() -> None:
    fault = parse_fault("html").fault
    assert isinstance(fault, Status)
    assert fault.content_type == "text/html"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("teapot", "'teapot' is not one of 429"),
        ("slow:soon", "'soon' is not a number of seconds"),
        ("set:id=abc", "'abc' is not a JSON value"),
        ("set:id", "'id' is not FIELD=JSON"),
        ("503,every=2", "'every=2' is not api=NAME"),
        ("503,api=nowhere", "fault api 'nowhere' is not one of"),
    ],
)
def test_a_bad_fault_is_refused_in_one_line(spec: str, message: str) -> None:
    run = _sandbox("--fault", spec)

    assert run.returncode == 2
    assert message in run.stderr.splitlines()[-1]
