"""`meltano run tap-X <loader>` killed with SIGKILL mid-run, rerun: every row lands once.

The loaders flush small batches, so some rows and a STATE are committed before the kill
and others are still buffered; the rerun resumes from the STATE the loader committed.
"""

from __future__ import annotations

import json
import os
import random
import signal
from typing import TYPE_CHECKING, Any

import duckdb
import pytest

from sandbox.faults import Hold
from tests.conformance.in_process import sync
from tests.conformance.taps import ADAPTERS
from tests.support.meltano import meltano, start_meltano

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter
    from tests.support.postgres import PostgresServer

LOADERS = ("target-duckdb", "target-postgres")
BATCH_ROWS = "25"


def _settings_env(adapter: TapAdapter, sandbox: Sandbox) -> dict[str, str]:
    return {
        f"{adapter.env_prefix()}{name.upper()}": (
            json.dumps(value) if isinstance(value, (list, dict)) else str(value)
        )
        for name, value in adapter.config(sandbox).items()
    }


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
    """Per table: (rows, distinct primary keys)."""
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
        return {s: _pair(connection.execute(q).fetchone()) for s, q in queries.items()}


def _quoted(column: str) -> str:
    # PostgreSQL keeps a column's case only when it is quoted (agentId).
    return f'"{column}"'


def _pair(row: tuple[Any, ...] | None) -> tuple[int, int]:
    rows, distinct = row or (0, 0)
    return int(rows), int(distinct)


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
def test_a_pipeline_killed_mid_run_lands_every_row_once_when_rerun(
    adapter: TapAdapter,
    loader: str,
    make_sandbox: Callable[..., Sandbox],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
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

    schema = f"killed_{adapter.name.removeprefix('tap-')}"
    env = {
        **sandbox.tap_env(),
        **_settings_env(adapter, sandbox),
        **_loader_env(loader, schema, tmp_path, postgres),
    }
    # Killed at a request drawn from the middle of the run, the same one on every run.
    draw = random.Random(f"{adapter.name} {loader}")  # noqa: S311 (a test's draw)
    at = draw.randrange(requests // 4, requests * 3 // 4)
    hold = Hold()
    held_api.faults.inject(hold, skip=at)
    run = ("--environment=sandbox", "run", adapter.name, loader)
    pipeline = start_meltano(*run, workdir=tmp_path, env=env)
    try:
        assert hold.reached.wait(timeout=300), "the pipeline never reached the held request"
    finally:
        os.killpg(pipeline.pid, signal.SIGKILL)
        pipeline.wait()
        hold.release()

    # A killed run stays "running" in Meltano's system database: --force starts anew.
    rerun = meltano(*run[:2], "--force", *run[2:], workdir=tmp_path, env=env)

    assert rerun.returncode == 0, rerun.stderr[-3000:]
    landed = _landed(loader, schema, tmp_path, postgres, columns)
    assert landed == {stream: (n, n) for stream, n in expected.items()}
