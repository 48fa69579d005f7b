"""Every conformance test runs once per tap, each described by its adapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conformance.taps import ADAPTERS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter


@pytest.fixture(params=ADAPTERS, ids=lambda adapter: adapter.name)
def adapter(request: pytest.FixtureRequest) -> TapAdapter:
    """Each tap in turn."""
    tap: TapAdapter = request.param
    return tap


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox], adapter: TapAdapter) -> Sandbox:
    """A small sandbox without rate limits, shaped for the tap under test."""
    sandbox = make_sandbox()
    adapter.prepare(sandbox)
    return sandbox
