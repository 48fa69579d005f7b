"""Running the suite's command-line programs as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.support.singer import SingerOutput

if TYPE_CHECKING:
    from collections.abc import Mapping

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]


@dataclass
class TapRun:
    """A finished tap process."""

    returncode: int
    output: SingerOutput
    stdout: str
    stderr: str


def write_json(path: Path, payload: Any) -> Path:  # noqa: ANN401
    """Write `payload` as JSON and return the path."""
    path.write_text(json.dumps(payload))
    return path


def tap_command(
    executable: str,
    workdir: Path,
    config: Mapping[str, Any],
    *,
    state: Mapping[str, Any] | None = None,
    catalog: Mapping[str, Any] | None = None,
) -> list[str]:
    """The command line for a sync with these files (written into `workdir`)."""
    command = [str(BIN / executable), "--config", str(write_json(workdir / "config.json", config))]
    if state is not None:
        command += ["--state", str(write_json(workdir / "state.json", state))]
    if catalog is not None:
        command += ["--catalog", str(write_json(workdir / "catalog.json", catalog))]
    return command


def run_tap(
    executable: str,
    workdir: Path,
    config: Mapping[str, Any],
    *,
    state: Mapping[str, Any] | None = None,
    catalog: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> TapRun:
    """Run a sync to the end and collect what it wrote."""
    completed = subprocess.run(
        tap_command(executable, workdir, config, state=state, catalog=catalog),
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )
    return TapRun(
        completed.returncode,
        SingerOutput.parse(completed.stdout),
        completed.stdout,
        completed.stderr,
    )


class RunningTap:
    """A tap process whose stdout is read as it comes, so it can be killed mid-run."""

    def __init__(self, command: list[str], env: Mapping[str, str] | None = None) -> None:
        """Start the process."""
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    def kill_and_collect(self) -> SingerOutput:
        """SIGKILL the process and return every complete line it wrote."""
        self.process.kill()
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        return SingerOutput.parse("".join(self._lines))
