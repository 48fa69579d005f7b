"""The Dixa API v1's reference streams (full table) against the sandbox's ground truth."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from tests.dixa.helpers import catalog, config, every_next_link, parsed
from tests.support.processes import run_tap

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from sandbox.dixa.paging import NextLink

REFERENCE = (
    "agents", "end_users", "queues", "queue_members", "tags", "teams", "team_members",
    "custom_attributes", "contact_endpoints",
)  # fmt: skip
PRIMARY_KEYS = {"queue_members": ("queue_id", "agentId"), "team_members": ("team_id", "id")}


@every_next_link
def test_every_reference_record_once(sandbox: Sandbox, tmp_path: Path, link: NextLink) -> None:
    sandbox.dixa.next_link = link
    data = sandbox.dixa.api_data

    run = run_tap("tap-dixa", tmp_path, config(sandbox, page_size=7), catalog=catalog(*REFERENCE))

    assert run.returncode == 0, run.stderr
    out = run.output
    assert sorted(out.ids("agents")) == sorted(a["id"] for a in data.agents)
    assert sorted(out.ids("end_users")) == sorted(u["id"] for u in data.end_users)
    assert out.ids("queues") == {q["id"] for q in data.queues}
    assert out.ids("tags") == {t["id"] for t in data.tags}
    assert out.ids("teams") == {t["id"] for t in data.teams}
    assert out.ids("custom_attributes") == {a["id"] for a in data.custom_attributes}
    endpoints = {e.get("address") or e["number"] for e in data.contact_endpoints}
    assert out.ids("contact_endpoints") == endpoints
    members = sorted((m["queue_id"], m["agentId"]) for m in out.records("queue_members"))
    assert members == sorted(
        (queue, m["agentId"]) for queue, ms in data.queue_members.items() for m in ms
    )
    team_members = sorted((m["team_id"], m["id"]) for m in out.records("team_members"))
    assert team_members == sorted(
        (team, m["id"]) for team, ms in data.team_members.items() for m in ms
    )
    for stream in REFERENCE:
        key = PRIMARY_KEYS.get(stream, ("id",))
        records = out.records(stream)
        assert len(records) == len({tuple(r[k] for k in key) for r in records}), stream


def test_paged_lists_take_several_pages_and_the_rest_one(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox, page_size=7), catalog=catalog(*REFERENCE))

    assert run.returncode == 0, run.stderr
    requests = Counter(r.path for r in sandbox.dixa.api.requests)
    assert requests["/v1/agents"] == -(-len(sandbox.dixa.api_data.agents) // 7) >= 3
    assert requests["/v1/endusers"] == -(-len(sandbox.dixa.api_data.end_users) // 7)
    for path in ("/v1/queues", "/v1/tags", "/v1/teams", "/v1/custom-attributes"):
        assert requests[path] == 1, path
    unpaged = [r for r in sandbox.dixa.api.requests if r.path not in {"/v1/agents", "/v1/endusers"}]
    assert all(r.param("pageLimit") is None for r in unpaged), "only paged lists get pageLimit"
    assert all(r.headers["authorization"] == sandbox.dixa.token for r in sandbox.dixa.api.requests)


def test_times_are_utc_instants(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap(
        "tap-dixa", tmp_path, config(sandbox), catalog=catalog("agents", "custom_attributes")
    )

    data = sandbox.dixa.api_data
    agents = {a["id"]: a for a in data.agents}
    for record in run.output.records("agents"):
        sent = agents[record["id"]]["createdAt"]
        assert parsed(record["createdAt"]) == parsed(sent.replace("Z", "+00:00"))
        assert record["createdAt"].endswith("+00:00")
    attributes = {a["id"]: a for a in data.custom_attributes}
    for record in run.output.records("custom_attributes"):
        sent = attributes[record["id"]]["updatedAt"]
        assert sent.endswith("Z[GMT]")
        assert parsed(record["updatedAt"]) == parsed(sent.removesuffix("Z[GMT]") + "+00:00")
        assert record["inputDefinition"] == attributes[record["id"]]["inputDefinition"]


def test_nested_values_and_absent_fields(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap(
        "tap-dixa", tmp_path, config(sandbox), catalog=catalog("end_users", "queues", "agents")
    )

    users = {u["id"]: u for u in sandbox.dixa.api_data.end_users}
    for record in run.output.records("end_users"):
        assert record["customAttributes"] == users[record["id"]]["customAttributes"]
    queue = run.output.records("queues")[0]
    truth = next(q for q in sandbox.dixa.api_data.queues if q["id"] == queue["id"])
    assert queue["queueThresholds"] == truth["queueThresholds"]
    assert queue["usages"] == truth["usages"]
    without_phone = [a for a in run.output.records("agents") if a.get("phoneNumber") is None]
    assert without_phone, "the API leaves absent fields out; they land as null"


def test_children_read_their_parents_without_emitting_them(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog("team_members"))

    assert run.returncode == 0, run.stderr
    assert run.output.records("teams") == []
    assert run.output.records("team_members")
    paths = {r.path for r in sandbox.dixa.api.requests}
    assert paths == {"/v1/teams"} | {
        f"/v1/teams/{t['id']}/agents" for t in sandbox.dixa.api_data.teams
    }


def test_deselected_streams_are_never_requested(sandbox: Sandbox, tmp_path: Path) -> None:
    run = run_tap("tap-dixa", tmp_path, config(sandbox), catalog=catalog("tags"))

    assert run.returncode == 0, run.stderr
    assert {r.path for r in sandbox.dixa.api.requests} == {"/v1/tags"}
    assert sandbox.dixa.exports.requests == []
    assert set(run.output.by_stream()) == {"tags"}
