"""Airbyte's per-stream states in, the tap's Singer bookmarks out, one STREAM state each."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from airbyte_protocol_dataclasses.models import (
    AirbyteMessage,
    AirbyteStateMessage,
    AirbyteStateStats,
    AirbyteStateType,
    AirbyteStreamState,
    StreamDescriptor,
    Type,
)

from support_taps_common.airbyte.protocol import InputError, state_blob

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def singer_state(given: object, full_refresh: Iterable[str] = ()) -> dict[str, Any]:
    """The tap's Singer state from the state Airbyte hands back.

    Accepted: the list of state messages (the platform's and PyAirbyte's form, `[]` on a
    first sync) of STREAM states (what this source writes), GLOBAL or LEGACY ones; a
    single such message; and the legacy single object, the Singer state itself. Each
    stream's state is its Singer bookmark. Streams read whole get none.
    """
    bookmarks: dict[str, Any] = {}
    messages = given if isinstance(given, list) else [given] if given else []
    for message in messages:
        if not isinstance(message, dict):
            msg = f"a state must be a JSON object or a list of them, not {json.dumps(message)}"
            raise InputError(msg)
        try:
            bookmarks.update(_bookmarks(message))
        except (KeyError, TypeError, AttributeError, ValueError):
            msg = f"not a state this source wrote: {json.dumps(message)[:200]}"
            raise InputError(msg) from None
    for stream in full_refresh:
        bookmarks.pop(stream, None)
    return {"bookmarks": bookmarks} if bookmarks else {}


def _bookmarks(message: dict[str, Any]) -> dict[str, Any]:
    kind = str(message.get("type", "")).upper()
    if kind == "STATE":  # the whole AirbyteMessage rather than its state
        return _bookmarks(message["state"])
    if kind not in {"STREAM", "GLOBAL", "LEGACY", ""}:
        raise ValueError(kind)
    if kind == "STREAM" or (not kind and "stream" in message):
        stream = message["stream"]
        return {stream["stream_descriptor"]["name"]: stream.get("stream_state") or {}}
    if kind == "GLOBAL" or (not kind and "global" in message):
        return {
            stream["stream_descriptor"]["name"]: stream.get("stream_state") or {}
            for stream in message["global"].get("stream_states", [])
        }
    legacy = message.get("data", message)  # LEGACY, or the Singer state itself
    return dict(legacy.get("bookmarks", {}))


class StreamStates:
    """Turns each Singer STATE into STREAM states of the streams whose bookmark changed."""

    def __init__(self) -> None:
        self._written: dict[str, str] = {}
        self._records: dict[str, int] = {}

    def count(self, stream: str, records: int = 1) -> None:
        """`records` more records of `stream` were written."""
        self._records[stream] = self._records.get(stream, 0) + records

    def messages(self, singer: Mapping[str, Any]) -> list[AirbyteMessage]:
        """A STATE message per stream whose bookmark differs from the last one sent.

        Each carries the number of the stream's records written since its last state,
        which the platform checks its own count against.
        """
        changed = []
        for stream, bookmark in singer.get("bookmarks", {}).items():
            text = json.dumps(bookmark, sort_keys=True, default=str)
            if self._written.get(stream) == text:
                continue
            self._written[stream] = text
            state = AirbyteStateMessage(
                type=AirbyteStateType.STREAM,
                stream=AirbyteStreamState(
                    stream_descriptor=StreamDescriptor(name=stream),
                    stream_state=state_blob(json.loads(text)),
                ),
                sourceStats=AirbyteStateStats(recordCount=float(self._records.pop(stream, 0))),
            )
            changed.append(AirbyteMessage(type=Type.STATE, state=state))
        return changed
