"""The tap's output as Airbyte messages: records, states, stream statuses and logs."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from typing import TYPE_CHECKING, Any

from airbyte_protocol_dataclasses.models import AirbyteStreamStatus, Level
from singer_sdk.singerlib import RecordMessage, SchemaMessage, StateMessage
from typing_extensions import override

from support_taps_common.airbyte.protocol import (
    encode,
    log,
    now_ms,
    record_end,
    record_start,
    stream_status,
)
from support_taps_common.airbyte.state import StreamStates
from support_taps_common.writer import FLUSH_BYTES, RecordBatchingWriter, encode_record_into

if TYPE_CHECKING:
    from collections.abc import Iterable

    from airbyte_protocol_dataclasses.models import AirbyteMessage
    from singer_sdk.singerlib import Message

_LEVELS = {
    logging.DEBUG: Level.DEBUG,
    logging.INFO: Level.INFO,
    logging.WARNING: Level.WARN,
    logging.ERROR: Level.ERROR,
    logging.CRITICAL: Level.FATAL,
}

_RANKS = {
    None: 0,
    AirbyteStreamStatus.STARTED: 1,
    AirbyteStreamStatus.RUNNING: 2,
    AirbyteStreamStatus.COMPLETE: 3,  # terminal: the one status a stream ends with
    AirbyteStreamStatus.INCOMPLETE: 3,
}


class Output:
    """stdout, one whole line at a time, whichever thread writes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def write(self, *messages: AirbyteMessage) -> None:
        """Write messages now."""
        self.write_bytes(b"".join(encode(message) for message in messages))

    def write_bytes(self, lines: bytes | bytearray) -> None:
        """Write whole lines now."""
        with self.lock:
            sys.stdout.buffer.write(lines)
            sys.stdout.buffer.flush()


class AirbyteLogHandler(logging.Handler):
    """Every log line as a LOG message (secrets are already redacted from the record)."""

    def __init__(self, output: Output) -> None:
        super().__init__()
        self.output = output

    @override
    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            message = log(_LEVELS.get(record.levelno, Level.INFO), f"{record.name}: {text}")
            if record.exc_info and message.log:
                message.log.stack_trace = record.exc_text or "".join(
                    traceback.format_exception(*record.exc_info)
                )
            self.output.write(message)
        except Exception:  # noqa: BLE001  # as logging.Handler does
            self.handleError(record)


def log_to(output: Output, level: int = logging.INFO) -> None:
    """Send every log line (the SDK's and the tap's) to `output`, and warnings with them."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(AirbyteLogHandler(output))
    root.setLevel(level)
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):  # the SDK's own loggers keep no handler
            logger.handlers.clear()
            logger.propagate = True
    logging.captureWarnings(capture=True)


class AirbyteWriter(RecordBatchingWriter):
    """The tap's message writer, writing Airbyte messages instead of Singer ones.

    Records are encoded straight into the output, as the Singer writer does, and wait
    for the next STATE as they do there. Each configured stream reports STARTED with its
    first SCHEMA, RUNNING with its first record, and COMPLETE when its sync ended (or,
    after a failure, INCOMPLETE).
    """

    def __init__(self, output: Output, streams: Iterable[str]) -> None:
        super().__init__()
        self.output = output
        self.states = StreamStates()
        self._status: dict[str, AirbyteStreamStatus | None] = dict.fromkeys(streams)
        self._starts: dict[str, bytes] = {}

    @override
    def write_message(self, message: Message) -> None:
        if isinstance(message, RecordMessage):
            self.write_record(message.stream, message.record, None)
        elif isinstance(message, SchemaMessage):
            self._report(message.stream, AirbyteStreamStatus.STARTED)
        elif isinstance(message, StateMessage):
            self.flush()  # the records the state covers go first
            self.output.write(*self.states.messages(message.value))
        # ACTIVATE_VERSION and BATCH have no Airbyte counterpart.

    @override
    def write_record(self, stream: str, record: dict[str, Any], version: int | None) -> None:
        start = self._starts.get(stream)
        if start is None:
            start = self._starts[stream] = record_start(stream)
            self._report(stream, AirbyteStreamStatus.RUNNING)
        pending = self._hold(start)
        encode_record_into(record, pending)
        pending += record_end(now_ms())
        self.states.count(stream)
        if len(pending) >= FLUSH_BYTES:
            self.flush()

    @override
    def flush(self) -> None:
        with self.output.lock:
            super().flush()

    @override
    def streams_synced(self, streams: Iterable[str]) -> None:
        for stream in streams:
            self._report(stream, AirbyteStreamStatus.COMPLETE)

    def finish(self, *, failed: bool) -> None:
        """Write what waits, and a terminal status for every configured stream."""
        self.flush()
        end = AirbyteStreamStatus.INCOMPLETE if failed else AirbyteStreamStatus.COMPLETE
        for stream in self._status:
            self._report(stream, end)

    def _report(self, stream: str, status: AirbyteStreamStatus) -> None:
        """Move a configured stream on to `status`, through STARTED; never back."""
        if stream not in self._status or _RANKS[self._status[stream]] >= _RANKS[status]:
            return
        if self._status[stream] is None and status != AirbyteStreamStatus.STARTED:
            self._report(stream, AirbyteStreamStatus.STARTED)
        self.flush()  # the stream's records so far go first
        self._status[stream] = status
        self.output.write(stream_status(stream, status))
