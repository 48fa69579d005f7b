"""Singer messages to stdout, flushed at every message but a RECORD."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import RecordMessage
from typing_extensions import override

if TYPE_CHECKING:
    from singer_sdk.singerlib import Message


class RecordBatchingWriter(MsgSpecWriter):
    """The msgspec writer, letting stdout's buffer gather records into one system call.

    A RECORD is sent by the next flush: the next STATE (or any other message), a full buffer
    or the end of the run, always in order, so a STATE never reaches the target before the
    records it covers.
    """

    @override
    def write_message(self, message: Message) -> None:
        sys.stdout.buffer.write(self.format_message(message))
        if not isinstance(message, RecordMessage):
            sys.stdout.flush()
