"""Each source's protocol output, as the Airbyte platform reads it: messages, states, errors."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import jsonschema

from sandbox.faults import Hold
from tests.support.processes import RunningTap, write_json
from tests.support.pyairbyte import source_executable

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter


def _command(adapter: TapAdapter, workdir: Path, *args: str, **files: Any) -> list[str]:
    command = [str(source_executable(adapter.name)), *args]
    for name, payload in files.items():
        command += [f"--{name}", str(write_json(workdir / f"{name}.json", payload))]
    return command


def _run(
    adapter: TapAdapter, workdir: Path, *args: str, **files: Any
) -> tuple[int, list[dict[str, Any]]]:
    done = subprocess.run(
        _command(adapter, workdir, *args, **files),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.stderr == "", done.stderr  # everything is a message on stdout
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]


def _catalog(*streams: str, sync_mode: str = "incremental", schema: Any = None) -> dict[str, Any]:  # noqa: ANN401
    return {
        "streams": [
            {
                "stream": {
                    "name": stream,
                    "json_schema": schema or {},
                    "supported_sync_modes": ["full_refresh", "incremental"],
                },
                "sync_mode": sync_mode,
                "destination_sync_mode": "append_dedup",
            }
            for stream in streams
        ]
    }


def _records(messages: list[dict[str, Any]], stream: str) -> list[dict[str, Any]]:
    return [
        m["record"]["data"]
        for m in messages
        if m["type"] == "RECORD" and m["record"]["stream"] == stream
    ]


def _latest_states(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last STATE of each stream, as the platform hands them back."""
    latest = {
        m["state"]["stream"]["stream_descriptor"]["name"]: m["state"]
        for m in messages
        if m["type"] == "STATE"
    }
    return list(latest.values())


