"""RecordBatchingWriter: few writes, STATE never ahead of its records, the SDK's bytes."""

from __future__ import annotations

import json
from contextlib import redirect_stdout
from datetime import datetime, timezone
from typing import Any

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage
from support_taps_common.writer import FLUSH_BYTES, RecordBatchingWriter


class Stdout:
    """A stdout that counts the writes reaching it, as an unbuffered one would see them."""

    def __init__(self) -> None:
        self.buffer = self
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.writes.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in b"".join(self.writes).splitlines()]


def test_records_wait_for_the_next_state_and_go_out_ahead_of_it() -> None:
    stdout, writer = Stdout(), RecordBatchingWriter()
    with redirect_stdout(stdout):  # type: ignore[type-var]
        for n in range(100):
            writer.write_message(RecordMessage(stream="s", record={"id": n}))
        assert stdout.writes == []
        writer.write_message(StateMessage(value={"bookmarks": {"s": {"n": 99}}}))

    assert len(stdout.writes) == 1
    messages = stdout.messages()
    assert [m["record"]["id"] for m in messages[:-1]] == list(range(100))
    assert messages[-1] == {"type": "STATE", "value": {"bookmarks": {"s": {"n": 99}}}}


def test_a_large_backlog_is_sent_before_the_state() -> None:
    stdout, writer = Stdout(), RecordBatchingWriter()
    with redirect_stdout(stdout):  # type: ignore[type-var]
        for n in range(2000):
            writer.write_record("s", {"id": n, "text": "x" * 100}, None)
        assert stdout.writes, "more than FLUSH_BYTES waiting"
        assert all(len(w) < FLUSH_BYTES + 200 for w in stdout.writes)
        writer.flush()
    assert [m["record"]["id"] for m in stdout.messages()] == list(range(2000))


def test_write_record_writes_what_the_sdk_writes() -> None:
    extracted = datetime(2025, 1, 1, 12, 30, 1, 123456, tzinfo=timezone.utc)
    record = {"id": 7, "at": "2025-01-01T00:00:00+00:00", "nested": {"a": [1, 2.5, None]}}
    sdk = MsgSpecWriter().format_message(
        RecordMessage(stream="s", record=record, version=3, time_extracted=extracted)
    )
    stdout, writer = Stdout(), RecordBatchingWriter()
    with redirect_stdout(stdout):  # type: ignore[type-var]
        writer.write_record("s", record, 3)
        writer.flush()

    ours = stdout.writes[0]
    stamp = json.loads(ours)["time_extracted"]
    assert stamp.endswith("Z")
    assert ours == bytes(sdk).replace(b"2025-01-01T12:30:01.123456Z", stamp.encode())


def test_a_repeated_schema_is_written_once() -> None:
    schema = {"properties": {"id": {"type": "integer"}}}
    stdout, writer = Stdout(), RecordBatchingWriter()
    with redirect_stdout(stdout):  # type: ignore[type-var]
        for _ in range(3):
            writer.write_message(SchemaMessage("child", schema, ["id"]))
        writer.write_message(SchemaMessage("other", schema, ["id"]))
        changed = {"properties": {"id": {"type": "integer"}, "n": {"type": "string"}}}
        writer.write_message(SchemaMessage("child", changed, ["id"]))

    streams = [(m["stream"], len(m["schema"]["properties"])) for m in stdout.messages()]
    assert streams == [("child", 1), ("other", 1), ("child", 2)]
