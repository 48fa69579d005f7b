"""How long to wait before retrying: what `Retry-After` says, else jittered exponential backoff.

The SDK retries 429s, 5xx, timeouts and dropped connections, but ignores `Retry-After`
and adds up to a second of jitter to every wait.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Generator

    import requests

MAX_RETRY_WAIT_SECONDS = 300.0
"""Longest wait for one retry, even when Retry-After asks for more."""

BACKOFF_FIRST_WAIT_SECONDS = 1.0
"""Without Retry-After, waits grow 1, 2, 4, 8 s, each jittered down by up to half."""


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or HTTP date), if any."""
    if response is None:
        return None
    header = response.headers.get("Retry-After")
    if header is None:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def retry_waits(
    first: float = BACKOFF_FIRST_WAIT_SECONDS, cap: float = MAX_RETRY_WAIT_SECONDS
) -> Generator[float, Any, None]:
    """The waits between tries, for `backoff.on_exception` (which sends each exception in).

    A response's `Retry-After` is waited exactly (up to `cap`); otherwise the nth wait
    is drawn from [first * 2**n / 2, first * 2**n], so clients that failed together do
    not retry together.
    """
    exception = yield 0.0  # the backoff library primes the generator first
    for attempt in itertools.count():
        wait = retry_after_seconds(getattr(exception, "response", None))
        if wait is None:
            ceiling = first * 2**attempt
            wait = random.uniform(ceiling / 2, ceiling)  # noqa: S311 (jitter, not crypto)
        exception = yield min(wait, cap)
