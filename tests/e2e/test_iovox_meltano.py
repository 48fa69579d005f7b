"""`meltano run tap-iovox <loader>` into a real PostgreSQL and a real DuckDB file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from tests.iovox.helpers import config, instant, truth
from tests.support.meltano import meltano

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.support.postgres import PostgresServer


def _tap_env(sandbox: Sandbox) -> dict[str, str]:
    settings = config(sandbox)
    return {
        **sandbox.tap_env(),
        "TAP_IOVOX_START_DATE": settings["start_date"],
        "TAP_IOVOX_END_DATE": settings["end_date"],
    }


def test_postgres_gets_typed_tables_and_no_duplicates(
    sandbox: Sandbox, postgres: PostgresServer, tmp_path: Path
) -> None:
    schema = "iovox_e2e"
    env = {
        **_tap_env(sandbox),
        **postgres.loader_env(),
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
    }
    command = ("--environment=sandbox", "run", "tap-iovox", "target-postgres")

    first = meltano(*command, workdir=tmp_path, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    changes = sandbox.iovox.mutate()
    second = meltano(*command, workdir=tmp_path, env=env)
    assert second.returncode == 0, second.stderr[-3000:]

    expected = truth(sandbox)
    with postgres.connect() as connection:
        rows = connection.execute(f"select count(*), count(distinct id) from {schema}.calls")
        assert rows.fetchone() == (len(expected), len(expected))
        types: dict[str, str] = dict(
            connection.execute(
                "select column_name, udt_name from information_schema.columns "
                "where table_schema = %s and table_name = 'calls'",
                (schema,),
            ).fetchall()
        )
        assert types["call_start"] == "timestamp"
        assert types["has_recording"] == "bool"
        assert types["talk_time_seconds"] == "int8"
        assert types["comments"] == "_jsonb", "an array of JSON objects"
        landed: dict[int, object] = dict(
            connection.execute(f"select id, call_start from {schema}.calls").fetchall()
        )
        assert landed == {i: instant(c.start).replace(tzinfo=None) for i, c in expected.items()}
        comments: dict[int, object] = dict(
            connection.execute(f"select id, cardinality(comments) from {schema}.calls").fetchall()
        )
        assert {i: comments[i] for i in changes.commented_calls} == {
            i: len(expected[i].comments) for i in changes.commented_calls
        }, "the lookback brought the comments added since the first run"


def test_duckdb_row_count_equals_ground_truth(sandbox: Sandbox, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**_tap_env(sandbox), "TARGET_DUCKDB_FILEPATH": str(warehouse)}

    run = meltano(
        "--environment=sandbox", "run", "tap-iovox", "target-duckdb", workdir=tmp_path, env=env
    )

    assert run.returncode == 0, run.stderr[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        ids = [row[0] for row in connection.sql("select id from tap_iovox.calls").fetchall()]
    assert sorted(ids) == sorted(truth(sandbox))
