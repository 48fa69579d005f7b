"""`meltano run tap-dixa <loader>` into a real PostgreSQL and a real DuckDB file, every stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from sandbox.dixa.analytics_data import METRICS, RECORD_TYPES
from tests.dixa.helpers import config, instant
from tests.support.meltano import meltano

if TYPE_CHECKING:
    from pathlib import Path

    import psycopg

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
        _check_api_tables(connection, schema, sandbox)


def _column_types(connection: psycopg.Connection, schema: str, table: str) -> dict[str, str]:
    return dict(
        connection.execute(
            "select column_name, udt_name from information_schema.columns "
            "where table_schema = %s and table_name = %s",
            (schema, table),
        ).fetchall()
    )


def _check_api_tables(connection: psycopg.Connection, schema: str, sandbox: Sandbox) -> None:
    """The Dixa API streams after two runs with a mutation between them."""
    for table, key, expected in _api_truth(sandbox):
        rows = connection.execute(
            f'select count(*), count(distinct ({key})) from {schema}."{table}"'
        ).fetchone()
        assert rows == (expected, expected), table
    activity = _column_types(connection, schema, "activity_logs")
    assert activity["activityTimestamp"] == "timestamp"
    assert activity["conversationId"] == "int8"
    assert activity["attributes"] == activity["author"] == "jsonb"
    records = _column_types(connection, schema, "analytics_records")
    assert records["primaryTimestamp"] == "timestamp"
    assert records["fields"] == records["labels"] == records["value"] == "jsonb"
    daily = _column_types(connection, schema, "analytics_metrics_daily")
    assert daily["day"] == "date"
    assert daily["value"] == "numeric"
    assert _column_types(connection, schema, "agents")["createdAt"] == "timestamp"
    assert _column_types(connection, schema, "end_users")["customAttributes"] == "_jsonb"
    landed: dict[str, object] = dict(
        connection.execute(f'select id, "activityTimestamp" from {schema}.activity_logs').fetchall()
    )
    truth = sandbox.dixa.api_data.activity_ms
    assert landed == {key: instant(at).replace(tzinfo=None) for key, at in truth.items()}
    (metrics, days, duplicates) = connection.execute(
        "select count(distinct metric_id), count(distinct day), "
        "count(*) - count(distinct (metric_id, day, timezone, measure)) "
        f"from {schema}.analytics_metrics_daily"
    ).fetchone() or (0, 0, 0)
    assert (metrics, days, duplicates) == (len(METRICS), 50, 0)


def _api_truth(sandbox: Sandbox) -> list[tuple[str, str, int]]:
    """(table, primary key, rows it should have) for the Dixa API's tables."""
    data = sandbox.dixa.api_data
    return [
        ("activity_logs", "id", len(data.activity_ms)),
        ("agents", "id", len(data.agents)),
        ("end_users", "id", len(data.end_users)),
        ("queues", "id", len(data.queues)),
        ("queue_members", '"queue_id", "agentId"', sum(map(len, data.queue_members.values()))),
        ("tags", "id", len(data.tags)),
        ("teams", "id", len(data.teams)),
        ("team_members", "team_id, id", sum(map(len, data.team_members.values()))),
        ("custom_attributes", "id", len(data.custom_attributes)),
        ("contact_endpoints", "id", len(data.contact_endpoints)),
        ("analytics_metrics_catalogue", "id", len(METRICS)),
        ("analytics_records_catalogue", "id", len(RECORD_TYPES)),
        ("analytics_filter_values", "attribute, value", _filter_values(sandbox)),
        (
            "analytics_records",
            "record_id, row_key",
            sum(map(len, sandbox.dixa.analytics_data.rows.values())),
        ),
    ]


def _filter_values(sandbox: Sandbox) -> int:
    data = sandbox.dixa.analytics_data
    names = {f for record in RECORD_TYPES.values() for f in record.filters}
    return sum(len(data.filter_values(name) or ()) for name in names)


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
        for table, key, expected_rows in _api_truth(sandbox):
            query = f'select count(*), count(distinct ({key.lower()})) from tap_dixa."{table}"'
            assert connection.sql(query).fetchone() == (expected_rows, expected_rows), table
        activity = {
            r[0] for r in connection.sql("select id from tap_dixa.activity_logs").fetchall()
        }
        assert activity == set(sandbox.dixa.api_data.activity_ms)
