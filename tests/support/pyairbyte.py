"""PyAirbyte in its own virtualenv, driven from the tests (see pyairbyte_driver.py)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.support.processes import BIN, REPO

if TYPE_CHECKING:
    from collections.abc import Mapping

PYTHON = REPO / ".venv-airbyte" / "bin" / "python"
DRIVER = Path(__file__).with_name("pyairbyte_driver.py")


def source_executable(tap: str) -> Path:
    """The Airbyte source installed with a tap: `tap-dixa` -> `.venv/bin/source-dixa`."""
    return BIN / tap.replace("tap-", "source-", 1)


class PyAirbyte:
    """One PyAirbyte process, answering one command at a time.

    Its connector logs go to `logs`: by default PyAirbyte writes them under /tmp/airbyte,
    and where it cannot create that folder it keeps no log file at all.
    """

    def __init__(self, logs: Path) -> None:
        if not PYTHON.exists():
            msg = f"{PYTHON} is missing: `make .venv-airbyte/.installed` builds it"
            raise RuntimeError(msg)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "AIRBYTE_LOGGING_ROOT": str(logs)}
        self._process = subprocess.Popen(
            [str(PYTHON), str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )

    def send(
        self, op: str, name: str, executable: Path, config: Mapping[str, Any], **more: Any
    ) -> None:
        """Start a command; `receive` gets its answer."""
        command = {"op": op, "name": name, "executable": str(executable), "config": config, **more}
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(command, default=str) + "\n")
        self._process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        """The answer to the command sent last."""
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            msg = f"PyAirbyte exited with {self._process.wait()}"
            raise RuntimeError(msg)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(
        self, op: str, name: str, executable: Path, config: Mapping[str, Any], **more: Any
    ) -> dict[str, Any]:
        """Run a command and return its answer."""
        self.send(op, name, executable, config, **more)
        return self.receive()

    def close(self) -> None:
        """Stop the process."""
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=60)
