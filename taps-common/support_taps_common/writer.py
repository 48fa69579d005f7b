"""Singer output written in large chunks, records encoded straight into the chunk."""

from __future__ import annotations

import atexit
import contextlib
import sys
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, BinaryIO

import msgspec
from singer_sdk.contrib.msgspec import MsgSpecWriter, enc_hook
from singer_sdk.singerlib import SchemaMessage, SingerMessageType
from typing_extensions import override

if TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.singerlib import Message

FLUSH_BYTES = 1 << 16
"""Records are sent on at the latest once this much output is waiting."""

# The SDK's MsgSpecWriter settings, so both paths write the same bytes.
_ENCODER = msgspec.json.Encoder(enc_hook=enc_hook, decimal_format="number")


def encode_record_into(record: dict[str, Any], buffer: bytearray) -> None:
    """Append a record's JSON to `buffer`, as the SDK's writer encodes it."""
    _ENCODER.encode_into(record, buffer, -1)


class RecordBatchingWriter(MsgSpecWriter):
    """The SDK's msgspec writer, gathering records into one write instead of one each.

    Records wait in the writer until the next STATE (or any other message), or until
    `FLUSH_BYTES` are waiting, and go out ahead of it, so a target never sees a STATE
    before the records it covers; a killed run loses only records whose STATE was never
    written either. The writer keeps its own buffer, so this holds even where stdout is
    unbuffered (`PYTHONUNBUFFERED`). A SCHEMA identical to the last one of its stream is
    not repeated: the SDK writes one for every sync of a child stream, and targets
    flush their batches on each.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending = bytearray()
        self._stdout: BinaryIO | None = None
        self._schemas: dict[str, bytes] = {}
        # The RECORD around each record: its start per stream, and its end (the version
        # and time_extracted, to the millisecond) while the millisecond lasts.
        self._prefixes: dict[str, bytes] = {}
        self._millisecond = -1
        self._version: int | None = None
        self._suffix = b""
        atexit.register(self._flush_at_exit)

    @override
    def write_message(self, message: Message) -> None:
        line = bytes(self.format_message(message))  # the SDK reuses its buffer
        if message.type == SingerMessageType.RECORD:
            self._hold(line)
            if len(self._pending) >= FLUSH_BYTES:
                self.flush()
            return
        if isinstance(message, SchemaMessage):
            if self._schemas.get(message.stream) == line:
                return
            self._schemas[message.stream] = line
        self._hold(line)
        self.flush()

    def write_record(self, stream: str, record: dict[str, Any], version: int | None) -> None:
        """Write a RECORD exactly as the SDK would, without building a message object.

        Only the record itself is encoded; `time_extracted` is the time of writing, to
        the millisecond.
        """
        pending = self._hold(self._record_prefix(stream))
        encode_record_into(record, pending)
        pending += self._record_suffix(version)
        if len(pending) >= FLUSH_BYTES:
            self.flush()

    def streams_synced(self, streams: Iterable[str]) -> None:
        """These streams were read to the end (Singer has no message for it)."""

    def _record_prefix(self, stream: str) -> bytes:
        prefix = self._prefixes.get(stream)
        if prefix is None:
            encoded = _ENCODER.encode({"type": "RECORD", "stream": stream, "record": None})
            prefix = self._prefixes[stream] = encoded[: -len(b"null}")]
        return prefix

    def _record_suffix(self, version: int | None) -> bytes:
        millisecond = time.monotonic_ns() // 1_000_000
        if millisecond != self._millisecond or version != self._version:
            self._millisecond, self._version = millisecond, version
            tail: dict[str, Any] = {} if version is None else {"version": version}
            tail["time_extracted"] = datetime.now(timezone.utc)
            self._suffix = b"," + _ENCODER.encode(tail)[1:] + b"\n"
        return self._suffix

    def flush(self) -> None:
        """Send everything waiting to the stdout it was written for."""
        if self._pending:
            out = self._stdout or sys.stdout.buffer
            out.write(self._pending)
            out.flush()
            self._pending.clear()
        self._stdout = None

    def _hold(self, data: bytes | bytearray) -> bytearray:
        """Add `data` to what waits; the first of it fixes where it will go."""
        if not self._pending:
            self._stdout = sys.stdout.buffer  # what a caller redirected stdout to, then
        self._pending += data
        return self._pending

    def _flush_at_exit(self) -> None:
        if self._pending:
            with contextlib.suppress(OSError, ValueError):  # stdout closed or gone
                self.flush()