def _statuses(messages: list[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for m in messages:
        if m["type"] == "TRACE" and m["trace"]["type"] == "STREAM_STATUS":
            status = m["trace"]["stream_status"]
            found.setdefault(status["stream_descriptor"]["name"], []).append(status["status"])
    return found


def test_spec_is_the_taps_settings_as_valid_json_schema(
    adapter: TapAdapter, tmp_path: Path
) -> None:
    code, messages = _run(adapter, tmp_path, "spec")
    settings = adapter.tap_class.config_jsonschema

    assert code == 0
    assert [m["type"] for m in messages] == ["SPEC"]
    spec = messages[0]["spec"]["connectionSpecification"]
    jsonschema.Draft7Validator.check_schema(spec)
    builtins = {"stream_maps", "stream_map_config", "flattening_enabled", "batch_config"}
    assert not spec["properties"].keys() & builtins
    # The tap's own settings (the SDK adds its built-ins to this dict in place, in process).
    assert spec["properties"].keys() == settings["properties"].keys() - builtins - {
        "flattening_max_depth",
        "flattening_separator",
        "flattening_max_key_length",
        "faker_config",
    }
    assert spec["required"] == settings["required"]
    secrets = {name for name, s in spec["properties"].items() if s.get("airbyte_secret")}
    assert secrets == set(adapter.secrets)
    for name, setting in settings["properties"].items():
        if name not in spec["properties"]:
            continue
        assert spec["properties"][name].get("default") == setting.get("default"), name
        assert spec["properties"][name].get("description") == setting.get("description"), name


def test_read_writes_records_states_and_statuses_in_order(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    main = adapter.main
    code, messages = _run(
        adapter,
        tmp_path,
        "read",
        config=adapter.config(sandbox),
        catalog=_catalog(main.name),
        state=[],
    )

    assert code == 0
    assert {record[main.key] for record in _records(messages, main.name)} == main.ids(sandbox)
    assert all(
        isinstance(m["record"]["emitted_at"], int) for m in messages if m["type"] == "RECORD"
    )
    assert {m["type"] for m in messages} <= {"RECORD", "STATE", "TRACE", "LOG"}
    assert _statuses(messages) == {main.name: ["STARTED", "RUNNING", "COMPLETE"]}
    states = [m["state"] for m in messages if m["type"] == "STATE"]
    assert states
    assert all(state["type"] == "STREAM" for state in states)
    assert sum(state["sourceStats"]["recordCount"] for state in states) <= len(
        _records(messages, main.name)
    )
    # The Airbyte stream state is the tap's Singer bookmark of the stream.
    if adapter.keys[main.name].replication:
        assert (
            states[-1]["stream"]["stream_state"]["replication_key"]
            == adapter.keys[main.name].replication
        )


def test_a_killed_read_resumes_from_the_last_states_without_a_gap(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    main = adapter.main
    config = adapter.config(sandbox)
    _run(adapter, tmp_path, "read", config=config, catalog=_catalog(main.name), state=[])
    requests = sum(len(api.requests_to(main.path)) for api in adapter.apis(sandbox))
    hold = Hold()
    for api in adapter.apis(sandbox):  # two thirds in: past any lookback of the first STATEs
        api.faults.inject(hold, path=main.path, skip=requests * 2 // 3)
    source = RunningTap(
        _command(adapter, tmp_path, "read", config=config, catalog=_catalog(main.name), state=[])
    )
    assert hold.reached.wait(timeout=120), f"never reached {main.path}"
    killed = source.kill_and_collect().messages
    hold.release()
    states = _latest_states(killed)

    code, resumed = _run(
        adapter, tmp_path, "read", config=config, catalog=_catalog(main.name), state=states
    )

    assert code == 0
    assert states, "no STATE before the kill"
    got = {r[main.key] for r in _records(killed, main.name) + _records(resumed, main.name)}
    assert got == main.ids(sandbox)
    assert len(_records(resumed, main.name)) < len(main.ids(sandbox))


def test_every_state_form_resumes_alike_and_full_refresh_ignores_state(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    main = adapter.main
    config = adapter.config(sandbox)
    _, first = _run(adapter, tmp_path, "read", config=config, catalog=_catalog(main.name), state=[])
    stream_state = _latest_states(first)[0]
    bookmark = stream_state["stream"]["stream_state"]
    forms = [
        [stream_state],
        stream_state,
        {"bookmarks": {main.name: bookmark}},
        {"type": "LEGACY", "data": {"bookmarks": {main.name: bookmark}}},
        {"type": "GLOBAL", "global": {"stream_states": [stream_state["stream"]]}},
    ]
    counts = []
    for form in forms:
        _, again = _run(
            adapter, tmp_path, "read", config=config, catalog=_catalog(main.name), state=form
        )
        counts.append(len(_records(again, main.name)))
    _, whole = _run(
        adapter,
        tmp_path,
        "read",
        config=config,
        catalog=_catalog(main.name, sync_mode="full_refresh"),
        state=[stream_state],
    )

    assert len(set(counts)) == 1, counts
    assert counts[0] < len(main.ids(sandbox))
    assert {r[main.key] for r in _records(whole, main.name)} == main.ids(sandbox)


def test_a_pruned_schema_narrows_the_records(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    main = adapter.main
    keys = adapter.keys[main.name]
    kept = {*keys.primary, *([keys.replication] if keys.replication else []), main.time}
    schema = {"type": "object", "properties": {name: {} for name in kept}}

    code, messages = _run(
        adapter,
        tmp_path,
        "read",
        config=adapter.config(sandbox),
        catalog=_catalog(main.name, schema=schema),
        state=[],
    )

    assert code == 0
    records = _records(messages, main.name)
    assert records
    # Fields the API sends beyond the schema (Conpeek's undocumented ones) stay.
    dropped = (
        adapter.tap_class(config={}, validate_config=False)
        .streams[main.name]
        .schema["properties"]
        .keys()
        - kept
    )
    assert main.field in dropped
    assert all(not record.keys() & dropped for record in records)
    assert all(kept <= record.keys() for record in records)


def test_failures_are_trace_errors_with_a_failure_type_and_exit_1(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    main, secret = adapter.main, adapter.secrets[-1]
    refused = adapter.config(sandbox, **{secret: "not-the-secret"})

    code, messages = _run(
        adapter, tmp_path, "read", config=refused, catalog=_catalog(main.name), state=[]
    )
    errors = [
        m["trace"]["error"]
        for m in messages
        if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"
    ]

    assert code == 1
    assert [e["failure_type"] for e in errors] == ["config_error"]
    assert "refused" in errors[0]["message"]
    assert "\n" not in errors[0]["message"]
    assert _statuses(messages)[main.name][-1] == "INCOMPLETE"
    assert not any("not-the-secret" in json.dumps(m) for m in messages)

    code, messages = _run(
        adapter,
        tmp_path,
        "read",
        config=adapter.config(sandbox),
        catalog={"streams": "nope"},
        state=[],
    )
    errors = [m["trace"]["error"] for m in messages if m["type"] == "TRACE"]
    assert code == 1
    assert errors[0]["failure_type"] == "config_error"
    assert "ConfiguredAirbyteCatalog" in errors[0]["message"]

    bad_date = adapter.config(sandbox, start_date="2025-13-01")
    code, messages = _run(
        adapter, tmp_path, "read", config=bad_date, catalog=_catalog(main.name), state=[]
    )
    errors = [
        m["trace"]["error"]
        for m in messages
        if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"
    ]
    assert code == 1
    assert [e["failure_type"] for e in errors] == ["config_error"]
    assert "start_date '2025-13-01' is not a date" in errors[0]["message"]
    assert _statuses(messages) == {main.name: ["STARTED", "INCOMPLETE"]}

    code, messages = _run(adapter, tmp_path, "check", config=refused)
    assert code == 0
    assert messages[-1]["connectionStatus"]["status"] == "FAILED"
    assert "refused" in messages[-1]["connectionStatus"]["message"]
