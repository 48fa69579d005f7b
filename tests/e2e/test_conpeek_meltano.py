"""`meltano run tap-conpeek <loader>` into a real PostgreSQL and a real DuckDB file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from tests.conpeek.helpers import config, truth, utc
from tests.support.meltano import meltano

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.support.postgres import PostgresServer

TABLES = (
    ("conversation_statistics_opened", "id"),
    ("cdr_dialogs", "dialog_uuid"),
    ("callbacks", "id"),
)


def _tap_env(sandbox: Sandbox) -> dict[str, str]:
    settings = config(sandbox)
    return {
        **sandbox.tap_env(),
        "TAP_CONPEEK_START_DATE": settings["start_date"],
        "TAP_CONPEEK_END_DATE": settings["end_date"],
    }


def test_postgres_gets_typed_tables_and_no_duplicates(
    sandbox: Sandbox, postgres: PostgresServer, tmp_path: Path
) -> None:
    schema = "conpeek_e2e"
    env = {
        **_tap_env(sandbox),
        **postgres.loader_env(),
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
    }
    command = ("--environment=sandbox", "run", "tap-conpeek", "target-postgres")

    first = meltano(*command, workdir=tmp_path, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    changes = sandbox.conpeek.mutate()
    second = meltano(*command, workdir=tmp_path, env=env)
    assert second.returncode == 0, second.stderr[-3000:]

    expected = truth(sandbox)
    with postgres.connect() as connection:
        for table, key in TABLES:
            rows = connection.execute(
                f"select count(*), count(distinct {key}) from {schema}.{table}"
            ).fetchone()
            assert rows == (len(expected[table]), len(expected[table])), table
        types: dict[str, str] = dict(
            connection.execute(
                "select column_name, udt_name from information_schema.columns "
                "where table_schema = %s and table_name = 'cdr_dialogs'",
                (schema,),
            ).fetchall()
        )
        assert types["start_time"] == "timestamp"
        assert types["hangup_time"] == "timestamp"
        assert types["machine_detected"] == "bool"
        assert types["talking_time"] == "int8"
        landed: dict[str, object] = dict(
            connection.execute(
                f"select dialog_uuid, hangup_time from {schema}.cdr_dialogs"
            ).fetchall()
        )
        assert landed == {
            u: utc(c["hangup_time"]).replace(tzinfo=None)
            for u, c in expected["cdr_dialogs"].items()
        }, "calls that were running are complete after the second run"
        states: dict[int, str] = dict(
            connection.execute(f"select id, state from {schema}.callbacks").fetchall()
        )
        assert {states[i] for i in changes.updated_callbacks} == {"DONE"}


def test_duckdb_row_counts_equal_ground_truth(sandbox: Sandbox, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**_tap_env(sandbox), "TARGET_DUCKDB_FILEPATH": str(warehouse)}

    run = meltano(
        "--environment=sandbox", "run", "tap-conpeek", "target-duckdb", workdir=tmp_path, env=env
    )

    assert run.returncode == 0, run.stderr[-3000:]
    expected = truth(sandbox)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for table, key in TABLES:
            query = f"select {key} from tap_conpeek.{table}"
            keys = [row[0] for row in connection.sql(query).fetchall()]
            assert sorted(keys) == sorted(expected[table]), table
