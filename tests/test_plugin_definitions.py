"""The Hub plugin definitions follow each tap's `--about`, and meltano.yml follows them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from scripts import plugin_definitions
from scripts.plugin_definitions import CORE, definition, pip_url, taps
from tests.support.processes import REPO

MELTANO_YML: dict[str, Any] = yaml.safe_load((REPO / "meltano.yml").read_text())
PROJECT_EXTRACTORS = {plugin["name"]: plugin for plugin in MELTANO_YML["plugins"]["extractors"]}


def test_every_committed_definition_is_what_the_taps_say_today() -> None:
    assert plugin_definitions.main(["--check"]) == 0


@pytest.mark.parametrize("tap", taps())
def test_a_definition_carries_every_setting_with_its_kind_and_secrecy(tap: str) -> None:
    about = plugin_definitions.about(tap)["settings"]
    plugin = definition(tap)
    settings = {s["name"]: s for s in plugin["settings"]}

    assert list(settings) == list(about["properties"])
    secrets = {name for name, schema in about["properties"].items() if schema.get("secret")}
    assert {name for name, s in settings.items() if s.get("sensitive")} == secrets
    assert secrets, "every tap has a credential"
    assert settings["start_date"]["kind"] == "date_iso8601"
    assert plugin["settings_group_validation"] == [about["required"]]
    assert plugin["pip_url"].split() == [
        f"git+{plugin_definitions.REPOSITORY}#subdirectory={CORE}",
        f"git+{plugin_definitions.REPOSITORY}#subdirectory={tap}",
    ]


@pytest.mark.parametrize("tap", taps())
def test_the_suite_project_declares_each_tap_as_its_definition_does(tap: str) -> None:
    declared, plugin = PROJECT_EXTRACTORS[tap], definition(tap)
    fields = ("namespace", "executable", "capabilities", "settings_group_validation")

    assert {f: declared[f] for f in fields} == {f: plugin[f] for f in fields}
    assert declared["settings"] == [
        {key: s[key] for key in ("name", "kind", "sensitive", "label") if key in s}
        for s in plugin["settings"]
    ]
    assert declared["pip_url"] == f"-e ./{CORE} -e ./{tap}"


def test_a_local_checkout_installs_from_its_folders() -> None:
    assert pip_url("tap-iovox", "/src/support-taps") == (
        "/src/support-taps/taps-common /src/support-taps/tap-iovox"
    )


@pytest.mark.parametrize("readme", ["README.md", *(f"{tap}/README.md" for tap in taps())])
def test_a_readme_adds_a_tap_from_a_definition_that_exists(readme: str) -> None:
    owner_and_name = plugin_definitions.REPOSITORY.removeprefix("https://github.com/")
    raw = f"https://raw.githubusercontent.com/{owner_and_name}/main/"
    text = (REPO / readme).read_text(encoding="utf-8")
    referenced = [word for word in text.split() if word.startswith(raw)]

    assert referenced, f"{readme} shows no `meltano add ... --from-ref <raw URL>`"
    for url in referenced:
        assert (REPO / url.removeprefix(raw)).is_file(), url
