"""PyAirbyte, driven by the tests: runs in its own virtualenv (.venv-airbyte).

Reads one JSON command per line on stdin and answers one JSON line on the stdout it was
started with (PyAirbyte's own output goes to stderr). Commands:
`{"op": "check" | "discover" | "read", "executable": ..., "config": {...}, ...}`; a read
names its `streams` and the `cache` folder (a DuckDB cache, PyAirbyte's default kind)
and answers with the rows of each stream and the state PyAirbyte kept.
"""

from __future__ import annotations

import os

# Before `import airbyte`: no connector registry (no network here), no telemetry.
os.environ["AIRBYTE_OFFLINE_MODE"] = "1"
os.environ["DO_NOT_TRACK"] = "1"

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import airbyte as ab
from airbyte.caches import DuckDBCache
from sqlalchemy import inspect, text

replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)  # whatever PyAirbyte prints is not an answer


def source(command: dict[str, Any]) -> Any:  # noqa: ANN401
    return ab.get_source(
        command["name"],
        local_executable=command["executable"],
        config=command["config"],
        install_if_missing=False,
    )


def cache(folder: str) -> DuckDBCache:
    root = Path(folder)
    return DuckDBCache(db_path=root / "default_cache.duckdb", cache_dir=root)


def check(command: dict[str, Any]) -> dict[str, Any]:
    source(command).check()
    return {"ok": True}


def discover(command: dict[str, Any]) -> dict[str, Any]:
    catalog = source(command).discovered_catalog
    return {
        "streams": {
            stream.name: {
                "sync_modes": [mode.value for mode in stream.supported_sync_modes],
                "cursor": stream.default_cursor_field,
                "primary_key": stream.source_defined_primary_key,
                "properties": sorted(stream.json_schema.get("properties", {})),
            }
            for stream in catalog.streams
        }
    }


def read(command: dict[str, Any]) -> dict[str, Any]:
    connector = source(command)
    connector.select_streams(command["streams"])
    target = cache(command["cache"])
    started = time.perf_counter()
    result = connector.read(cache=target, force_full_refresh=command.get("full_refresh", False))
    seconds = time.perf_counter() - started  # the read alone: no import, no cache query
    return {"records": result.processed_records, "seconds": seconds, **contents(command)}


def contents(command: dict[str, Any]) -> dict[str, Any]:
    """The rows of the cache's stream tables, and the state it keeps for the source.

    `columns` (optional) names the columns to return per stream; all by default.
    """
    target = cache(command["cache"])
    state = target.get_state_provider(command["name"]).to_state_input_file_text()
    rows: dict[str, list[dict[str, Any]]] = {}
    wanted = command.get("columns", {})
    with target.get_sql_engine().connect() as db:
        tables = set(inspect(db).get_table_names(schema=target.schema_name))
        for stream in command["streams"]:
            if stream not in tables:
                rows[stream] = []
                continue
            selected = ", ".join(wanted.get(stream, ["*"]))
            found = db.execute(text(f"SELECT {selected} FROM {target.schema_name}.{stream}"))
            rows[stream] = [dict(row._mapping) for row in found]
    return {"rows": rows, "state": json.loads(state or "[]")}


def connector_log(error: Exception) -> str:
    """The connector's own log (its stderr and LOG messages), the file a connector error names.

    Read from the error's `log_file`, not from its message: with `CI` set PyAirbyte prints
    the whole log into the message instead of the file's name.
    """
    log_file = getattr(error, "log_file", None)
    return Path(log_file).read_text(encoding="utf-8") if log_file else ""


OPS = {"check": check, "discover": discover, "read": read, "contents": contents}

for line in sys.stdin:
    command = json.loads(line)
    try:
        answer = OPS[command["op"]](command)
    except Exception as error:  # noqa: BLE001  # the test asserts on what failed
        answer = {
            "error": type(error).__name__,
            "message": str(error),
            "log": connector_log(error),
            "trace": traceback.format_exc(),
        }
    replies.write(json.dumps(answer, default=str) + "\n")
    replies.flush()
