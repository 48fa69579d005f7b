"""Each tap's Dockerfile runs the Airbyte source the other tests run, labelled as it is packaged.

No image is built: the Dockerfiles are read as the platform and `docker build` would read
them, and compared with each tap's pyproject.toml.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import pytest

from tests.support.processes import REPO
from tests.support.pyairbyte import source_executable

if TYPE_CHECKING:
    from pathlib import Path

TAPS = sorted(path.parent.name for path in REPO.glob("tap-*/pyproject.toml"))
BASE_IMAGE = "airbyte/python-connector-base"
"""The image Airbyte's Python connectors are built on (user `airbyte`, writable /airbyte)."""


@dataclass(frozen=True)
class Dockerfile:
    """A Dockerfile's instructions, in order: (INSTRUCTION, its arguments)."""

    instructions: tuple[tuple[str, str], ...]

    @classmethod
    def read(cls, path: Path) -> Dockerfile:
        """Parse `path`: comments dropped, continued lines joined."""
        instructions: list[tuple[str, str]] = []
        pending = ""
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            name, _, arguments = (pending + line).partition(" ")
            instructions.append((name.upper(), arguments.strip()))
            pending = ""
        return cls(tuple(instructions))

    def all(self, name: str) -> list[str]:
        """The arguments of every `name` instruction."""
        return [arguments for instruction, arguments in self.instructions if instruction == name]

    def one(self, name: str) -> str:
        """The arguments of the only `name` instruction."""
        found = self.all(name)
        assert len(found) == 1, f"expected one {name}, found {found}"
        return found[0]

    def pairs(self, name: str) -> dict[str, str]:
        """The `key=value` pairs of every `name` instruction (LABEL, ENV), unquoted."""
        pairs: dict[str, str] = {}
        for arguments in self.all(name):
            for token in shlex.split(arguments):
                key, equals, value = token.partition("=")
                assert equals, f"{name} {arguments}: not in key=value form"
                pairs[key] = value
        return pairs


def toml_table(path: Path, table: str) -> dict[str, str]:
    """The string values of one table of a pyproject.toml.

    A few lines of parsing rather than tomllib, which Python 3.10 (still supported) lacks.
    """
    values: dict[str, str] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if header := re.fullmatch(r"\s*\[\[?([^\[\]]+)\]\]?\s*(#.*)?", line):
            current = header.group(1).strip()
        elif current == table and (
            item := re.fullmatch(r'\s*"?([\w.-]+)"?\s*=\s*"([^"]*)"\s*(#.*)?', line)
        ):
            values[item.group(1)] = item.group(2)
    return values


def dockerfile(tap: str) -> Dockerfile:
    """The tap's Dockerfile."""
    return Dockerfile.read(REPO / tap / "Dockerfile")


def airbyte_script(tap: str) -> str:
    """The console script of the tap's pyproject that runs it as an Airbyte source."""
    scripts = toml_table(REPO / tap / "pyproject.toml", "project.scripts")
    names = [name for name, target in scripts.items() if target.endswith(".airbyte_cli")]
    assert len(names) == 1, f"{tap}: expected one `.airbyte_cli` script in {scripts}"
    return names[0]


def test_taps_found() -> None:
    assert {"tap-conpeek", "tap-dixa", "tap-iovox", "tap-opencx"} <= set(TAPS)


@pytest.mark.parametrize("tap", TAPS)
def test_entrypoint_is_airbyte_entrypoint(tap: str) -> None:
    image = dockerfile(tap)
    entrypoint = image.pairs("ENV")["AIRBYTE_ENTRYPOINT"]
    assert json.loads(image.one("ENTRYPOINT")) == [entrypoint]
    assert PurePosixPath(entrypoint).is_absolute()


@pytest.mark.parametrize("tap", TAPS)
def test_entrypoint_is_the_source_the_tests_run(tap: str) -> None:
    entrypoint = PurePosixPath(dockerfile(tap).pairs("ENV")["AIRBYTE_ENTRYPOINT"])
    assert entrypoint.name == airbyte_script(tap)
    tested = source_executable(tap)
    assert entrypoint.name == tested.name
    assert tested.exists(), f"{tested} is not installed"


@pytest.mark.parametrize("tap", TAPS)
def test_labels_name_and_version(tap: str) -> None:
    labels = dockerfile(tap).pairs("LABEL")
    project = toml_table(REPO / tap / "pyproject.toml", "project")
    assert labels["io.airbyte.name"] == f"airbyte/{tap.replace('tap-', 'source-', 1)}"
    assert labels["io.airbyte.version"] == project["version"]


@pytest.mark.parametrize("tap", TAPS)
def test_base_image_pinned(tap: str) -> None:
    image = dockerfile(tap).one("FROM")
    reference, _, digest = image.partition("@")
    name = reference.removeprefix("docker.io/").rsplit(":", 1)[0]
    assert name == BASE_IMAGE
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), f"{image} is not pinned by digest"


@pytest.mark.parametrize("tap", TAPS)
def test_installs_core_and_tap_with_airbyte_extra(tap: str) -> None:
    image = dockerfile(tap)
    copied = {shlex.split(arguments)[0] for arguments in image.all("COPY")}
    assert {"taps-common", tap} <= copied
    installs = [shlex.split(run) for run in image.all("RUN") if "pip install" in run]
    assert len(installs) == 1, f"expected one pip install, found {installs}"
    assert {"./taps-common[airbyte]", f"./{tap}[airbyte]"} <= set(installs[0])


@pytest.mark.parametrize("tap", TAPS)
def test_runs_as_airbyte_user(tap: str) -> None:
    names = [instruction for instruction, _ in dockerfile(tap).instructions]
    last_user = len(names) - 1 - names[::-1].index("USER")
    assert dockerfile(tap).all("USER")[-1] == "airbyte"
    assert "RUN" not in names[last_user:], "the install runs as root, the source as airbyte"
