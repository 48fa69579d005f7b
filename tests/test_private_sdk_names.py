"""No private singer-sdk name is used outside `support_taps_common/sdk_internals.py`."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import singer_sdk

REPO = Path(__file__).resolve().parents[1]
ONE_FILE = REPO / "taps-common" / "support_taps_common" / "sdk_internals.py"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@cache
def sdk_private_names() -> frozenset[str]:
    """Every private method or attribute the SDK defines on its objects."""
    names: set[str] = set()
    for path in Path(singer_sdk.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _private(node.name):
                names.add(node.name)
            elif (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and isinstance(node.value, ast.Name)
                and node.value.id in {"self", "cls"}
            ):
                names.add(node.attr)
    return frozenset(names)


def our_modules() -> list[Path]:
    packages = [*REPO.glob("tap-*/tap_*"), REPO / "taps-common" / "support_taps_common"]
    return sorted(p for package in packages for p in package.rglob("*.py") if p != ONE_FILE)


def private_uses(path: Path) -> list[str]:
    """Where `path` imports, calls, reads or overrides a private SDK name."""
    private = sdk_private_names()
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("singer_sdk"):
            parts = (node.module or "").split(".")
            names = [alias.name for alias in node.names]
            if any(map(_private, parts)) or any(map(_private, names)):
                found.append(f"{where} imports from {node.module}: {', '.join(names)}")
        elif isinstance(node, ast.Attribute) and node.attr in private:
            found.append(f"{where} uses .{node.attr}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in private:
            found.append(f"{where} overrides {node.name}")
    return found


def test_the_scan_finds_what_the_one_file_uses() -> None:
    uses = private_uses(ONE_FILE)
    assert any("_write_record_message" in use for use in uses)
    assert any("_validate_config" in use for use in uses)


def test_no_private_sdk_name_outside_the_one_file() -> None:
    modules = our_modules()
    assert len(modules) > 40, "the scan must see every tap and the core"
    assert [use for path in modules for use in private_uses(path)] == []
