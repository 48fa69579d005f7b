"""The Singer SDK's standard tap tests, for every tap, against the sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from sandbox import Sandbox
from tests.conformance.taps import ADAPTERS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.conformance.adapter import TapAdapter


def _standard_tests(adapter: TapAdapter) -> type:
    # The SDK builds the test class at import time from this dict, with placeholders
    # for the required settings; the fixture fills in the sandbox once it is up.
    config: dict[str, Any] = {
        name: "2025-01-01"
        if name == "start_date"
        else ("http://127.0.0.1:9" if name in adapter.url_settings else "placeholder")
        for name in adapter.tap_class.config_jsonschema.get("required", [])
    }

    base = get_tap_test_class(
        adapter.tap_class,
        config=config,
        suite_config=SuiteConfig(max_records_limit=200),
        parse_env_config=False,
    )

    class StandardTests(base):  # type: ignore[misc,valid-type]
        """Discovery, catalog, schema conformance and state, as the SDK defines them."""

        @pytest.fixture(scope="class", autouse=True)
        @classmethod
        def _sandbox(cls) -> Iterator[None]:
            options = {"rate_limits": False, **adapter.sandbox_options}
            with Sandbox(**options) as sandbox:
                config.update(adapter.config(sandbox))
                yield

    return StandardTests


for _adapter in ADAPTERS:
    _name = "Test" + "".join(part.title() for part in _adapter.name.split("-")) + "Standard"
    globals()[_name] = type(_name, (_standard_tests(_adapter),), {"__module__": __name__})
