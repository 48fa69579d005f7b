"""The taps in a Meltano project of a user's own, added from their published definitions.

A fresh `meltano init` project adds all four taps with `meltano add --from-ref`: two from
a git repository by `#subdirectory=` (as from the published one), two from a local
checkout. Each `meltano run tap-X target-jsonl` lands exactly the sandbox's ground truth.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest

from tests.conformance.in_process import sync
from tests.conformance.taps import ADAPTERS
from tests.support.meltano import settings_env
from tests.support.processes import REPO
from tests.support.user_project import (
    UserProject,
    extractor_definition,
    loader_definition,
    snapshot,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter

FROM_GIT = {"tap-dixa", "tap-opencx"}
"""Installed from a git URL with `#subdirectory=`; the others from a local checkout."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> UserProject:
    """A new project with every tap and target-jsonl, installed."""
    root = tmp_path_factory.mktemp("own-project")
    git = snapshot(root / "upstream")
    project = UserProject.create(root / "warehouse")
    project.add(
        "extractor",
        [
            extractor_definition(adapter.name, git if adapter.name in FROM_GIT else str(REPO))
            for adapter in ADAPTERS
        ],
    )
    project.add("loader", [loader_definition("target-jsonl")])
    project.check("install")
    return project


def _jsonl(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        file.stem: [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
        for file in folder.glob("*.jsonl")
    }


def _is_utc(value: str) -> bool:
    return datetime.fromisoformat(value).utcoffset() == timezone.utc.utcoffset(None)


def test_the_definitions_are_added_as_published(project: UserProject) -> None:
    extractors = {plugin["name"]: plugin for plugin in project.plugins()["extractors"]}

    assert sorted(extractors) == sorted(adapter.name for adapter in ADAPTERS)
    assert "utilities" not in project.plugins(), "a stray plugin was added"
    for name, plugin in extractors.items():
        assert plugin["variant"] == "support-taps"
        assert ("#subdirectory=" in plugin["pip_url"]) == (name in FROM_GIT)
        assert any(setting.get("sensitive") for setting in plugin["settings"])


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
def test_meltano_run_in_the_users_project_lands_the_ground_truth(
    project: UserProject,
    adapter: TapAdapter,
    make_sandbox: Callable[..., Sandbox],
    tmp_path: Path,
) -> None:
    sandbox = make_sandbox()
    adapter.prepare(sandbox)
    env = {
        **settings_env(adapter, sandbox),
        "TARGET_JSONL_DESTINATION_PATH": str(tmp_path),
        "TARGET_JSONL_DO_TIMESTAMP_FILE": "false",
    }

    project.check("run", adapter.name, "target-jsonl", env=env)

    landed = _jsonl(tmp_path)
    main = adapter.main
    assert {row[main.key] for row in landed[main.name]} == main.ids(sandbox)
    assert len(landed[main.name]) == len(main.ids(sandbox))
    times = [row[main.time] for row in landed[main.name] if row.get(main.time)]
    assert times, f"no {main.time} in {main.name}"
    assert all(_is_utc(value) for value in times)
    # Every other stream as the tap delivers it in-process (its own tests hold it to the
    # sandbox), each key once.
    clean = sync(adapter.tap_class, adapter.config(sandbox))
    for stream, keys in adapter.keys.items():
        expected = sorted(tuple(r[k] for k in keys.primary) for r in clean.output.records(stream))
        got = sorted(tuple(r[k] for k in keys.primary) for r in landed.get(stream, []))
        assert got == expected, stream
