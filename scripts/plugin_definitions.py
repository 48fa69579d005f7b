"""Meltano Hub plugin definitions for the taps, built from each tap's `--about`.

`python scripts/plugin_definitions.py` writes `plugins/extractors/<tap>--<variant>.yml`
for every tap; `--check` only compares and exits 1 when a file is stale. A user adds a
tap to their own project with `meltano add extractor tap-dixa --from-ref <file or URL>`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VARIANT = "support-taps"
REPOSITORY = "https://github.com/support-taps/support-taps"
"""Where the suite is published; the pip_url installs from it, one subdirectory each."""
CORE = "taps-common"
"""The shared core's folder: every tap installs it beside its own."""

VENDORS: dict[str, tuple[str, str]] = {
    "tap-dixa": ("Dixa", "https://www.dixa.com"),
    "tap-opencx": ("Open CX", "https://open.cx"),
    "tap-iovox": ("iovox", "https://www.iovox.com"),
    "tap-conpeek": ("Conpeek", "https://www.conpeek.com"),
}
"""Each tap's vendor: its label on the Hub and its site."""


def taps() -> list[str]:
    """Every tap in the repository, by folder."""
    return sorted(path.parent.name for path in REPO.glob("tap-*/pyproject.toml"))


def pip_url(tap: str, base: str = f"git+{REPOSITORY}") -> str:
    """The shared core and the tap, from one git repository (`base`) by subdirectory.

    `base` may also be a local checkout's path, which gives `<path>/taps-common <path>/tap-X`.
    """
    if base.startswith("git+"):
        return f"{base}#subdirectory={CORE} {base}#subdirectory={tap}"
    return f"{base}/{CORE} {base}/{tap}"


@cache
def about(tap: str) -> dict[str, Any]:
    """What the installed tap says of itself."""
    printed = subprocess.run(  # noqa: S603 (one of our own taps, by name)
        [str(BIN / tap), "--about", "--format=json"], capture_output=True, text=True, check=True
    ).stdout
    info: dict[str, Any] = json.loads(printed)
    return info


def setting(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """One setting as the Hub describes it, from its JSON schema."""
    types = schema.get("type", ["string"])
    types = [types] if isinstance(types, str) else types
    kind = next(t for t in types if t != "null")
    if kind == "string" and schema.get("format") in {"date", "date-time"}:
        kind = "date_iso8601"
    elif kind == "number":
        kind = "decimal"
    definition: dict[str, Any] = {"name": name, "kind": kind, "label": schema.get("title", name)}
    if "description" in schema:
        definition["description"] = schema["description"]
    if schema.get("secret"):
        definition["sensitive"] = True
    return definition


def definition(tap: str) -> dict[str, Any]:
    """The Hub definition of `tap`, from its `--about`."""
    info = about(tap)
    label, domain = VENDORS[tap]
    settings = info["settings"]
    return {
        "name": tap,
        "variant": VARIANT,
        "label": label,
        "description": info["description"].strip().splitlines()[0],
        "namespace": tap.replace("-", "_"),
        "pip_url": pip_url(tap),
        "executable": tap,
        "repo": REPOSITORY,
        "docs": f"{REPOSITORY}/blob/main/{tap}/README.md",
        "domain_url": domain,
        "keywords": ["meltano_sdk", "api", label.lower()],
        "maintenance_status": "active",
        "capabilities": sorted(info["capabilities"]),
        "settings": [setting(name, schema) for name, schema in settings["properties"].items()],
        "settings_group_validation": [settings.get("required", [])],
    }


def path(tap: str) -> Path:
    """Where the definition of `tap` lives in the repository."""
    return REPO / "plugins" / "extractors" / f"{tap}--{VARIANT}.yml"


def render(plugin: dict[str, Any]) -> str:
    """The definition as YAML, in a stable order."""
    header = "# Generated from the tap's --about by scripts/plugin_definitions.py: do not edit.\n"
    return header + yaml.safe_dump(plugin, sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> int:
    """Write every definition, or (`--check`) report the stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    check = parser.parse_args(argv).check
    stale = []
    for tap in taps():
        text, target = render(definition(tap)), path(tap)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(REPO)))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale: {', '.join(stale)} (run `make plugins`)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
