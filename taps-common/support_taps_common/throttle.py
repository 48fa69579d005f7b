"""A client-side rate limit, so documented limits are kept without hitting 429s."""

from __future__ import annotations

import time
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

P = ParamSpec("P")
R = TypeVar("R")

# Requests reach the server a little earlier or later than they leave; 2% more spacing
# keeps even a jittered arrival inside the limit.
MARGIN = 1.02


class Throttle:
    """At most `limit` requests per `period` seconds, evenly spaced.

    Spacing requests `period / limit` apart keeps every reading of a limit (a sliding
    window, a fixed window, a token bucket) without a 429 and without idling: a burst
    would run ahead only to wait out the rest of the period. A limit of 0 turns it off.
    One throttle is shared by every stream that spends the same budget.
    """

    def __init__(self, limit: int, period: float = 60.0) -> None:
        """Allow `limit` requests per `period` seconds (0: no limit)."""
        self.interval = period / limit * MARGIN if limit > 0 else 0.0
        self._next_send = 0.0

    def wrap(self, request: Callable[P, R]) -> Callable[P, R]:
        """Make `request` wait for its turn before it runs."""
        if not self.interval:
            return request

        @wraps(request)
        def throttled(*args: P.args, **kwargs: P.kwargs) -> R:
            now = time.monotonic()
            if now < self._next_send:
                time.sleep(self._next_send - now)
                # From when the sleep really ended, so an overrun never makes the next
                # gap shorter than the interval.
                now = time.monotonic()
            self._next_send = now + self.interval
            return request(*args, **kwargs)

        return throttled
