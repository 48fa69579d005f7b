"""Fixtures for the whole suite; every test runs under a non-UTC host time zone."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import pytest

from sandbox import Sandbox
from tests.support.postgres import PostgresServer, throwaway_postgres

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# Results must not depend on the host's zone; run everything (and every subprocess)
# where naive local-time conversions would shift by +05:30.
os.environ["TZ"] = "Asia/Kolkata"
time.tzset()


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes with the given options; all are stopped after the test."""
    started: list[Sandbox] = []

    def make(**options: object) -> Sandbox:
        options = {"size": 300, "days": 40, "rate_limits": False, **options}
        sandbox = Sandbox(**options).start()  # type: ignore[arg-type]
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    """A small sandbox without rate limits."""
    return make_sandbox()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the session."""
    with throwaway_postgres() as server:
        yield server
