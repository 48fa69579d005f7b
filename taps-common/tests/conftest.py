"""A toy API on 127.0.0.1 and a toy tap on the shared core, to test the core by itself."""

from __future__ import annotations

import io
import json
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from singer_sdk import typing as th
from singer_sdk.authenticators import APIKeyAuthenticator
from support_taps_common.paging import ShortPageNumberPaginator
from support_taps_common.settings import zone_errors
from support_taps_common.tap import SupportTap
from support_taps_common.windowed import WindowedStream
from typing_extensions import override

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests
    from singer_sdk import Stream
    from singer_sdk.helpers.types import Context, Record
    from support_taps_common.windows import Window

START = datetime(2025, 1, 1, tzinfo=timezone.utc)
KEY = "toy-secret-key"


def utc(moment: datetime) -> str:
    """How the toy API writes times: whole seconds, `Z`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Reply:
    """A canned answer the toy API gives instead of the next page."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ToyApi:
    """`GET /things?from=&to=&page=&limit=`: things updated in [from, to), oldest first.

    Pages are `limit` things; `replies` are answered (one per request) before any page.
    Every request is logged with its query and when it came.
    """

    things: list[dict[str, Any]]
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    url: str = ""

    def answer(self, path: str, query: dict[str, str], key: str | None) -> Reply:
        self.requests.append({"path": path, **query})
        self.times.append(time.monotonic())
        if self.replies:
            return self.replies.pop(0)
        if key != KEY:
            return Reply(401, b'{"message": "bad key"}')
        low, high = query["from"], query["to"]
        rows = [t for t in self.things if low <= t["updated"] < high]
        limit, page = int(query["limit"]), int(query["page"])
        return Reply(200, json.dumps(rows[(page - 1) * limit : page * limit]).encode())


@pytest.fixture
def toy_api() -> Iterator[ToyApi]:
    """A toy API with 50 things, one every 30 minutes from START, served until the test ends."""
    things = [
        {"id": n, "updated": utc(START + timedelta(minutes=30 * n)), "name": f"thing {n}"}
        for n in range(50)
    ]
    api = ToyApi(things)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            reply = api.answer(url.path, query, self.headers.get("X-Key"))
            self.send_response(reply.status)
            for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield api
    server.shutdown()
    server.server_close()


class ThingsStream(WindowedStream):
    """Things by when they were updated, in windows of `window_hours`, paged."""

    name = "things"
    path = "/things"
    primary_keys = ("id",)
    replication_key = "updated"
    vendor = "Toy"
    credential_settings = ("api_key",)
    credential_description = "the API key"
    schema: ClassVar[dict[str, Any]] = th.PropertiesList(
        th.Property("id", th.IntegerType),
        th.Property("updated", th.DateTimeType),
        th.Property("name", th.StringType),
    ).to_dict()

    @override
    @property
    def authenticator(self) -> APIKeyAuthenticator:
        return APIKeyAuthenticator(key="X-Key", value=self.config["api_key"])

    @override
    @property
    def window_span(self) -> timedelta:
        return timedelta(hours=int(self.config["window_hours"]))

    @override
    @property
    def lookback(self) -> timedelta:
        return timedelta(hours=int(self.config["lookback_hours"]))

    @override
    def get_new_paginator(self) -> ShortPageNumberPaginator:
        return ShortPageNumberPaginator(int(self.config["page_size"]), self.json_body)

    @override
    def get_url_params(self, context: Context | None, next_page_token: Any) -> dict[str, Any]:
        return {
            "from": utc(self.window.start),
            "to": utc(self.window.end),
            "page": next_page_token,
            "limit": self.config["page_size"],
        }

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Record]:
        return self.objects(response, self.json_body(response))

    @override
    def place(self, record: Record, window: Window) -> Any | None:
        moment = self.parse_bookmark(record["updated"])
        return (moment, record["id"]) if window.start <= moment < window.end else None

    @override
    def bookmark_text(self, moment: datetime) -> str:
        return moment.isoformat()

    @override
    def time_to_iso(self, value: Any) -> Any:
        return self.parse_bookmark(value).isoformat()


class ToyTap(SupportTap):
    """The toy API's tap."""

    name = "tap-toy"
    config_jsonschema = th.PropertiesList(
        th.Property("api_key", th.StringType, required=True, secret=True),
        th.Property("api_url", th.StringType, required=True),
        th.Property("start_date", th.DateTimeType, required=True),
        th.Property("end_date", th.DateTimeType),
        th.Property("window_hours", th.IntegerType, default=6),
        th.Property("lookback_hours", th.IntegerType, default=0),
        th.Property("page_size", th.IntegerType, default=4),
        th.Property("timeout", th.IntegerType, default=5),
        th.Property("zone", th.StringType),
    ).to_dict()

    @override
    def settings_errors(self) -> list[str]:
        return [*super().settings_errors(), *zone_errors(self.config, "zone", "Europe/Oslo")]

    @override
    def discover_streams(self) -> list[Stream]:
        return [ThingsStream(self)]


def toy_config(api: ToyApi, **overrides: Any) -> dict[str, Any]:
    """Settings for the toy tap against `api`: all its data, 6-hour windows, 4 a page."""
    return {
        "api_key": KEY,
        "api_url": api.url,
        "start_date": START.isoformat(),
        "end_date": (START + timedelta(days=2)).isoformat(),
        **overrides,
    }


@dataclass
class Run:
    """The messages a sync wrote, and its log."""

    messages: list[dict[str, Any]]
    log: str

    def records(self) -> list[dict[str, Any]]:
        return [m["record"] for m in self.messages if m["type"] == "RECORD"]

    def states(self) -> list[dict[str, Any]]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]


def sync(config: dict[str, Any], state: dict[str, Any] | None = None) -> Run:
    """Run the toy tap in this process and collect what it wrote."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        tap = ToyTap(config=config, state=state or {})
        tap.sync_all()
    stdout.seek(0)
    return Run([json.loads(line) for line in stdout.read().splitlines()], stderr.getvalue())
