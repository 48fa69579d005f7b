"""Each source as PyAirbyte runs it: check, discover, reads into its DuckDB cache."""

from __future__ import annotations

import os
import signal
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sandbox.faults import Hold
from tests.conformance.in_process import selecting, sync
from tests.support.pyairbyte import source_executable

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter
    from tests.support.pyairbyte import PyAirbyte


def _source(adapter: TapAdapter) -> tuple[str, Path]:
    return adapter.name.replace("tap-", "source-", 1), source_executable(adapter.name)


def _read(
    pyairbyte: PyAirbyte, adapter: TapAdapter, config: dict[str, Any], cache: Path
) -> dict[str, Any]:
    name, executable = _source(adapter)
    main = adapter.main
    answer = pyairbyte.run(
        "read",
        name,
        executable,
        config,
        streams=[main.name],
        cache=str(cache),
        columns={main.name: [main.key, main.time, main.field]},
    )
    assert "error" not in answer, answer
    return answer


def _instant(value: Any) -> datetime:  # noqa: ANN401
    """A time from the cache (naive: UTC) or from Singer output (ISO-8601)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _singer_rows(adapter: TapAdapter, config: dict[str, Any]) -> dict[Any, dict[str, Any]]:
    """The main stream as the Singer path writes it, by primary key."""
    ran = sync(adapter.tap_class, config, catalog=selecting(adapter.tap_class, adapter.main.name))
    assert ran.error is None
    return {record[adapter.main.key]: record for record in ran.output.records(adapter.main.name)}


def _assert_cache_matches_singer(
    adapter: TapAdapter, answer: dict[str, Any], singer: dict[Any, dict[str, Any]]
) -> None:
    main = adapter.main
    cached = {row[main.key]: row for row in answer["rows"][main.name]}
    assert cached.keys() == singer.keys()
    for key, row in cached.items():
        if singer[key].get(main.time) is None:
            assert row[main.time] is None
        else:
            assert _instant(row[main.time]) == _instant(singer[key][main.time]), key
        assert str(row[main.field]) == str(singer[key].get(main.field)), key


def test_check_and_discover_describe_the_tap(
    pyairbyte: PyAirbyte, adapter: TapAdapter, sandbox: Sandbox
) -> None:
    name, executable = _source(adapter)
    config = adapter.config(sandbox)

    assert pyairbyte.run("check", name, executable, config) == {"ok": True}
    streams = pyairbyte.run("discover", name, executable, config)["streams"]

    assert streams.keys() == adapter.streams
    for stream, keys in adapter.keys.items():
        found = streams[stream]
        assert found["primary_key"] == [[key] for key in keys.primary], stream
        if keys.replication:
            assert found["cursor"] == [keys.replication], stream
            assert found["sync_modes"] == ["full_refresh", "incremental"], stream
        else:
            assert found["cursor"] is None, stream
            assert found["sync_modes"] == ["full_refresh"], stream


def test_reads_land_the_ground_truth_and_continue_incrementally(
    pyairbyte: PyAirbyte, adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    config, main = adapter.config(sandbox), adapter.main

    first = _read(pyairbyte, adapter, config, tmp_path)

    assert {row[main.key] for row in first["rows"][main.name]} == main.ids(sandbox)
    _assert_cache_matches_singer(adapter, first, _singer_rows(adapter, config))
    assert [state["type"] for state in first["state"]] == ["STREAM"]

    sandbox.mutate()
    second = _read(pyairbyte, adapter, config, tmp_path)

    assert {row[main.key] for row in second["rows"][main.name]} == main.ids(sandbox)
    _assert_cache_matches_singer(adapter, second, _singer_rows(adapter, config))
    # New and updated records, and what a lookback or boundary re-reads: not everything.
    assert 0 < second["records"] < first["records"] / 2
    assert second["state"] != first["state"]


def test_a_killed_read_loses_nothing_and_the_next_resumes_from_the_state_kept(
    pyairbyte: PyAirbyte, adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    # PyAirbyte commits rows and state at the end of a read only: a killed read keeps
    # nothing, and the next one must continue from the state of the last whole read.
    config, main = adapter.config(sandbox), adapter.main
    name, executable = _source(adapter)
    first = _read(pyairbyte, adapter, config, tmp_path)
    sandbox.mutate()
    pid_file = tmp_path / "source.pid"
    wrapper = tmp_path / name
    wrapper.write_text(f'#!/bin/sh\necho $$ > "{pid_file}"\nexec "{executable}" "$@"\n')
    wrapper.chmod(0o755)
    hold = Hold()
    for api in adapter.apis(sandbox):  # the one serving the path holds its first request
        api.faults.inject(hold, path=main.path)

    pyairbyte.send("read", name, wrapper, config, streams=[main.name], cache=str(tmp_path))
    assert hold.reached.wait(timeout=120), f"{name} never reached {main.path}"
    os.kill(int(pid_file.read_text()), signal.SIGKILL)
    hold.release()
    killed = pyairbyte.receive()
    resumed = _read(pyairbyte, adapter, config, tmp_path)

    assert killed["error"] == "AirbyteConnectorFailedError", killed
    assert {row[main.key] for row in resumed["rows"][main.name]} == main.ids(sandbox)
    assert 0 < resumed["records"] < first["records"] / 2


def test_bad_settings_and_refused_credentials_are_clear_errors(
    pyairbyte: PyAirbyte, adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    name, executable = _source(adapter)
    secret = adapter.secrets[-1]
    refused = adapter.config(sandbox, **{secret: "not-the-secret"})
    bad_date = adapter.config(sandbox, start_date="2025-13-01")

    checked = pyairbyte.run("check", name, executable, refused)
    assert checked["error"] == "AirbyteConnectorCheckFailedError"
    assert "refused" in checked["message"]
    assert f"`{secret}`" in checked["message"]
    assert "not-the-secret" not in checked["message"]

    read = pyairbyte.run(
        "read", name, executable, refused, streams=[adapter.main.name], cache=str(tmp_path)
    )
    assert read["error"] == "AirbyteConnectorFailedError"
    assert "refused" in read["log"]
    assert "not-the-secret" not in read["log"]

    checked = pyairbyte.run("check", name, executable, bad_date)
    assert checked["error"] == "AirbyteConnectorCheckFailedError"
    assert "start_date '2025-13-01' is not a date" in checked["message"]
