"""Each tap's README carries the settings table its `--about` prints."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.processes import BIN, REPO

TAPS = sorted(path.parent.name for path in REPO.glob("tap-*/pyproject.toml"))


@pytest.mark.parametrize("tap", TAPS)
def test_readme_settings_table_matches_about(tap: str) -> None:
    about = subprocess.run(
        [str(BIN / tap), "--about", "--format=markdown"], capture_output=True, text=True, check=True
    ).stdout
    rows = [line for line in about.splitlines() if line.startswith("| ")]
    readme = (REPO / tap / "README.md").read_text()
    missing = [row for row in rows if row not in readme]
    assert not missing, f"{tap}/README.md is missing or has stale rows: {missing}"
