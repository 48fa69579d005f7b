"""Running `meltano` in the suite's project with its own system database."""

from __future__ import annotations

import json
import os
import subprocess
from typing import TYPE_CHECKING, Any

from tests.support.processes import BIN, REPO

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter


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


def settings_env(adapter: TapAdapter, sandbox: Sandbox, **overrides: Any) -> dict[str, str]:
    """The tap's sandbox settings (with `overrides`) as the environment variables Meltano reads."""
    return {
        f"{adapter.env_prefix()}{name.upper()}": (
            json.dumps(value) if isinstance(value, list | dict) else str(value)
        )
        for name, value in adapter.config(sandbox, **overrides).items()
    }
