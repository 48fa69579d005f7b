"""Incremental streams read in contiguous time windows, a checkpoint after each.

Few of the suite's APIs say in what order they list records, or whether their range
bounds are inclusive. So a window is read whole (every page), each record kept once and
only in the window it belongs to, and the window sorted by the replication key: the
stream is then sorted, and the STATE after each window is safe to resume from. Memory
holds one window.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property, partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

from typing_extensions import override

from support_taps_common.ahead import Ahead
from support_taps_common.errors import InvalidStateError
from support_taps_common.stream import SupportStream
from support_taps_common.times import parse_instant, whole_second
from support_taps_common.windows import Window, windows

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterator
    from datetime import datetime

    from singer_sdk.helpers.types import Context, Record


class WindowedStream(SupportStream):
    """A stream read window by window, from where its bookmark says, to the range's end.

    A tap supplies how long a window is (`window_span`), the request for the current
    `window` (in `get_url_params` or `prepare_request_payload`; paging through the
    SDK's paginators as usual), where a record belongs (`place`), and how its
    replication key is written (`bookmark_text`). Streams whose records change after
    their replication key was set re-read a `lookback` before the bookmark each run;
    the bookmark never moves back for what they re-read.
    """

    is_sorted = True
    holds_bookmark = True
    whole_seconds: ClassVar[bool] = False
    """Start and end the range on whole seconds (for APIs whose times have none)."""
    reads_ahead: ClassVar[bool] = True
    """Request the next window while this one is written; off where a window's request
    depends on what `window_done` learnt from the one before."""

    _window: Window | None = None
    _bounds: tuple[Window, str, str] | None = None

    @property
    def window_span(self) -> timedelta:
        """How much time one window covers."""
        raise NotImplementedError(f"{type(self).__name__} has no window_span")

    @property
    def lookback(self) -> timedelta:
        """How far before its bookmark a run starts (nothing by default)."""
        return timedelta(0)

    def place(self, record: Record, window: Window) -> Any | None:  # noqa: ANN401
        """Where `record` sorts in `window` (a sort key), or None if it is not the window's.

        Raises:
            MalformedResponseError: If the record has no readable replication key.
        """
        raise NotImplementedError(f"{type(self).__name__} places no records")

    def record_identity(self, record: Record) -> Hashable:
        """What makes a record the same record, if it comes twice in a window."""
        keys = self.primary_keys
        if len(keys) == 1:
            return record.get(keys[0])
        return tuple(record.get(key) for key in keys)

    def bookmark_text(self, moment: datetime) -> str:
        """The replication key's value for `moment`, in the form the tap writes it."""
        raise NotImplementedError(f"{type(self).__name__} writes no time bookmark")

    def bounds_text(self, window: Window) -> tuple[str, str]:
        """`window`'s start and end as `bookmark_text` writes them, once per window.

        For `place`: where the output form sorts as the instants do, a record's time
        converted once is compared with these, and no datetime is built per record.
        """
        if self._bounds is None or self._bounds[0] is not window:
            self._bounds = (
                window,
                self.bookmark_text(window.start),
                self.bookmark_text(window.end),
            )
        return self._bounds[1], self._bounds[2]

    @property
    def window(self) -> Window:
        """The window being requested (for `get_url_params` and friends)."""
        if self._window is None:
            raise RuntimeError(f"{self.name}: no window is being requested")
        return self._window

    @property
    def range_end(self) -> datetime:
        """Where the last window ends: the tap's `end_date`."""
        end = self.tap.end_date
        return whole_second(end) if self.whole_seconds else end

    @override
    def get_records(self, context: Context | None) -> Iterator[Record]:
        self.normalise_bookmark(context)
        plan = self.window_plan(context)
        label = " ".join([self.name, *map(str, (context or {}).values())])
        ahead = self.read_ahead(plan, context)
        for number, window in enumerate(plan, start=1):
            self.logger.info(
                "%s: window %d of %d, %s to %s",
                label,
                number,
                len(plan),
                window.start.isoformat(),
                window.end.isoformat(),
            )
            records = next(ahead)
            yield from records
            self.window_done(window, records, context)
            self.checkpoint(context)

    def read_ahead(self, plan: list[Window], context: Context | None) -> Iterator[list[Record]]:
        """Each window's records, the next window read while this one is written.

        The API's latency then overlaps the tap's own work. Not for a stream whose child
        streams read, as their requests would share the API with the next window's.
        """
        if not self.reads_ahead or self._reads_children:
            for window in plan:
                yield self.window_records(window, context)
            return
        following: Ahead[list[Record]] | None = None
        for number, window in enumerate(plan):
            records = (following or Ahead(partial(self.window_records, window, context))).result()
            # One window in flight at a time: its requests never overlap another's.
            following = None
            if number + 1 < len(plan):
                following = Ahead(partial(self.window_records, plan[number + 1], context))
            yield records

    def window_plan(self, context: Context | None) -> list[Window]:
        """The windows of this run, from `resume_from` to `range_end`."""
        start = self.resume_from(context)
        return list(windows(start, self.range_end, self.window_span, self.window_origin(start)))

    def window_origin(self, start: datetime) -> datetime:
        """Window bounds fall on this instant plus whole spans (default: the start)."""
        return start

    def resume_from(self, context: Context | None) -> datetime:
        """Where this run starts: `start_date`, or the bookmark less the lookback if later."""
        start = parse_instant(str(self.config["start_date"]))
        value = self.get_starting_replication_key_value(context)  # the later of the two
        if value is not None:
            start = max(start, self.parse_bookmark(value) - self.lookback)
        return whole_second(start) if self.whole_seconds else start

    @override
    def compare_start_date(self, value: str, start_date_value: str) -> str:
        # The SDK's own parse would fail on a bad bookmark with a traceback.
        if self.is_timestamp_replication_key:
            return max(value, start_date_value, key=self.parse_bookmark)
        return value

    def window_records(self, window: Window, context: Context | None) -> list[Record]:
        """The window's records, each once (the last copy read), sorted by `place`."""
        placed: dict[Hashable, tuple[Any, Record]] = {}
        place, identity = self.place, self.record_identity
        for record in self.request_window(window, context):
            position = place(record, window)
            if position is not None:
                placed[identity(record)] = (position, record)
        return [record for _, record in sorted(placed.values(), key=itemgetter(0))]

    def request_window(self, window: Window, context: Context | None) -> Iterator[Record]:
        """Every record the API returns for `window`'s request, all pages of it."""
        self._window = window
        try:
            yield from self.request_records(context)
        finally:
            self._window = None

    def window_done(self, window: Window, records: list[Record], context: Context | None) -> None:
        """Called once a window's records are written, before its checkpoint."""

    def checkpoint(self, context: Context | None) -> None:
        """Advance the bookmark to the window's last record (never back), and write STATE.

        In BATCH mode the SDK writes the STATE after each batch file, which holds the
        records: a STATE here would reach the target before them.
        """
        held = self.held_record
        if held is not None and self.is_before_bookmark(held, context):
            self.discard_held_bookmark()  # re-read in the lookback
        else:
            self.commit_held_bookmark(context)
        if not self.batches:
            self.write_state_message()

    @cached_property
    def batches(self) -> bool:
        """Whether records go to BATCH files (the `batch_config` setting)."""
        return self.get_batch_config(self.config) is not None

    def is_before_bookmark(self, record: Record, context: Context | None) -> bool:
        """Whether `record`'s replication key is before the current bookmark."""
        bookmark = self.get_context_state(context).get("replication_key_value")
        if bookmark is None:
            return False
        value = record[str(self.replication_key)]
        if self.is_timestamp_replication_key:
            return self.parse_bookmark(value) < self.parse_bookmark(bookmark)
        return bool(value < bookmark)

    def normalise_bookmark(self, context: Context | None) -> None:
        """Rewrite a time bookmark in the tap's own form, which the SDK compares as text.

        A STATE may come from an older release or another tool, with `Z` for `+00:00`
        or another precision; compared as text, its order could differ from the times'.
        """
        if not self.is_timestamp_replication_key:
            return
        state = self.get_context_state(context)
        value = state.get("replication_key_value")
        if value is not None:
            state["replication_key_value"] = self.bookmark_text(self.parse_bookmark(value))

    def parse_bookmark(self, value: Any) -> datetime:  # noqa: ANN401
        """A time bookmark (or replication key value) as an aware UTC datetime.

        Raises:
            InvalidStateError: If it is not a time.
        """
        try:
            return parse_instant(str(value))
        except ValueError:
            msg = f"{self.name}: the STATE bookmark {value!r} is not a time"
            raise InvalidStateError(msg) from None
