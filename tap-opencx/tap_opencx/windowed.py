"""Incremental cursor streams read in time windows, each window sorted by its key."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from typing_extensions import override

from tap_opencx.cursor import CursorStream
from tap_opencx.timestamps import SECOND, iso, parse_instant, request_time
from tap_opencx.windows import Window, windows

if TYPE_CHECKING:
    from collections.abc import Iterator

    from singer_sdk.helpers.types import Context


class WindowedStream(CursorStream):
    """An endpoint with a time-range filter on the replication key, read window by window.

    Open CX does not say in what order items come, so each window is read whole and
    sorted by the replication key; contiguous sorted windows make the stream sorted, so
    the SDK's bookmark is safe to resume from. A STATE message follows every window.
    """

    range_params: ClassVar[tuple[str, str]]
    """The names of the range's start and end parameters, e.g. updated_after/_before."""

    is_sorted = True

    @cached_property
    def window_span(self) -> timedelta:
        """The configured window length."""
        return timedelta(days=int(self.config["window_days"]))

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        window = context or {}
        after, before = self.range_params
        return {after: window.get("after"), before: window.get("before"), "cursor": next_page_token}

    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, Any]]:
        self._normalise_bookmark(context)
        start = self.get_starting_timestamp(context) or parse_instant(self.config["start_date"])
        planned = list(windows(start, self.tap.end_date, self.window_span))
        for number, window in enumerate(planned, start=1):
            self.logger.info(
                "%s: window %d of %d, %s to %s",
                self.name,
                number,
                len(planned),
                iso(window.start),
                iso(window.end),
            )
            yield from self._window_records(window)
            self._write_state_message()

    def _normalise_bookmark(self, context: Context | None) -> None:
        """Rewrite a bookmark in this tap's own form (the SDK compares them as text)."""
        state = self.get_context_state(context)
        value = state.get("replication_key_value")
        if isinstance(value, str):
            state["replication_key_value"] = iso(parse_instant(value))

    def _window_records(self, window: Window) -> list[dict[str, Any]]:
        # The API does not say whether the range's bounds are inclusive, nor whether it
        # reads fractions of seconds. Asking for (start - 1 s, end rounded up) covers
        # [start, end) under every reading; records outside [start, end) are dropped,
        # so a record on a window boundary lands in exactly one window.
        request = {
            "after": request_time(window.start - SECOND),
            "before": request_time(window.end, round_up=True),
        }
        keyed = []
        for record in self.request_records(request):
            moment = self.instant_of(record, str(self.replication_key))
            if window.start <= moment < window.end:
                keyed.append((moment, [str(record.get(k)) for k in self.primary_keys], record))
        keyed.sort(key=lambda entry: (entry[0], entry[1]))
        return [record for _, _, record in keyed]
