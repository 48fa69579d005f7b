"""A Dagster code location built from a Meltano project's meltano.yml."""

from support_taps_dagster.definitions import build_definitions

__all__ = ["build_definitions"]
