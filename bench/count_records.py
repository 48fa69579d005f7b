"""Read a tap's stdout from a pipe; write how many RECORD messages came, and their ids.

Reads Singer (`{"type": "RECORD", "record": {...}}`) and Airbyte
(`{"type": "RECORD", "record": {"data": {...}}}`) messages alike.
"""

from __future__ import annotations

import json
import sys


def main(ids_path: str, key: str) -> int:
    """Count RECORD lines on stdin; write their `key` values to `ids_path`, one per line."""
    count = 0
    with open(ids_path, "w") as ids:  # noqa: PTH123
        for line in sys.stdin.buffer:
            if b'"RECORD"' not in line[:40]:
                continue
            message = json.loads(line)
            if message.get("type") != "RECORD":
                continue
            record = message["record"]
            if "emitted_at" in record and isinstance(record.get("data"), dict):  # Airbyte
                record = record["data"]
            ids.write(f"{record.get(key)}\n")
            count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
