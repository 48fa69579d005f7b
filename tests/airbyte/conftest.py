"""The Airbyte tests run once per tap, through one PyAirbyte process for the session."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

# The conformance suite's fixtures: each tap in turn, and a sandbox shaped for it.
from tests.conformance.conftest import adapter, sandbox  # noqa: F401
from tests.support.pyairbyte import PyAirbyte

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session")
def pyairbyte(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PyAirbyte]:
    """PyAirbyte (in its own virtualenv), offline."""
    driver = PyAirbyte(tmp_path_factory.mktemp("airbyte-logs"))
    yield driver
    driver.close()
