"""`meltano run tap-opencx <loader>` into a real PostgreSQL and a real DuckDB file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from tests.opencx.helpers import STREAMS, config, instant, truth
from tests.support.meltano import meltano

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.support.postgres import PostgresServer


def _tap_env(sandbox: Sandbox) -> dict[str, str]:
    settings = config(sandbox)
    return {
        **sandbox.tap_env(),
        "TAP_OPENCX_START_DATE": settings["start_date"],
        "TAP_OPENCX_END_DATE": settings["end_date"],
    }


def test_postgres_gets_typed_tables_and_no_duplicates(
    sandbox: Sandbox, postgres: PostgresServer, tmp_path: Path
) -> None:
    schema = "opencx_e2e"
    env = {
        **_tap_env(sandbox),
        **postgres.loader_env(),
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
    }
    run = ("--environment=sandbox", "run", "tap-opencx", "target-postgres")

    first = meltano(*run, workdir=tmp_path, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    changes = sandbox.opencx.mutate()
    second = meltano(*run, workdir=tmp_path, env=env)
    assert second.returncode == 0, second.stderr[-3000:]

    expected = truth(sandbox.opencx.data)
    data = sandbox.opencx.data
    with postgres.connect() as connection:
        for table in STREAMS:
            (count,) = connection.execute(f"select count(*) from {schema}.{table}").fetchone() or (
                0,
            )
            assert count == len(expected[table]), table
        history = set(
            connection.execute(f"select session_id, id from {schema}.session_history").fetchall()
        )
        assert history == expected["session_history"]
        types: dict[str, str] = dict(
            connection.execute(
                "select column_name, udt_name from information_schema.columns "
                "where table_schema = %s and table_name = 'sessions'",
                (schema,),
            ).fetchall()
        )
        assert types["updated_at"] == "timestamp"
        assert types["ticket_number"] == "int8"
        assert types["assist_mode"] == "bool"
        assert types["contact"] == "jsonb"
        assert types["custom_data"] == "jsonb"
        landed: dict[str, object] = dict(
            connection.execute(f"select id, updated_at from {schema}.sessions").fetchall()
        )
        assert landed == {
            key: instant(s["updated_at"]).replace(tzinfo=None)
            for key, s in data.sessions.records.items()
        }
        statuses: dict[str, str] = dict(
            connection.execute(f"select id, status from {schema}.sessions").fetchall()
        )
        assert {statuses[s] for s in changes.updated_sessions} == {"closed_resolved"}
        event = connection.execute(
            f"select event from {schema}.session_history where session_id = %s and id = %s",
            next((s, e["id"]) for s, h in data.history.items() for e in h),
        ).fetchone()
        first_event = next(iter(data.history.values()))[0]["event"]
        assert event == (first_event,)


def test_duckdb_row_counts_equal_ground_truth(sandbox: Sandbox, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**_tap_env(sandbox), "TARGET_DUCKDB_FILEPATH": str(warehouse)}

    run = meltano(
        "--environment=sandbox", "run", "tap-opencx", "target-duckdb", workdir=tmp_path, env=env
    )

    assert run.returncode == 0, run.stderr[-3000:]
    expected = truth(sandbox.opencx.data)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for table in STREAMS:
            (count,) = connection.sql(f"select count(*) from tap_opencx.{table}").fetchone() or (0,)
            assert count == len(expected[table]), table
        ids = {row[0] for row in connection.sql("select id from tap_opencx.sessions").fetchall()}
        assert ids == expected["sessions"]
