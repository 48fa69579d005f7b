"""`meltano run tap-X <loader>` killed mid-run, then rerun: every row lands once.

The tap is held at a request in the middle of its run, then either the whole pipeline or
only its target is killed with SIGKILL. The loaders flush small batches, so some rows are
committed before the kill and others are still buffered. target-duckdb emits a STATE
after each flush; target-postgres (Singer SDK) only once all its sinks are drained, at
the end of its input, so killed mid-run it leaves no STATE and the rerun reads everything
again. Either way the loaders upsert by primary key: every row lands exactly once.
"""

from __future__ import annotations

import json
import os
import random
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import psycopg
import pytest

from sandbox.faults import Hold
from tests.conformance.in_process import sync
from tests.conformance.taps import ADAPTERS
from tests.support.meltano import meltano, settings_env, start_meltano

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter
    from tests.support.postgres import PostgresServer

LOADERS = ("target-duckdb", "target-postgres")
BATCH_ROWS = "25"


def _loader_env(
    loader: str, schema: str, tmp_path: Path, postgres: Callable[[], PostgresServer]
) -> dict[str, str]:
    if loader == "target-duckdb":
        return {
            "TARGET_DUCKDB_FILEPATH": str(tmp_path / "warehouse.duckdb"),
            "TARGET_DUCKDB_DEFAULT_TARGET_SCHEMA": schema,
            "TARGET_DUCKDB_BATCH_SIZE_ROWS": BATCH_ROWS,
        }
    return {
        **postgres().loader_env(),
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
        "TARGET_POSTGRES_BATCH_SIZE_ROWS": BATCH_ROWS,
    }


def _landed(
    loader: str,
    schema: str,
    tmp_path: Path,
    postgres: Callable[[], PostgresServer],
    keys: dict[str, tuple[str, ...]],
) -> dict[str, tuple[int, int]]:
    """Per table: (rows, distinct primary keys); (0, 0) for a table not created yet."""
    queries = {
        stream: (
            f"select count(*), count(distinct ({', '.join(map(_quoted, columns))})) "
            f"from {schema}.{stream}"
        )
        for stream, columns in keys.items()
    }
    if loader == "target-duckdb":
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
            return {s: _pair(connection.execute(q).fetchone()) for s, q in queries.items()}
    with postgres().connect() as connection:
        return {s: _postgres_pair(connection, q) for s, q in queries.items()}


def _postgres_pair(connection: psycopg.Connection, query: str) -> tuple[int, int]:
    try:
        return _pair(connection.execute(query).fetchone())
    except psycopg.errors.UndefinedTable:  # autocommit: the connection stays usable
        return 0, 0


def _quoted(column: str) -> str:
    # PostgreSQL keeps a column's case only when it is quoted (agentId).
    return f'"{column}"'


def _pair(row: tuple[Any, ...] | None) -> tuple[int, int]:
    rows, distinct = row or (0, 0)
    return int(rows), int(distinct)


@dataclass(frozen=True)
class _Pipeline:
    """A `meltano run` whose tap will be held at a request in the middle of its run."""

    run: tuple[str, ...]
    schema: str
    env: dict[str, str]
    hold: Hold
    expected: dict[str, int]
    """Per stream with records: how many distinct primary keys a clean run delivers."""
    landed: Callable[[], dict[str, tuple[int, int]]]


