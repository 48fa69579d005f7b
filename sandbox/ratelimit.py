"""Server-side rate limits; an over-limit request gets a 429 with Retry-After."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from typing import Protocol


class RateLimit(Protocol):
    """Admits or refuses one request of a caller."""

    def acquire(self, caller: str) -> int | None:
        """Count the request and return None, or refuse it: return Retry-After seconds."""
        ...


class SlidingWindow:
    """At most `limit` admitted requests per caller in any `period` seconds.

    Refused requests are not counted, so a client that waits what Retry-After says
    is always admitted next.
    """

    def __init__(self, limit: int, period: float = 60.0) -> None:
        """Allow `limit` requests per `period` seconds."""
        self.limit = limit
        self.period = period
        self._admitted: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    @classmethod
    def per_minute(cls, limit: int) -> SlidingWindow:
        """`limit` requests per minute."""
        return cls(limit, 60.0)

    def acquire(self, caller: str) -> int | None:
        """Admit the request, or return the whole seconds until one is admitted."""
        now = time.monotonic()
        with self._lock:
            admitted = self._admitted[caller]
            while admitted and admitted[0] <= now - self.period:
                admitted.popleft()
            if len(admitted) < self.limit:
                admitted.append(now)
                return None
            return max(1, math.ceil(admitted[0] + self.period - now))


class TokenBucket:
    """`rate` requests per second per caller, in bursts of at most `burst`.

    Each caller's bucket holds up to `burst` tokens and refills continuously at `rate`
    tokens per second; an admitted request takes one. Refused requests take nothing.
    """

    def __init__(self, rate: float, burst: int) -> None:
        """Allow `rate` requests per second with bursts of `burst`."""
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, caller: str) -> int | None:
        """Admit the request, or return the whole seconds until a token is there."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(caller, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[caller] = (tokens - 1, now)
                return None
            self._buckets[caller] = (tokens, now)
            # Retry-After is whole seconds (RFC 9110), so round the wait up.
            return max(1, math.ceil((1 - tokens) / self.rate))
