"""Faults a simulated API can inject into its answers."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Protocol

from sandbox.wire import Response

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox.wire import Request

    Respond = Callable[[Request], Response]


class Drop:
    """Marker: close the connection without answering."""


DROP = Drop()


class Fault(Protocol):
    """Something that replaces or alters the answer to one request."""

    def apply(self, request: Request, respond: Respond) -> Response | Drop:
        """Answer `request`; `respond` produces the normal answer."""
        ...


@dataclass(frozen=True)
class Status:
    """Answer with a fixed status, body and headers instead of the real answer."""

    status: int
    body: bytes = b'{"message":"There was an internal server error"}'
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def apply(self, request: Request, respond: Respond) -> Response | Drop:  # noqa: ARG002
        """Return the fixed answer."""
        return Response(self.status, self.body, dict(self.headers), self.content_type)


@dataclass(frozen=True)
class TooManyRequests:
    """A 429, with `Retry-After` in seconds or as an HTTP date, or without it.

    An HTTP date is taken when the request arrives, so it says "in `retry_after` s"
    however long after the fault was set up that is.
    """

    retry_after: float | None = None
    http_date: bool = False

    def apply(self, request: Request, respond: Respond) -> Response | Drop:  # noqa: ARG002
        """Refuse the request."""
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            if self.http_date:
                when = datetime.now(timezone.utc) + timedelta(seconds=self.retry_after)
                headers["Retry-After"] = format_datetime(when, usegmt=True)
            else:
                headers["Retry-After"] = f"{self.retry_after:g}"
        return Response(429, b'{"message":"API limit has been reached"}', headers)


def too_many_requests(retry_after: float | None = None, *, http_date: bool = False) -> Fault:
    """A 429, with `Retry-After` in seconds or as an HTTP date, or without it."""
    return TooManyRequests(retry_after, http_date)


@dataclass(frozen=True)
class DropConnection:
    """Close the connection without sending anything."""

    def apply(self, request: Request, respond: Respond) -> Response | Drop:  # noqa: ARG002
        """Drop."""
        return DROP


@dataclass(frozen=True)
class Delay:
    """Answer normally, but only after `seconds` (to trip client timeouts)."""

    seconds: float

    def apply(self, request: Request, respond: Respond) -> Response | Drop:
        """Wait, then answer."""
        time.sleep(self.seconds)
        return respond(request)


@dataclass(frozen=True)
class Truncate:
    """Answer with the real status but only the first half of the body."""

    def apply(self, request: Request, respond: Respond) -> Response | Drop:
        """Cut the real body in half."""
        response = respond(request)
        response.body = response.body[: max(1, len(response.body) // 2)]
        return response


def html_page(status: int = 200) -> Status:
    """An HTML page where JSON was expected (a proxy or maintenance page)."""
    return Status(
        status,
        b"<html><head><title>Maintenance</title></head><body>Back soon</body></html>",
        content_type="text/html",
    )


@dataclass
class Hold:
    """Block the request until released, so a test can act at a known point."""

    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def apply(self, request: Request, respond: Respond) -> Response | Drop:
        """Signal arrival, wait for release, then answer normally."""
        self.reached.set()
        self.released.wait()
        return respond(request)

    def release(self) -> None:
        """Let the held request through."""
        self.released.set()


@dataclass
class _Rule:
    fault: Fault
    path: str | None
    skip: int
    times: int


class FaultRules:
    """Faults waiting for the requests they apply to (thread-safe)."""

    def __init__(self) -> None:
        """Start with no faults."""
        self._rules: list[_Rule] = []
        self._holds: list[Hold] = []
        self._lock = threading.Lock()

    def inject(
        self,
        fault: Fault,
        *,
        path: str | None = None,
        times: int = 1,
        skip: int = 0,
    ) -> None:
        """Apply `fault` to `times` requests for `path` (any path if None), after `skip`."""
        with self._lock:
            self._rules.append(_Rule(fault, path, skip, times))
            if isinstance(fault, Hold):
                self._holds.append(fault)

    def take(self, path: str) -> Fault | None:
        """Return the fault for this request, if one is due, and count it."""
        with self._lock:
            for rule in self._rules:
                if rule.path is not None and rule.path != path:
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.times -= 1
                if rule.times <= 0:
                    self._rules.remove(rule)
                return rule.fault
        return None

    def clear(self) -> None:
        """Remove every pending fault and release held requests."""
        self.release_all()
        with self._lock:
            self._rules.clear()

    def release_all(self) -> None:
        """Release every held request, so servers can shut down."""
        with self._lock:
            for hold in self._holds:
                hold.release()
