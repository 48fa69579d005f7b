"""The existing Dixa extractors, each in its own virtualenv, pointed at the sandbox."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import REPO

if TYPE_CHECKING:
    from collections.abc import Iterator

VENVS = REPO / ".bench" / "venvs"
LAUNCHERS = REPO / "bench" / "launchers"

_SINGER_IO_CATALOG = """
import json, sys
from tap_dixa.discover import discover
catalog = discover(None).to_dict()
for stream in catalog["streams"]:
    for item in stream["metadata"]:
        if not item["breadcrumb"]:
            item["metadata"]["selected"] = stream["tap_stream_id"] == "conversations"
json.dump(catalog, sys.stdout)
"""

_AIRBYTE_CATALOG = {
    "streams": [
        {
            "stream": {
                "name": "conversation_export",
                "json_schema": {},
                "supported_sync_modes": ["full_refresh", "incremental"],
            },
            "sync_mode": "incremental",
            "destination_sync_mode": "append",
            "cursor_field": ["updated_at"],
        }
    ]
}


class PeerUnavailableError(RuntimeError):
    """The peer cannot be installed on this machine."""


@dataclass(frozen=True)
class Peer:
    """A published extractor of Dixa conversations."""

    name: str
    requirement: str
    venv: str
    launcher: str
    interpreters: tuple[str, ...] = (sys.executable,)
    """Pythons it runs on, in order of preference."""
    fast: bool = True
    """False when one run takes minutes: it is then measured once."""

    @property
    def python(self) -> Path:
        """The interpreter of the peer's own virtualenv."""
        return VENVS / self.venv / "bin" / "python"

    def install(self) -> None:
        """Create its virtualenv and install it from PyPI, once."""
        if self.python.exists():
            return
        interpreter = next(_working(self.interpreters), None)
        if interpreter is None:
            msg = f"needs one of {', '.join(self.interpreters)}"
            raise PeerUnavailableError(msg)
        subprocess.run(
            [interpreter, "-m", "venv", str(VENVS / self.venv)], check=True, capture_output=True
        )
        subprocess.run(
            [str(self.python), "-m", "pip", "install", "--quiet", self.requirement],
            check=True,
            capture_output=True,
        )

    def command(self, workdir: Path, token: str, start_date: str) -> list[str]:
        """A sync of conversations from `start_date` to now, files written into `workdir`."""
        launcher = str(LAUNCHERS / self.launcher)
        config = workdir / f"{self.venv}.config.json"
        catalog = workdir / f"{self.venv}.catalog.json"
        if self.venv == "airbyte-source-dixa":
            config.write_text(
                json.dumps({"api_token": token, "start_date": start_date, "batch_size": 31})
            )
            catalog.write_text(json.dumps(_AIRBYTE_CATALOG))
            return [
                str(self.python),
                launcher,
                "read",
                "--config",
                str(config),
                "--catalog",
                str(catalog),
            ]
        config.write_text(json.dumps({"api_token": token, "start_date": start_date}))
        discovered = subprocess.run(
            [str(self.python), "-c", _SINGER_IO_CATALOG], capture_output=True, text=True, check=True
        )
        catalog.write_text(discovered.stdout)
        return [str(self.python), launcher, "--config", str(config), "--catalog", str(catalog)]


def _working(names: tuple[str, ...]) -> Iterator[str]:
    """Interpreters by these names that run: on PATH, or installed by pyenv."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for name in names:
        if Path(name).is_absolute():
            candidates: list[str | None] = [name]
        else:
            version = name.removeprefix("python")
            installed = sorted(pyenv.glob(f"{version}*/bin/python"))
            candidates = [shutil.which(name), *map(str, installed)]
        for candidate in filter(None, candidates):
            probe = subprocess.run(
                [candidate, "-c", "import venv"], capture_output=True, check=False
            )
            if probe.returncode == 0:
                yield candidate


PEERS = (
    Peer(
        "singer-io tap-dixa 1.0.10",
        "tap-dixa==1.0.10",
        "singer-io-tap-dixa",
        "singer_io_tap_dixa.py",
    ),
    # Its airbyte-cdk (0.90, the newest its `<1` pin allows) fails to import on Python
    # 3.11+ (a mutable dataclass default), so it gets the older Python it was built for.
    Peer(
        "Airbyte source-dixa 0.3.14",
        "airbyte-source-dixa==0.3.14",
        "airbyte-source-dixa",
        "airbyte_source_dixa.py",
        interpreters=("python3.10", "python3.9"),
        fast=False,
    ),
)


def as_catalog(discovered: dict[str, Any], stream: str) -> dict[str, Any]:
    """A Singer catalog with only `stream` selected."""
    for entry in discovered["streams"]:
        for item in entry["metadata"]:
            if not item["breadcrumb"]:
                item["metadata"]["selected"] = entry["tap_stream_id"] == stream
    return discovered
