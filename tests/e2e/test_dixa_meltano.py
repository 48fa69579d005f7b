"""`meltano run tap-dixa <loader>` into a real PostgreSQL and a real DuckDB file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from tests.dixa.helpers import config, instant
from tests.support.meltano import meltano

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.support.postgres import PostgresServer


def _tap_env(sandbox: Sandbox) -> dict[str, str]:
    settings = config(sandbox)
    return {
        **sandbox.tap_env(),
        "TAP_DIXA_START_DATE": settings["start_date"],
        "TAP_DIXA_END_DATE": settings["end_date"],
        "TAP_DIXA_WINDOW_DAYS": "7",
    }


def test_postgres_gets_typed_tables_and_no_duplicates(
    sandbox: Sandbox, postgres: PostgresServer, tmp_path: Path
) -> None:
    schema = "dixa_e2e"
    env = {
        **_tap_env(sandbox),
        **postgres.loader_env(),
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
    }

    first = meltano(
        "--environment=sandbox", "run", "tap-dixa", "target-postgres", workdir=tmp_path, env=env
    )
    assert first.returncode == 0, first.stderr[-3000:]
    changes = sandbox.dixa.mutate()
    second = meltano(
        "--environment=sandbox", "run", "tap-dixa", "target-postgres", workdir=tmp_path, env=env
    )
    assert second.returncode == 0, second.stderr[-3000:]

    truth = sandbox.dixa.exports_data
    with postgres.connect() as connection:
        for table, expected in (
            ("conversations", truth.conversations),
            ("messages", truth.messages),
        ):
            rows = connection.execute(
                f"select count(*), count(distinct id) from {schema}.{table}"
            ).fetchone()
            assert rows == (len(expected), len(expected)), table
        types: dict[str, str] = dict(
            connection.execute(
                "select column_name, udt_name from information_schema.columns "
                "where table_schema = %s and table_name = 'conversations'",
                (schema,),
            ).fetchall()
        )
        assert types["id"] == "int8"
        assert types["updated_at"] == "timestamp"
        assert types["closed_at"] == "timestamp"
        assert types["ratings"] == "_jsonb"
        assert types["custom_fields"] == "_jsonb"
        assert types["tags"] == "_text"
        assert types["handling_duration"] == "int8"
        landed: dict[int, object] = dict(
            connection.execute(f"select id, updated_at from {schema}.conversations").fetchall()
        )
        assert landed == {
            key: instant(c["updated_at"]).replace(tzinfo=None)
            for key, c in truth.conversations.items()
        }
        statuses: dict[int, str] = dict(
            connection.execute(f"select id, status from {schema}.conversations").fetchall()
        )
        assert {statuses[c] for c in changes.updated_conversations} == {"closed"}


def test_duckdb_row_counts_equal_ground_truth(sandbox: Sandbox, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**_tap_env(sandbox), "TARGET_DUCKDB_FILEPATH": str(warehouse)}

    run = meltano(
        "--environment=sandbox", "run", "tap-dixa", "target-duckdb", workdir=tmp_path, env=env
    )

    assert run.returncode == 0, run.stderr[-3000:]
    truth = sandbox.dixa.exports_data
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for table, expected in (
            ("conversations", truth.conversations),
            ("messages", truth.messages),
        ):
            ids = {row[0] for row in connection.sql(f"select id from tap_dixa.{table}").fetchall()}
            assert ids == set(expected), table
            (count,) = connection.sql(f"select count(*) from tap_dixa.{table}").fetchone() or (0,)
            assert count == len(expected), table
