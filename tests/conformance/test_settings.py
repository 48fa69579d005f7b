"""Settings: bad ones refused before any request in one line; --about, discovery, env."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import pytest

from tests.conformance.taps import ADAPTERS
from tests.support.processes import BIN, run_tap, write_json

if TYPE_CHECKING:
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter


def refusals(adapter: TapAdapter) -> list[tuple[dict[str, Any], str]]:
    """The bad settings every tap refuses, and what it says about each."""
    required = adapter.tap_class.config_jsonschema.get("required", [])
    return [
        *(({name: None}, f"'{name}' is a required property") for name in required),
        ({"start_date": "last tuesday"}, "start_date 'last tuesday' is not a date"),
        ({"end_date": "2025-13-45"}, "end_date '2025-13-45' is not a date"),
        ({"start_date": "2025-01-01", "end_date": "2024-12-31"}, "must be after start_date"),
        ({"timeout": 0}, "0 is less than the minimum of 1"),
        *(
            ({name: "example.com"}, f"{name} 'example.com' is not an http(s) URL")
            for name in adapter.url_settings
        ),
    ]


@pytest.mark.parametrize(
    ("adapter", "change", "message"),
    [
        pytest.param(adapter, change, message, id=f"{adapter.name}-{'-'.join(change)}-{n}")
        for adapter in ADAPTERS
        for n, (change, message) in enumerate(refusals(adapter))
    ],
)
def test_bad_settings_are_refused_before_any_request(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    merged = {**adapter.config(sandbox), **change}
    settings = {k: v for k, v in merged.items() if v is not None}

    run = run_tap(adapter.name, tmp_path, settings)

    assert run.returncode != 0
    assert any(message in line for line in run.stderr.splitlines()), run.stderr
    assert "Traceback" not in run.stderr
    assert adapter.requests(sandbox) == []


def test_discovery_works_offline_without_credentials(adapter: TapAdapter, tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            str(BIN / adapter.name),
            "--config",
            str(write_json(tmp_path / "none.json", {})),
            "--discover",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    catalog = json.loads(completed.stdout)
    assert {s["tap_stream_id"] for s in catalog["streams"]} == adapter.streams


def test_about_lists_every_setting(adapter: TapAdapter) -> None:
    settings = adapter.tap_class.config_jsonschema["properties"]
    for fmt in ([], ["--format", "json"], ["--format", "markdown"]):
        completed = subprocess.run(
            [str(BIN / adapter.name), "--about", *fmt], capture_output=True, text=True, check=True
        )
        assert [name for name in settings if name not in completed.stdout] == [], fmt


def test_settings_from_the_environment(
    adapter: TapAdapter, sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = adapter.config(sandbox)
    env = {
        f"{adapter.env_prefix()}{name.upper()}": json.dumps(value)
        if isinstance(value, (list, dict))
        else str(value)
        for name, value in settings.items()
    }
    completed = subprocess.run(
        [str(BIN / adapter.name), "--config", "ENV", "--test"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TZ": "Asia/Kolkata", **env},
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    streams = {json.loads(line).get("stream") for line in completed.stdout.splitlines()}
    assert adapter.main.name in streams


def test_an_unknown_setting_is_warned_of_once_naming_the_nearest_known_one(
    adapter: TapAdapter, tmp_path: Path
) -> None:
    completed = subprocess.run(
        [
            str(BIN / adapter.name),
            "--config",
            str(write_json(tmp_path / "typo.json", {"start_dat": "2025-01-01"})),
            "--discover",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    warned = [line for line in completed.stderr.splitlines() if "start_dat`" in line]
    assert len(warned) == 1, completed.stderr
    assert "Unknown setting `start_dat` is ignored; did you mean `start_date`?" in warned[0]
