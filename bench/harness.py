"""Run a command with its stdout piped into a second process, and measure it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POLL_SECONDS = 0.02


class PeakMemory:
    """The high-water RSS of a running process, read from /proc while it runs.

    Not getrusage's ru_maxrss: a child forked from this (large, sandbox-holding) process
    carries the parent's resident pages until it execs, and Linux keeps that figure.
    """

    def __init__(self, pid: int) -> None:
        """Start watching `pid`."""
        self._status = Path(f"/proc/{pid}/status")
        self._kib = 0
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while True:
            try:
                text = self._status.read_text()
            except OSError:
                return
            for line in text.splitlines():
                if line.startswith("VmHWM:"):
                    self._kib = max(self._kib, int(line.split()[1]))
                    break
            else:
                return  # a zombie: its memory is gone
            time.sleep(POLL_SECONDS)

    def mib(self) -> float:
        """The largest high-water mark seen, in MiB (call after the process ended)."""
        self._thread.join()
        return self._kib / 1024


@dataclass(frozen=True)
class Run:
    """One finished command, measured from outside."""

    wall_seconds: float
    peak_rss_mib: float
    records: int
    ids: list[str] = field(repr=False)
    exit_code: int

    @property
    def records_per_second(self) -> float:
        """Records delivered per second of wall time."""
        return self.records / self.wall_seconds if self.wall_seconds else 0.0


def run_piped(command: Sequence[str], env: Mapping[str, str] | None = None, key: str = "id") -> Run:
    """Run `command`, its stdout read by a separate record-counting process."""
    with tempfile.NamedTemporaryFile(suffix=".ids") as ids_file:
        started = time.perf_counter()
        tap = subprocess.Popen(
            list(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
        reader = subprocess.Popen(
            [sys.executable, "-m", "bench.count_records", ids_file.name, key],
            stdin=tap.stdout,
            stdout=subprocess.PIPE,
            cwd=REPO,
        )
        if tap.stdout is not None:  # the reader holds the pipe now
            tap.stdout.close()
        peak = PeakMemory(tap.pid)
        _, status, _ = os.wait4(tap.pid, 0)
        tap.returncode = os.waitstatus_to_exitcode(status)
        counted, _ = reader.communicate()
        wall = time.perf_counter() - started
        ids = Path(ids_file.name).read_text().split()
    return Run(
        wall_seconds=wall,
        peak_rss_mib=peak.mib(),
        records=int(counted or 0),
        ids=ids,
        exit_code=tap.returncode,
    )


class IncompleteRunError(RuntimeError):
    """A benchmarked run that lost records: its speed would mean nothing."""


def check_complete(name: str, run: Run, expected: frozenset[str]) -> None:
    """Refuse a figure from a run that failed or did not deliver every expected record."""
    missing = len(expected - set(run.ids))
    if run.exit_code or missing:
        msg = f"{name}: exit code {run.exit_code}, {missing} of {len(expected)} records missing"
        raise IncompleteRunError(msg)
