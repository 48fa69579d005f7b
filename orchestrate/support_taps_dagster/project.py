"""What the code location reads from a Meltano project: its extractors and their accounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Extractor:
    """One extractor of the project: a tap, or an account of one (`inherit_from`)."""

    name: str
    """`tap-dixa` or `tap-dixa--eu`."""
    tap: str
    """The tap it runs in the end: `tap-dixa` for both."""
    start: datetime | None
    end: datetime | None

    @property
    def env_prefix(self) -> str:
        """Meltano's prefix for the plugin's settings: `TAP_DIXA__EU_`."""
        return re.sub(r"[^A-Za-z0-9]", "_", self.name).upper() + "_"

    @property
    def asset_name(self) -> str:
        """A Dagster name for it: `tap_dixa__eu`."""
        return re.sub(r"[^A-Za-z0-9]", "_", self.name)


@dataclass(frozen=True)
class MeltanoProject:
    """A Meltano project folder and the extractors its meltano.yml declares."""

    root: Path
    environment: str
    extractors: tuple[Extractor, ...]

    @classmethod
    def read(cls, root: Path, environment: str | None = None) -> MeltanoProject:
        """The project in `root`, as seen in `environment` (default: its default one)."""
        declared: dict[str, Any] = yaml.safe_load((root / "meltano.yml").read_text("utf-8"))
        environment = environment or declared.get("default_environment", "dev")
        overrides = _environment_config(declared, environment)
        plugins = {p["name"]: p for p in declared.get("plugins", {}).get("extractors", [])}
        extractors = []
        for name in plugins:
            config = _config(plugins, name, overrides)
            extractors.append(
                Extractor(
                    name=name,
                    tap=_root_of(plugins, name),
                    start=_instant(config.get("start_date")),
                    end=_instant(config.get("end_date")),
                )
            )
        return cls(root=root, environment=environment, extractors=tuple(extractors))


def _root_of(plugins: dict[str, Any], name: str) -> str:
    parent = plugins[name].get("inherit_from")
    return name if parent is None or parent not in plugins else _root_of(plugins, parent)


def _config(plugins: dict[str, Any], name: str, overrides: dict[str, Any]) -> dict[str, Any]:
    parent = plugins[name].get("inherit_from")
    inherited = _config(plugins, parent, overrides) if parent in plugins else {}
    return {**inherited, **plugins[name].get("config", {}), **overrides.get(name, {})}


def _environment_config(declared: dict[str, Any], environment: str) -> dict[str, Any]:
    for entry in declared.get("environments", []):
        if entry.get("name") == environment:
            extractors = entry.get("config", {}).get("plugins", {}).get("extractors", [])
            return {e["name"]: e.get("config", {}) for e in extractors}
    return {}


def _instant(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
