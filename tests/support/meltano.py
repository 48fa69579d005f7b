"""Running `meltano` in the suite's project with its own system database."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from tests.support.processes import BIN, REPO

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


def _environment(workdir: Path, env: Mapping[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "MELTANO_DATABASE_URI": f"sqlite:///{workdir / 'meltano.db'}",
        **env,
    }


def meltano(
    *args: str, workdir: Path, env: Mapping[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run meltano in the repository's project; state lives in `workdir`, not in .meltano."""
    return subprocess.run(
        [str(BIN / "meltano"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=_environment(workdir, env),
    )


def start_meltano(*args: str, workdir: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start meltano as `meltano` runs it, in a process group of its own (to kill it whole)."""
    return subprocess.Popen(
        [str(BIN / "meltano"), *args],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_environment(workdir, env),
        start_new_session=True,
    )
