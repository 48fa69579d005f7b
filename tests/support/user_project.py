"""A Meltano project of a user's own, made as a user makes one.

`meltano init` in a folder of its own, then `meltano add --from-ref` with the plugin
definitions this repository publishes (plugins/extractors/), then `meltano install`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING, Any

import yaml

from scripts.plugin_definitions import CORE, path, pip_url
from tests.support.processes import BIN, REPO

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path


BUILD_LEFTOVERS = shutil.ignore_patterns(
    "__pycache__", "*.egg-info", "build", "dist", ".venv*", ".mypy_cache", ".ruff_cache"
)


def snapshot(destination: Path) -> str:
    """A git repository of the shared core and the taps as they are in this checkout.

    Returns the `git+file://` base a pip_url installs them from by `#subdirectory=`, as a
    user's would from the published repository (uncommitted changes included).
    """
    for package in [CORE, *sorted(p.parent.name for p in REPO.glob("tap-*/pyproject.toml"))]:
        shutil.copytree(REPO / package, destination / package, ignore=BUILD_LEFTOVERS)
    return f"git+{commit_all(destination, 'taps')}"


def commit_all(folder: Path, message: str) -> str:
    """Commit everything in `folder` (git-ignored files aside), a repository made if need be.

    Returns the `file://` URL to clone it from.
    """
    git = ("git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com")
    commit = ("commit", "--quiet", "--allow-empty", "-m", message)
    for args in (("init", "--quiet"), ("add", "--all"), commit):
        subprocess.run([*git, *args], check=True, capture_output=True, timeout=60)
    return f"file://{folder}"


def extractor_definition(tap: str, base: str) -> dict[str, Any]:
    """The published definition of `tap`, installing from `base` (a git URL or a folder)."""
    definition: dict[str, Any] = yaml.safe_load(path(tap).read_text(encoding="utf-8"))
    return {**definition, "pip_url": pip_url(tap, base)}


def loader_definition(name: str) -> dict[str, Any]:
    """A loader as the suite's meltano.yml declares it, without the suite's own config."""
    suite = yaml.safe_load((REPO / "meltano.yml").read_text(encoding="utf-8"))
    declared = next(p for p in suite["plugins"]["loaders"] if p["name"] == name)
    return {key: value for key, value in declared.items() if key != "config"}


class UserProject:
    """A Meltano project in `folder`, with its own system database (.meltano/meltano.db)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def create(cls, folder: Path) -> UserProject:
        """`meltano init`: a new, empty project."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        cls(folder.parent).check("init", folder.name, "--no_usage_stats")
        return cls(folder)

    def meltano(
        self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        """Run meltano in the project, as its user would (no setting from the suite)."""
        return subprocess.run(
            [str(BIN / "meltano"), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**self.environment(), **(env or {})},
        )

    @staticmethod
    def environment() -> dict[str, str]:
        """What the project's user runs with: none of the suite's Meltano or tap settings."""
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("MELTANO_", "TAP_"))}
        return {**inherited, "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false"}

    def check(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run meltano; its stdout, or an AssertionError with the end of its log."""
        done = self.meltano(*args, env=env)
        assert done.returncode == 0, f"meltano {' '.join(args)}:\n{done.stderr[-3000:]}"
        return done.stdout

    def add(self, plugin_type: str, definitions: Iterable[Mapping[str, Any]]) -> None:
        """`meltano add --from-ref` each definition (written to a file beside the project)."""
        for definition in definitions:
            reference = self.folder.parent / f"{definition['name']}.yml"
            reference.write_text(yaml.safe_dump(dict(definition)), encoding="utf-8")
            self.check(
                "add", "--plugin-type", plugin_type, "--no-install", str(definition["name"]),
                "--from-ref", str(reference),
            )  # fmt: skip

    def commit(self, message: str = "Meltano project") -> str:
        """Commit the project to a git repository in its folder, as its user keeps it.

        meltano init's .gitignore keeps .meltano/ and .env out. Returns the `file://` URL
        a fresh clone is made from.
        """
        return commit_all(self.folder, message)

    def plugins(self) -> dict[str, Any]:
        """The project's meltano.yml `plugins`."""
        project = yaml.safe_load((self.folder / "meltano.yml").read_text(encoding="utf-8"))
        found: dict[str, Any] = project.get("plugins", {})
        return found

    def inherit(self, plugin: str, parent: str, **fields: Any) -> None:
        """Declare `plugin` in meltano.yml as inheriting from `parent` (another account)."""
        file = self.folder / "meltano.yml"
        project = yaml.safe_load(file.read_text(encoding="utf-8"))
        kind = next(k for k, entries in project["plugins"].items() if any(
            entry["name"] == parent for entry in entries))  # fmt: skip
        project["plugins"][kind].append({"name": plugin, "inherit_from": parent, **fields})
        file.write_text(yaml.safe_dump(project, sort_keys=False), encoding="utf-8")

    def declare(self, plugin: str, **fields: Any) -> None:
        """Edit the plugin's entry in meltano.yml, as a user does (e.g. `config`, extras)."""
        file = self.folder / "meltano.yml"
        project = yaml.safe_load(file.read_text(encoding="utf-8"))
        entries = [entry for kind in project["plugins"].values() for entry in kind]
        next(entry for entry in entries if entry["name"] == plugin).update(fields)
        file.write_text(yaml.safe_dump(project, sort_keys=False), encoding="utf-8")
