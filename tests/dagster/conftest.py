"""The Dagster tests: a user's project with the code location, in the throwaway PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.dagster import Orchestrated, orchestrated_project

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.support.postgres import PostgresServer


@pytest.fixture
def orchestrated(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer
) -> Iterator[Orchestrated]:
    """A fresh project with tap-iovox and target-postgres, and a Dagster instance for it."""
    with orchestrated_project(tmp_path_factory.mktemp("dagster"), postgres) as project:
        yield project
