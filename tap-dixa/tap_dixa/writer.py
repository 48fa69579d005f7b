"""Singer output that does not flush the pipe after every record."""

from __future__ import annotations

import sys

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib.messages import Message, SingerMessageType
from typing_extensions import override


class RecordBatchingWriter(MsgSpecWriter):
    """MsgSpecWriter that flushes stdout after every message except RECORDs.

    Records wait in the stdout buffer until the next STATE (or SCHEMA, ...) pushes them
    out ahead of it, so a target never sees a STATE before the records it covers; a
    killed run loses only unflushed records whose STATE was never written either.
    """

    @override
    def write_message(self, message: Message) -> None:
        sys.stdout.buffer.write(self.format_message(message))
        if message.type != SingerMessageType.RECORD:
            sys.stdout.flush()
