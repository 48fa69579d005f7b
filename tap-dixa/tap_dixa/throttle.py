"""Client-side rate limits, so documented limits are kept without hitting 429s."""

from __future__ import annotations

import time
from collections import deque
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

P = ParamSpec("P")
R = TypeVar("R")

# Responses are stamped when they arrive, which is after the server counted the
# request; the margin absorbs clock granularity.
MARGIN_SECONDS = 0.05


class RequestBudget(Protocol):
    """Something that makes requests wait for their turn."""

    def wrap(self, request: Callable[P, R]) -> Callable[P, R]:
        """Make `request` wait for its turn before it runs."""
        ...


class Throttle:
    """At most `limit` requests in any `period` seconds; a limit of 0 turns it off."""

    def __init__(self, limit: int, period: float = 60.0) -> None:
        """Allow `limit` requests per `period` seconds."""
        self.limit = limit
        self.period = period
        self._finished: deque[float] = deque()

    def wrap(self, request: Callable[P, R]) -> Callable[P, R]:
        """Make `request` wait for its turn before it runs."""
        if self.limit <= 0:
            return request

        @wraps(request)
        def throttled(*args: P.args, **kwargs: P.kwargs) -> R:
            self._wait_for_turn()
            try:
                return request(*args, **kwargs)
            finally:
                self._finished.append(time.monotonic())

        return throttled

    def _wait_for_turn(self) -> None:
        now = time.monotonic()
        while self._finished and self._finished[0] <= now - self.period:
            self._finished.popleft()
        if len(self._finished) >= self.limit:
            oldest = self._finished.popleft()
            time.sleep(max(0.0, oldest + self.period + MARGIN_SECONDS - now))


class Spacing:
    """At most `rate` requests per second, evenly spaced; a rate of 0 turns it off.

    Even spacing never drains a token bucket that refills at `rate` (Dixa's API: 10/s,
    bursts of 4), however long the run, and never waits longer than the rate requires.
    """

    def __init__(self, rate: float) -> None:
        """Start requests at least 1/`rate` seconds apart."""
        self.interval = 1 / rate if rate > 0 else 0.0
        self._next_start = 0.0

    def wrap(self, request: Callable[P, R]) -> Callable[P, R]:
        """Make `request` wait for its turn before it runs."""
        if self.interval <= 0:
            return request

        @wraps(request)
        def spaced(*args: P.args, **kwargs: P.kwargs) -> R:
            wait = self._next_start - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            # From when this request really starts, so no two starts are closer than
            # the interval even when a sleep overruns.
            self._next_start = time.monotonic() + self.interval
            return request(*args, **kwargs)

        return spaced
