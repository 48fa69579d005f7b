"""A small HTTP framework for simulated APIs: routing, auth, rate limits, faults, logs."""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from sandbox.faults import Drop, FaultRules
from sandbox.wire import LoggedRequest, Request, Response

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox.ratelimit import RateLimit


class Api:
    """One simulated API: its routes, authentication, rate limit, faults and request log.

    `authenticate` returns the caller's identity (used as the rate-limit key) or None
    for a 401. Handlers receive a `Request` and return a `Response`.
    """

    def __init__(
        self,
        name: str,
        *,
        authenticate: Callable[[Request], str | None],
        rate_limit: RateLimit | None = None,
        unauthorized: Callable[[], Response] | None = None,
    ) -> None:
        """Create an API with no routes."""
        self.name = name
        self.authenticate = authenticate
        self.rate_limit = rate_limit
        self.unauthorized = unauthorized or (
            lambda: Response.error(401, "Invalid or missing credentials")
        )
        self.faults = FaultRules()
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Response]]] = []
        self._log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()

    def route(
        self, method: str, pattern: str
    ) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
        """Register a handler; `{name}` segments are passed as keyword arguments."""
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")

        def register(handler: Callable[..., Response]) -> Callable[..., Response]:
            self._routes.append((method, regex, handler))
            return handler

        return register

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request received so far, oldest first."""
        with self._log_lock:
            return list(self._log)

    def requests_to(self, path: str) -> list[LoggedRequest]:
        """The requests received for one path."""
        return [r for r in self.requests if r.path == path]

    def clear_log(self) -> None:
        """Forget the requests received so far."""
        with self._log_lock:
            self._log.clear()

    def respond(self, request: Request) -> Response:
        """Answer a request that no fault intercepted."""
        caller = self.authenticate(request)
        if caller is None:
            return self.unauthorized()
        if self.rate_limit is not None:
            wait = self.rate_limit.acquire(caller)
            if wait is not None:
                response = Response.error(429, "API limit has been reached")
                response.headers["Retry-After"] = str(wait)
                return response
        for method, regex, handler in self._routes:
            match = regex.match(request.path)
            if match:
                if method != request.method:
                    continue
                return handler(request, **match.groupdict())
        return Response.error(404, "The requested resource could not be found")

    def record(self, request: Request) -> LoggedRequest:
        """Add a request to the log as it arrives; its status is filled in later."""
        entry = LoggedRequest(
            at=time.monotonic(),
            method=request.method,
            path=request.path,
            query=request.query,
            headers=request.headers,
            body=request.body,
        )
        with self._log_lock:
            self._log.append(entry)
        return entry


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without this every keep-alive response stalls ~40 ms (Nagle + delayed ACK).
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Stay quiet: the API keeps its own request log."""

    def _dispatch(self) -> None:
        api = self.server.api
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        logged = api.record(request)
        fault = api.faults.take(request.path)
        response = api.respond(request) if fault is None else fault.apply(request, api.respond)
        if isinstance(response, Drop):
            logged.status = 0
            self.close_connection = True
            return
        logged.status = response.status
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Benchmarks open many short connections; the default backlog of 5 drops some.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], api: Api) -> None:
        super().__init__(address, _Handler)
        self.api = api


class ApiServer:
    """Serves one `Api` on 127.0.0.1 from a background thread."""

    def __init__(self, api: Api, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind the socket now (port 0 picks a free one); serve on `start()`."""
        self.api = api
        self._server = _Server((host, port), api)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:8701."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Start serving in a daemon thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sandbox-{self.api.name}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, release held requests and close the socket."""
        self.api.faults.release_all()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
