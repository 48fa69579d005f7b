"""Airbyte protocol messages: the protocol's own models, written as its JSON lines."""

from __future__ import annotations

import dataclasses
import time
from enum import Enum
from typing import Any, TypeVar, cast

import msgspec
from airbyte_protocol_dataclasses.models import (
    AirbyteLogMessage,
    AirbyteMessage,
    AirbyteRecordMessage,
    AirbyteStateBlob,
    AirbyteStreamStatus,
    AirbyteStreamStatusTraceMessage,
    AirbyteTraceMessage,
    Level,
    StreamDescriptor,
    TraceType,
    Type,
)
from singer_sdk.contrib.msgspec import enc_hook

T = TypeVar("T")

_ENCODER = msgspec.json.Encoder(enc_hook=enc_hook, decimal_format="number")
# Python names that are keywords carry a trailing underscore in the models.
_RENAMED = {"global_": "global"}


class InputError(ValueError):
    """A file the source was given (settings, catalog, state) cannot be used."""


def plain(value: Any) -> Any:  # noqa: ANN401
    """A model as the protocol's JSON: enums as their values, unset (None) fields left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            _RENAMED.get(field.name, field.name): plain(item)
            for field in dataclasses.fields(value)
            if (item := getattr(value, field.name)) is not None
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def encode(message: AirbyteMessage) -> bytes:
    """One line of the protocol's output."""
    return _ENCODER.encode(plain(message)) + b"\n"


def parse(data: object, model: type[T]) -> T:
    """Protocol JSON (already decoded) as one of its models; a clear error if it is not."""
    try:
        return msgspec.convert(data, model, strict=False)
    except msgspec.ValidationError as error:
        msg = f"not a valid {model.__name__}: {error}"
        raise InputError(msg) from None


def now_ms() -> int:
    """The protocol's timestamps: whole milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def state_blob(value: dict[str, Any]) -> AirbyteStateBlob:
    """A stream's state: any JSON object (the model declares no fields for it)."""
    return cast("AirbyteStateBlob", value)


def record_start(stream: str) -> bytes:
    """A RECORD line of `stream` up to its data, which `record_end` follows.

    Records are the one message written often enough for the models' cost to matter:
    the line around the data is the models' own, the data is encoded straight after it.
    """
    empty = AirbyteRecordMessage(stream=stream, data={}, emitted_at=0)
    line = encode(AirbyteMessage(type=Type.RECORD, record=empty))
    if not line.endswith(record_end(0)):  # the models' field order changed
        msg = f"unexpected RECORD layout: {line!r}"
        raise RuntimeError(msg)
    return line[: -len(record_end(0)) - len(b"{}")]


def record_end(emitted_at: int) -> bytes:
    """The end of a RECORD line, after its data."""
    return b',"emitted_at":%d}}\n' % emitted_at


def log(level: Level, text: str) -> AirbyteMessage:
    """A LOG message."""
    return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=level, message=text))


def stream_status(stream: str, status: AirbyteStreamStatus) -> AirbyteMessage:
    """A TRACE message with a stream's status."""
    trace = AirbyteTraceMessage(
        type=TraceType.STREAM_STATUS,
        emitted_at=now_ms(),
        stream_status=AirbyteStreamStatusTraceMessage(
            stream_descriptor=StreamDescriptor(name=stream), status=status
        ),
    )
    return AirbyteMessage(type=Type.TRACE, trace=trace)
