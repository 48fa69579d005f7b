"""Print the row count of every table in a DuckDB warehouse file."""

from __future__ import annotations

import sys

import duckdb


def main(path: str) -> int:
    """Print `schema.table  rows`, one line per table, for the file at `path`."""
    with duckdb.connect(path, read_only=True) as connection:
        tables = connection.sql(
            "select table_schema, table_name from information_schema.tables "
            "order by table_schema, table_name"
        ).fetchall()
        if not tables:
            print(f"{path}: no tables", file=sys.stderr)
            return 1
        width = max(len(f"{schema}.{table}") for schema, table in [*tables, ("", "table")])
        print(f"{'table':<{width}}  {'rows':>8}")
        for schema, table in tables:
            # Names come from information_schema, quoted.
            query = f'select count(*) from "{schema}"."{table}"'  # noqa: S608
            (count,) = connection.sql(query).fetchone() or (0,)
            print(f"{schema + '.' + table:<{width}}  {count:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "output/warehouse.duckdb"))
