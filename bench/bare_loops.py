"""The floor each tap is measured against: the same pages fetched by a bare loop.

requests + json + one Singer RECORD line per record, nothing else: no SDK, no schema,
no state. `python -m bench.bare_loops <tap> <settings JSON>` writes to stdout.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

DAY_MS = 86_400_000


def dixa_conversations(settings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The export windows tap-dixa requests: 31 days less 1 ms, asked from 1 ms early."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {settings['token']}"
    url = settings["url"] + "/v1/conversation_export"
    start, end = settings["start_ms"], settings["end_ms"]
    while start < end:
        stop = min(start + 31 * DAY_MS - 1, end)
        params = {"updated_after": start - 1, "updated_before": stop}
        yield from session.get(url, params=params, timeout=300).json()
        start = stop


def opencx_sessions(settings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The windows tap-opencx requests (from 1 s early), each followed by its cursor."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {settings['key']}"
    url = settings["url"] + "/chat/sessions"
    start, end = settings["start_ms"] // 1000, -(-settings["end_ms"] // 1000)
    step = settings["window_days"] * DAY_MS // 1000
    while start < end:
        stop = min(start + step, end)
        params = {"updated_after": _utc(start - 1), "updated_before": _utc(stop)}
        cursor = None
        while True:
            page = session.get(url, params={**params, "cursor": cursor}, timeout=300).json()
            yield from page["items"]
            cursor = page["next"]
            if not cursor:
                break
        start = stop


def conpeek_dialogs(settings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The windows tap-conpeek requests, each read by offset in pages of 500 rows."""
    session = requests.Session()
    session.headers["Authorization"] = settings["key"]
    url = settings["url"] + "/cdr_dialog"
    start, end = settings["start_s"], settings["end_s"]
    step, limit = settings["window_hours"] * 3600, 500
    while start < end:
        stop = min(start + step, end)
        conditions = [
            {"property": "start_time", "operator": "gte", "value": _naive_utc(start)},
            {"property": "start_time", "operator": "lt", "value": _naive_utc(stop)},
        ]
        query: dict[str, str | int] = {"filter": json.dumps(conditions), "limit": limit}
        offset = 0
        while True:
            page = session.get(url, params={**query, "offset": offset}, timeout=300)
            rows = page.json()["data"]
            yield from rows
            if len(rows) < limit:
                break
            offset += len(rows)
        start = stop


def iovox_calls(settings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The daily windows tap-iovox requests (from 1 s early), paged until a short page."""
    session = requests.Session()
    session.headers.update({"username": settings["username"], "secureKey": settings["secure_key"]})
    url = settings["url"] + "/calls/insights"
    start, end = settings["start_s"], settings["end_s"]
    step, limit = settings["window_days"] * DAY_MS // 1000, 20_000
    while start < end:
        stop = min(start + step, end)
        query: dict[str, str | int] = {
            "start_date": _naive_utc(start - 1),
            "end_date": _naive_utc(stop),
            "order": "call_start_ASC",
            "limit": limit,
            "response_fields": settings["fields"],
        }
        page = 1
        while True:
            calls = session.get(url, params={**query, "page": page}, timeout=300).json()
            yield from calls
            if len(calls) < limit:
                break
            page += 1
        start = stop


def _utc(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _naive_utc(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))


LOOPS: dict[str, tuple[str, Callable[[dict[str, Any]], Iterator[dict[str, Any]]]]] = {
    "tap-dixa": ("conversations", dixa_conversations),
    "tap-opencx": ("sessions", opencx_sessions),
    "tap-iovox": ("calls", iovox_calls),
    "tap-conpeek": ("cdr_dialogs", conpeek_dialogs),
}


def main(tap: str, settings: str) -> int:
    """Write one RECORD line per record of `tap`'s main stream."""
    stream, loop = LOOPS[tap]
    write = sys.stdout.write
    for record in loop(json.loads(settings)):
        write(json.dumps({"type": "RECORD", "stream": stream, "record": record}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
