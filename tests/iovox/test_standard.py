"""The Singer SDK's standard tap tests, against the sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class
from tap_iovox.tap import TapIovox

from sandbox import Sandbox
from tests.iovox.helpers import config

if TYPE_CHECKING:
    from collections.abc import Iterator

# The SDK builds the test class at import time from this dict; the fixture below
# fills in the sandbox's address once the sandbox is up.
CONFIG: dict[str, Any] = {
    "username": "placeholder",
    "secure_key": "placeholder",
    "api_url": "http://127.0.0.1:9",
    "start_date": "2025-01-01",
}

_StandardTests = get_tap_test_class(
    TapIovox,
    config=CONFIG,
    suite_config=SuiteConfig(max_records_limit=200),
    parse_env_config=False,
)


class TestTapIovoxStandard(_StandardTests):  # type: ignore[misc,valid-type]
    """Discovery, catalog, schema conformance and state, as the SDK defines them."""

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _sandbox(cls) -> Iterator[None]:
        with Sandbox(size=200, days=30, rate_limits=False, serve={"iovox"}) as sandbox:
            CONFIG.update(config(sandbox))
            yield
