"""Definitions built from meltano.yml: one sync and one monthly backfill per account."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dagster as dg

from support_taps_dagster.assets import backfill_asset, monthly, retries, sync_asset
from support_taps_dagster.project import MeltanoProject

if TYPE_CHECKING:
    from pathlib import Path

SCHEDULE = "17 * * * *"
"""Hourly, off the hour."""


def build_definitions(
    root: Path,
    loader: str = "target-postgres",
    environment: str | None = None,
    retry_delay_seconds: float = 30,
) -> dg.Definitions:
    """The project in `root`: every extractor a scheduled sync into `loader`.

    Every extractor with a start_date also gets a monthly-partitioned backfill.
    """
    project = MeltanoProject.read(root, environment)
    retry = retries(retry_delay_seconds)
    assets: list[dg.AssetsDefinition] = []
    jobs: list[dg.UnresolvedAssetJobDefinition] = []
    schedules: list[dg.ScheduleDefinition] = []
    for extractor in project.extractors:
        sync = sync_asset(project, extractor, loader, retry)
        job = dg.define_asset_job(f"{extractor.asset_name}_sync", selection=[sync])
        assets.append(sync)
        jobs.append(job)
        schedules.append(dg.ScheduleDefinition(job=job, cron_schedule=SCHEDULE))
        months = monthly(extractor)
        if months is not None:
            backfill = backfill_asset(project, extractor, loader, months, retry)
            assets.append(backfill)
            name = f"{extractor.asset_name}_backfill"
            jobs.append(dg.define_asset_job(name, selection=[backfill]))
    # A run is one step, which waits on one `meltano run` process of its own: a step worker
    # process besides (the multiprocess executor) only costs a second Dagster start-up.
    return dg.Definitions(
        assets=assets, jobs=jobs, schedules=schedules, executor=dg.in_process_executor
    )
