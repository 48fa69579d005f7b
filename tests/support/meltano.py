"""Running `meltano` in the suite's project with its own system database."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from tests.support.processes import BIN, REPO

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


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
        env={
            **os.environ,
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "MELTANO_DATABASE_URI": f"sqlite:///{workdir / 'meltano.db'}",
            **env,
        },
    )
