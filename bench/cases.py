"""How to point each tap's main stream, and its bare loop, at a running sandbox."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from bench.harness import BIN
from bench.peers import as_catalog
from sandbox.iovox.api import REQUESTABLE as IOVOX_FIELDS
from sandbox.synthetic import ANCHOR_MS

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox


@dataclass(frozen=True)
class Limit:
    """A documented rate limit: `requests` per `period` seconds on one sandbox API."""

    api: str
    requests: int
    period: float
    settings: Callable[[float], dict[str, Any]]
    """The tap settings that keep this limit when it runs `scale` times faster."""


@dataclass(frozen=True)
class Case:
    """One tap's main stream against one sandbox."""

    tap: str
    stream: str
    config: dict[str, Any]
    bare_settings: dict[str, Any]
    expected_ids: frozenset[str]
    limit: Limit | None = None
    many_requests: dict[str, Any] = field(default_factory=dict)
    """Settings that make the tap need many small requests (for the rate-limit run)."""
    key: str = "id"
    """The primary key, by which delivered records are checked against `expected_ids`."""

    def with_settings(self, **settings: Any) -> Case:
        """The same case with some tap settings changed."""
        return replace(self, config={**self.config, **settings})

    def without(self, setting: str) -> Case:
        """The same case without one tap setting."""
        return replace(self, config={k: v for k, v in self.config.items() if k != setting})

    def command(self, workdir: Path) -> list[str]:
        """The tap syncing only its main stream, files written into `workdir`."""
        config = workdir / f"{self.tap}.config.json"
        config.write_text(json.dumps(self.config))
        discovered = subprocess.run(
            [str(BIN / self.tap), "--config", str(config), "--discover"],
            capture_output=True,
            text=True,
            check=True,
        )
        catalog = workdir / f"{self.tap}.catalog.json"
        catalog.write_text(json.dumps(as_catalog(json.loads(discovered.stdout), self.stream)))
        return [str(BIN / self.tap), "--config", str(config), "--catalog", str(catalog)]

    @property
    def source(self) -> str:
        """The tap's Airbyte source executable: `tap-dixa` -> `source-dixa`."""
        return self.tap.replace("tap-", "source-", 1)

    def source_command(self, workdir: Path) -> list[str]:
        """The tap's Airbyte source reading only the main stream, as PyAirbyte first would.

        Incremental, appended and deduplicated, from an empty state (`[]`).
        """
        source = str(BIN / self.source)
        config = workdir / f"{self.source}.config.json"
        config.write_text(json.dumps(self.config))
        catalog = workdir / f"{self.source}.catalog.json"
        catalog.write_text(json.dumps(self._configured_catalog(source, config)))
        state = workdir / f"{self.source}.state.json"
        state.write_text("[]")
        return [
            *(source, "read", "--config", str(config)),
            *("--catalog", str(catalog), "--state", str(state)),
        ]

    def _configured_catalog(self, source: str, config: Path) -> dict[str, Any]:
        """A ConfiguredAirbyteCatalog of the main stream, from the source's CATALOG."""
        discovered = subprocess.run(
            [source, "discover", "--config", str(config)],
            capture_output=True,
            text=True,
            check=True,
        )
        messages = map(json.loads, discovered.stdout.splitlines())
        catalog = next(m["catalog"] for m in messages if m["type"] == "CATALOG")
        stream = next(s for s in catalog["streams"] if s["name"] == self.stream)
        return {
            "streams": [
                {
                    "stream": {
                        "name": self.stream,
                        "json_schema": {},
                        "supported_sync_modes": stream["supported_sync_modes"],
                    },
                    "sync_mode": "incremental",
                    "destination_sync_mode": "append_dedup",
                }
            ]
        }

    def bare_command(self) -> list[str]:
        """The bare loop over the same pages."""
        return [
            str(BIN / "python"),
            "-m",
            "bench.bare_loops",
            self.tap,
            json.dumps(self.bare_settings),
        ]


def _iso(milliseconds: int) -> str:
    return datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc).isoformat()


