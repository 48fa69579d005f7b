"""Set each account's pool limit in a Dagster instance: `python -m support_taps_dagster.pools`.

Dagster keeps pool limits in the instance, not in code; run this once per deployment
(and after adding an account) with DAGSTER_HOME pointing at the instance.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg

from support_taps_dagster.limits import limit_of, pool_of
from support_taps_dagster.project import MeltanoProject


def pool_limits(project: MeltanoProject) -> dict[str, int]:
    """Each account's pool and how many of its runs may go at once."""
    return {pool_of(e.name): limit_of(e.tap).slots for e in project.extractors}


def configure(instance: dg.DagsterInstance, project: MeltanoProject) -> dict[str, int]:
    """Write the project's pool limits into the instance."""
    limits = pool_limits(project)
    for pool, slots in limits.items():
        instance.event_log_storage.set_concurrency_slots(pool, slots)
    return limits


def main() -> int:
    """Configure the instance in DAGSTER_HOME for $MELTANO_PROJECT_ROOT (default: here)."""
    project = MeltanoProject.read(Path(os.environ.get("MELTANO_PROJECT_ROOT", ".")).resolve())
    with dg.DagsterInstance.get() as instance:
        for pool, slots in configure(instance, project).items():
            print(f"{pool}: {slots}")  # noqa: T201 (what the command did)
    return 0


if __name__ == "__main__":
    sys.exit(main())
