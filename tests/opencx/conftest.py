"""Fixtures for tap-opencx tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox import Sandbox


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    """A small sandbox whose Open CX pages hold 10 items, so windows span several pages."""
    sandbox = make_sandbox(size=150)
    sandbox.opencx.readings.page_size = 10
    return sandbox
