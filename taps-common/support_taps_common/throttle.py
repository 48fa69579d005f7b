"""A client-side rate limit, so documented limits are kept without hitting 429s."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

P = ParamSpec("P")
R = TypeVar("R")

# Requests reach the server a little earlier or later than they leave; 2% more spacing
# keeps even a jittered arrival inside the limit.
MARGIN = 1.02
SHORTEST_WINDOW = 1.0
"""No API counts its limit over less than a second; a limit per minute may be enforced as
its share per second (as a token bucket or a per-second window would)."""


class Throttle:
    """At most `limit` requests per `period` seconds, evenly spaced.

    Spacing requests `period / limit` apart keeps every reading of a limit (a sliding
    window, a fixed window, a token bucket) without a 429 and without idling: a burst
    would run ahead only to wait out the rest of the period. A limit of 0 turns it off.
    One throttle is shared by every stream (and thread) that spends the same budget.

    Spacing alone is kept at the client. A request that leaves late (a loaded machine,
    a slow connection) arrives late, close to the next one: arrivals bunch. So a request
    also waits until a period has passed since the request `limit` before it *finished*,
    after which that one has certainly arrived: no `limit + 1` requests ever reach the
    server within one period, whatever their delays. The same holds for the share of the
    limit that falls in one second (10 of 600 a minute), in case the server counts that.
    """

    def __init__(self, limit: int, period: float = 60.0) -> None:
        """Allow `limit` requests per `period` seconds (0: no limit)."""
        self.interval = period / limit * MARGIN if limit > 0 else 0.0
        self._next_send = 0.0
        self._finish_times: deque[float] = deque(maxlen=max(limit, 1))
        counts = {limit}
        if 0 < self.interval < SHORTEST_WINDOW:  # a second holds two or more requests
            counts.add(min(math.ceil(SHORTEST_WINDOW / self.interval), limit))
        # (n, s): a request leaves at least s after the one n before it finished.
        self._spans = sorted((n, n * self.interval) for n in counts)
        self._lock = threading.Lock()

    def wrap(self, request: Callable[P, R]) -> Callable[P, R]:
        """Make `request` wait for its turn before it runs."""
        if not self.interval:
            return request

        @wraps(request)
        def throttled(*args: P.args, **kwargs: P.kwargs) -> R:
            self._wait_for_a_turn()
            try:
                return request(*args, **kwargs)
            finally:
                with self._lock:
                    self._finish_times.append(time.monotonic())

        return throttled

    def _wait_for_a_turn(self) -> None:
        with self._lock:
            turn = max(time.monotonic(), self._next_send)
            finished = self._finish_times
            for count, span in self._spans:
                if len(finished) >= count:
                    turn = max(turn, finished[-count] + span)
            # Taken now, so a concurrent request gets the next turn, not this one.
            self._next_send = turn + self.interval
        delay = turn - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        with self._lock:
            # From when the sleep really ended: an overrun never shortens the next gap.
            self._next_send = max(self._next_send, time.monotonic() + self.interval)
