"""source-dixa against Airbyte's own airbyte-source-dixa, both read by PyAirbyte into DuckDB.

Same sandbox and data as `bench.comparison`. Records/s is of PyAirbyte's read alone (the
driver times `connector.read`, not PyAirbyte's import); "every record" compares the primary
keys in each DuckDB cache with the sandbox's.
"""

from __future__ import annotations

import shlex
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.cases import SUBJECTS
from bench.comparison import ENV
from bench.peers import LAUNCHERS, PEERS, PeerUnavailableError
from bench.report import Row
from sandbox import Sandbox
from tests.support.pyairbyte import PyAirbyte, source_executable

if TYPE_CHECKING:
    from pathlib import Path

    from bench.cases import Case

GOAL = 3.0
BENCHMARK = "vs Airbyte source-dixa, by PyAirbyte"
PEER = next(peer for peer in PEERS if peer.venv == "airbyte-source-dixa")
PEER_STREAM = "conversation_export"


class PyAirbyteReadError(RuntimeError):
    """PyAirbyte answered a read with an error."""


@dataclass(frozen=True)
class Source:
    """An Airbyte source as PyAirbyte is to run it."""

    executable: Path
    stream: str
    config: dict[str, Any]
    key: str = "id"


@dataclass(frozen=True)
class Read:
    """One PyAirbyte read into a fresh DuckDB cache."""

    records: int
    seconds: float
    keys: frozenset[str]

    @property
    def records_per_second(self) -> float:
        """Records PyAirbyte processed per second of its read."""
        return self.records / self.seconds if self.seconds else 0.0


def pyairbyte_comparison(size: int, runs: int, workdir: Path) -> list[Row]:
    """Ours `runs` times (the median), then the peer once: a read of it takes minutes."""
    subject = SUBJECTS["tap-dixa"]
    with Sandbox(size=size, days=90, rate_limits=False, serve=subject.apis) as sandbox:
        # As in bench.comparison: up to now rather than to the end of the data.
        case = subject.case(sandbox).without("end_date")
        client = PyAirbyte(workdir / "pyairbyte-logs")
        try:
            return _compare(client, case, sandbox.urls["dixa_exports"], runs, workdir)
        finally:
            client.close()


def _compare(
    client: PyAirbyte, case: Case, exports_url: str, runs: int, workdir: Path
) -> list[Row]:
    ours = Source(source_executable(case.tap), case.stream, case.config, case.key)
    # Warm-up: the sandbox renders each page on its first request.
    _read(client, ours, workdir / "pyairbyte-warm-up")
    reads = [_read(client, ours, workdir / f"pyairbyte-ours-{run}") for run in range(runs)]
    mine = _median(reads)
    rows = [_row(f"{case.source} (this suite)", mine, case.expected_ids, None)]
    try:
        PEER.install()
    except PeerUnavailableError as error:
        return [*rows, Row(BENCHMARK, PEER.name, f"not run: {error}")]
    theirs = _peer_source(case, exports_url, workdir)
    try:
        read = _read(client, theirs, workdir / "pyairbyte-peer")
    except PyAirbyteReadError as error:
        return [*rows, Row(BENCHMARK, PEER.name, f"failed: {error}")]
    ratio = mine.records_per_second / read.records_per_second if read.records else None
    return [*rows, _row(PEER.name, read, case.expected_ids, ratio)]


def _peer_source(case: Case, exports_url: str, workdir: Path) -> Source:
    """The peer behind a wrapper PyAirbyte can run: its launcher on its own Python."""
    wrapper = _wrapper(
        workdir / "airbyte-source-dixa",
        [str(PEER.python), str(LAUNCHERS / PEER.launcher)],
        {**ENV, "DIXA_EXPORTS_URL": exports_url},
    )
    config = {"api_token": case.config["api_token"], "start_date": case.config["start_date"][:10]}
    return Source(wrapper, PEER_STREAM, {**config, "batch_size": 31})


def _wrapper(path: Path, command: list[str], env: dict[str, str]) -> Path:
    """An executable shell script at `path` that runs `command` with its arguments in `env`."""
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
    path.write_text(f'#!/bin/sh\nexport {exports}\nexec {shlex.join(command)} "$@"\n')
    path.chmod(0o755)
    return path


def _read(client: PyAirbyte, source: Source, cache: Path) -> Read:
    """Read `source`'s stream into a DuckDB cache in `cache`; only its keys come back."""
    answer = client.run(
        "read",
        "source-dixa",
        source.executable,
        source.config,
        streams=[source.stream],
        cache=str(cache),
        columns={source.stream: [source.key]},
    )
    if "error" in answer:
        msg = f"{answer['error']}: {answer['message']}"
        raise PyAirbyteReadError(msg)
    rows = answer["rows"][source.stream]
    return Read(
        records=answer["records"],
        seconds=answer["seconds"],
        keys=frozenset(str(row[source.key]) for row in rows),
    )


def _median(reads: list[Read]) -> Read:
    seconds = statistics.median_low(read.seconds for read in reads)
    return next(read for read in reads if read.seconds == seconds)


def _row(name: str, read: Read, expected: frozenset[str], ratio: float | None) -> Row:
    missing = len(expected - read.keys)
    delivered = "every record" if not missing else f"{missing:,} of {len(expected):,} missing"
    measured = f"{read.records_per_second:,.0f} records/s, {delivered}"
    if ratio is None:
        return Row(BENCHMARK, name, measured)
    return Row(BENCHMARK, name, measured, ratio, f"source-dixa >= {GOAL:.0f}x", ratio >= GOAL)
