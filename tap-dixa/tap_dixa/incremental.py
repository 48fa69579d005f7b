"""Streams read in contiguous time windows from their bookmark, each window sorted."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_dixa.client import DixaStream
from tap_dixa.timestamps import iso, parse_instant
from tap_dixa.windows import windows

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import timedelta

    from singer_sdk.helpers.types import Context

    from tap_dixa.windows import Window


class WindowedStream(DixaStream):
    """A stream read one time window at a time, each window sorted by its key.

    Sorting within contiguous windows makes the whole stream sorted, so the SDK's
    bookmark is resumable; a STATE message is written after every window.
    """

    is_sorted = True

    @property
    @abc.abstractmethod
    def window_span(self) -> timedelta:
        """How much time one window covers."""

    @abc.abstractmethod
    def window_records(self, window: Window, context: Context | None) -> list[dict[str, Any]]:
        """The records whose replication key is in `window`, sorted by it."""

    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        self._normalise_bookmark(context)
        start = self.get_starting_timestamp(context) or parse_instant(self.config["start_date"])
        planned = list(windows(start, self.tap.end_date, self.window_span))
        label = " ".join([self.name, *map(str, (context or {}).values())])
        for number, window in enumerate(planned, start=1):
            self.logger.info(
                "%s: window %d of %d, %s to %s",
                label,
                number,
                len(planned),
                iso(window.start),
                iso(window.end),
            )
            yield from self.window_records(window, context)
            self._write_state_message()

    def _normalise_bookmark(self, context: Context | None) -> None:
        """Rewrite a bookmark in this tap's own format (the SDK compares them as text)."""
        state = self.get_context_state(context)
        value = state.get("replication_key_value")
        if isinstance(value, str):
            state["replication_key_value"] = iso(parse_instant(value))
