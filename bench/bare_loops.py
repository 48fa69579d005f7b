"""The floor each tap is measured against: the same pages fetched by a bare loop.

requests + json + one Singer RECORD line per record, nothing else: no SDK, no schema,
no state. `python -m bench.bare_loops <tap> <settings JSON>` writes to stdout.
"""

from __future__ import annotations

import json
import sys
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


LOOPS: dict[str, tuple[str, Callable[[dict[str, Any]], Iterator[dict[str, Any]]]]] = {
    "tap-dixa": ("conversations", dixa_conversations),
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
