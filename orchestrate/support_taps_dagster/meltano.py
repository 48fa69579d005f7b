"""Running `meltano` in the project, for the assets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

LOG_TAIL = 40
"""Lines of meltano's log a failure carries."""


def executable() -> str:
    """The meltano to run: $MELTANO, else the one on PATH."""
    found = os.environ.get("MELTANO") or shutil.which("meltano")
    if not found:
        msg = "meltano not found: install meltano[postgres] or set MELTANO to its path"
        raise dg.Failure(msg)
    return found


@contextmanager
def private_run_dir(root: Path) -> Iterator[Path]:
    """The project's .meltano, but for a `run/` folder of this invocation's own.

    `meltano run` writes an extractor's catalog to .meltano/run/<extractor>/: two runs of
    one extractor at once (two months of a backfill) would overwrite each other's. Here
    every other entry (the plugins' virtualenvs, a SQLite system database) is the
    project's own, linked.
    """
    shared = root / ".meltano"
    with tempfile.TemporaryDirectory(prefix="meltano-run-") as scratch:
        sys_dir = Path(scratch) / ".meltano"
        sys_dir.mkdir()
        for entry in shared.iterdir() if shared.is_dir() else ():
            if entry.name != "run":
                (sys_dir / entry.name).symlink_to(entry)
        yield sys_dir


def meltano(
    root: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float | None = None
) -> str:
    """Run meltano in the project; its stdout, or a Failure with the end of its log."""
    with private_run_dir(root) as sys_dir:
        done = subprocess.run(  # noqa: S603 (meltano, with the asset's own arguments)
            [executable(), *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            env={**os.environ, **(env or {}), "MELTANO_SYS_DIR_ROOT": str(sys_dir)},
        )
    if done.returncode != 0:
        lines = done.stderr.splitlines()
        tail = "\n".join(lines[-LOG_TAIL:])
        errors = [line for line in lines if "error" in line.lower()] or lines or ["no output"]
        last = errors[-1]
        raise dg.Failure(
            f"meltano {' '.join(args)} exited with {done.returncode}: {last.strip()}",
            metadata={"log": dg.MetadataValue.text(tail)},
        )
    return done.stdout


def state(root: Path, environment: str, state_id: str) -> dict[str, Any]:
    """A state ID's STATE (`{}` when it has none)."""
    found: dict[str, Any] = json.loads(
        meltano(root, f"--environment={environment}", "state", "get", state_id) or "{}"
    )
    return found


def state_ids(root: Path, environment: str) -> list[str]:
    """Every state ID the project's state backend holds."""
    listed = meltano(root, f"--environment={environment}", "state", "list")
    return [line.strip() for line in listed.splitlines() if line.strip()]