def dixa(sandbox: Sandbox) -> Case:
    """Conversations from the Exports API."""
    data = sandbox.dixa.exports_data
    end_ms = data.now_ms + 1
    return Case(
        tap="tap-dixa",
        stream="conversations",
        config={
            "api_token": sandbox.dixa.token,
            "exports_api_url": sandbox.urls["dixa_exports"],
            "start_date": _iso(ANCHOR_MS),
            "end_date": _iso(end_ms),
            "max_requests_per_minute": 0,
        },
        bare_settings={
            "url": sandbox.urls["dixa_exports"],
            "token": sandbox.dixa.token,
            "start_ms": ANCHOR_MS,
            "end_ms": end_ms,
        },
        expected_ids=frozenset(map(str, data.conversations)),
        limit=Limit(
            "dixa_exports",
            requests=10,
            period=60,
            settings=lambda scale: {"max_requests_per_minute": round(10 * scale)},
        ),
        many_requests={"window_days": 1},
    )


def opencx(sandbox: Sandbox) -> Case:
    """Chat sessions, by when they were last updated."""
    data = sandbox.opencx.data
    end_ms = data.now_ms + 1000
    return Case(
        tap="tap-opencx",
        stream="sessions",
        config={
            "api_key": sandbox.opencx.api_key,
            "api_url": sandbox.urls["opencx"],
            "start_date": _iso(ANCHOR_MS),
            "end_date": _iso(end_ms),
            "max_requests_per_minute": 0,
        },
        bare_settings={
            "url": sandbox.urls["opencx"],
            "key": sandbox.opencx.api_key,
            "start_ms": ANCHOR_MS,
            "end_ms": end_ms,
            "window_days": 7,
        },
        expected_ids=frozenset(data.sessions.records),
        limit=Limit(
            "opencx",
            requests=100,
            period=60,
            settings=lambda scale: {"max_requests_per_minute": round(100 * scale)},
        ),
        many_requests={"window_days": 1},
    )


def conpeek(sandbox: Sandbox) -> Case:
    """Call history (CDR dialogs), by when each call started."""
    data = sandbox.conpeek.data
    return Case(
        tap="tap-conpeek",
        stream="cdr_dialogs",
        config={
            "api_key": sandbox.conpeek.key,
            "api_url": sandbox.urls["conpeek"],
            "start_date": _iso(ANCHOR_MS),
            "end_date": _iso(data.now * 1000),
        },
        bare_settings={
            "url": sandbox.urls["conpeek"],
            "key": sandbox.conpeek.key,
            "start_s": ANCHOR_MS // 1000,
            "end_s": data.now,
            "window_hours": 24,
        },
        expected_ids=frozenset(data.dialogs_by_uuid()),
        key="dialog_uuid",
    )


def iovox(sandbox: Sandbox) -> Case:
    """Calls with every insight the catalog offers."""
    data = sandbox.iovox.data
    return Case(
        tap="tap-iovox",
        stream="calls",
        config={
            "username": sandbox.iovox.username,
            "secure_key": sandbox.iovox.secure_key,
            "api_url": sandbox.urls["iovox"],
            "start_date": _iso(ANCHOR_MS),
            "end_date": _iso(data.now * 1000),
        },
        bare_settings={
            "url": sandbox.urls["iovox"],
            "username": sandbox.iovox.username,
            "secure_key": sandbox.iovox.secure_key,
            "start_s": ANCHOR_MS // 1000,
            "end_s": data.now,
            "window_days": 1,
            "fields": ",".join(sorted(IOVOX_FIELDS)),
        },
        expected_ids=frozenset(map(str, data.by_id)),
    )


@dataclass(frozen=True)
class Subject:
    """A tap to benchmark: the sandbox APIs it reads and how to point it at them."""

    apis: frozenset[str]
    case: Callable[[Sandbox], Case]


SUBJECTS: dict[str, Subject] = {
    "tap-dixa": Subject(frozenset({"dixa_exports"}), dixa),
    "tap-opencx": Subject(frozenset({"opencx"}), opencx),
    "tap-iovox": Subject(frozenset({"iovox"}), iovox),
    "tap-conpeek": Subject(frozenset({"conpeek"}), conpeek),
}