def _pipeline(
    adapter: TapAdapter,
    loader: str,
    make_sandbox: Callable[..., Sandbox],
    request: pytest.FixtureRequest,
    tmp_path: Path,
    schema: str,
) -> _Pipeline:
    sandbox = make_sandbox()
    adapter.prepare(sandbox)
    clean = sync(adapter.tap_class, adapter.config(sandbox))
    assert clean.error is None, clean.error
    expected = {
        stream: len({tuple(r[k] for k in keys.primary) for r in clean.output.records(stream)})
        for stream, keys in adapter.keys.items()
        if clean.output.records(stream)
    }
    columns = {stream: adapter.keys[stream].primary for stream in expected}
    held_api = adapter.apis(sandbox)[0]
    requests = len(held_api.requests)
    for api in adapter.apis(sandbox):
        api.clear_log()

    def postgres() -> PostgresServer:
        server: PostgresServer = request.getfixturevalue("postgres")
        return server

    env = {
        **sandbox.tap_env(),
        # The held request must stay held: the tests' 10 s timeout would retry past it.
        **settings_env(adapter, sandbox, timeout=300),
        **_loader_env(loader, schema, tmp_path, postgres),
    }
    # Held at a request drawn from the middle of the run, the same one on every run.
    draw = random.Random(f"{adapter.name} {loader}")  # noqa: S311 (a test's draw)
    at = draw.randrange(requests // 4, requests * 3 // 4)
    hold = Hold()
    held_api.faults.inject(hold, skip=at)
    return _Pipeline(
        run=("--environment=sandbox", "run", adapter.name, loader),
        schema=schema,
        env=env,
        hold=hold,
        expected=expected,
        landed=lambda: _landed(loader, schema, tmp_path, postgres, columns),
    )


def _wait_held(hold: Hold) -> None:
    assert hold.reached.wait(timeout=300), "the pipeline never reached the held request"


def _assert_landed_once(pipeline: _Pipeline, rerun: subprocess.CompletedProcess[str]) -> None:
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert pipeline.landed() == {stream: (n, n) for stream, n in pipeline.expected.items()}


def _rows(landed: dict[str, tuple[int, int]]) -> int:
    return sum(rows for rows, _ in landed.values())


def _session_process(session: int, argument: str) -> int:
    """The pid of the process in `session` one of whose arguments ends with `argument`."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After `pid (comm)`: state, ppid, pgrp, session.
            fields = stat.read_text().rpartition(")")[2].split()
            arguments = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:  # it ended meanwhile
            continue
        if int(fields[3]) == session and any(a.endswith(argument.encode()) for a in arguments):
            return int(stat.parent.name)
    msg = f"no process of session {session} runs {argument}"
    raise LookupError(msg)


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
def test_a_pipeline_killed_mid_run_lands_every_row_once_when_rerun(
    adapter: TapAdapter,
    loader: str,
    make_sandbox: Callable[..., Sandbox],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    schema = f"killed_{adapter.name.removeprefix('tap-')}"
    pipeline = _pipeline(adapter, loader, make_sandbox, request, tmp_path, schema)
    running = start_meltano(*pipeline.run, workdir=tmp_path, env=pipeline.env)
    try:
        _wait_held(pipeline.hold)
    finally:
        os.killpg(running.pid, signal.SIGKILL)
        running.wait()
        pipeline.hold.release()

    # A killed run stays "running" in Meltano's system database: --force starts anew.
    run = pipeline.run
    rerun = meltano(*run[:2], "--force", *run[2:], workdir=tmp_path, env=pipeline.env)

    _assert_landed_once(pipeline, rerun)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
def test_a_pipeline_whose_target_is_killed_mid_run_fails_and_lands_every_row_once_when_rerun(
    adapter: TapAdapter,
    make_sandbox: Callable[..., Sandbox],
    request: pytest.FixtureRequest,
    postgres: PostgresServer,
    tmp_path: Path,
) -> None:
    loader = "target-postgres"
    schema = f"killed_target_{adapter.name.removeprefix('tap-')}"
    pipeline = _pipeline(adapter, loader, make_sandbox, request, tmp_path, schema)
    with postgres.watching_commits(schema) as committed:
        running = start_meltano(*pipeline.run, workdir=tmp_path, env=pipeline.env)
        try:
            _wait_held(pipeline.hold)
            # The target starts slower than the tap reads: its first batch may come later.
            assert committed(120), "the target committed nothing while the tap was held"
            target = _session_process(running.pid, f"/loaders/{loader}/venv/bin/{loader}")
            os.kill(target, signal.SIGKILL)
        finally:
            pipeline.hold.release()
            returncode = running.wait(timeout=300)

    assert returncode != 0, "meltano run must fail when its target dies"
    landed = pipeline.landed()
    assert _rows(landed) > 0
    assert all(rows == keys <= pipeline.expected[s] for s, (rows, keys) in landed.items())
    state = meltano(
        "--environment=sandbox", "state", "get", f"sandbox:{adapter.name}-to-{loader}",
        workdir=tmp_path, env=pipeline.env,
    )  # fmt: skip
    assert state.returncode == 0, state.stderr[-3000:]
    # A Singer SDK target emits STATE only when it has drained every sink (every five
    # minutes and at the end of its input), not after each batch: killed before its first
    # full drain, it has committed rows but no STATE, so Meltano keeps none; the STATE
    # can never run ahead of the rows, and the rerun reads everything again.
    assert json.loads(state.stdout) == {}

    # Meltano survived and marked its run failed: no --force, nothing stale blocks the rerun.
    rerun = meltano(*pipeline.run, workdir=tmp_path, env=pipeline.env)

    _assert_landed_once(pipeline, rerun)
