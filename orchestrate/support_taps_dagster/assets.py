"""The assets: one incremental sync per extractor (account), and its monthly backfill.

No `from __future__ import annotations` here: Dagster reads the `context` annotation.
"""

from datetime import timedelta
from typing import TYPE_CHECKING

import dagster as dg
from dagster import AssetExecutionContext

from support_taps_dagster.limits import limit_of, pool_of
from support_taps_dagster.meltano import meltano, state, state_ids

if TYPE_CHECKING:
    from datetime import datetime

    from support_taps_dagster.project import Extractor, MeltanoProject


def retries(delay_seconds: float) -> dg.RetryPolicy:
    """A failed run is retried twice, from its STATE: vendors' outages are mostly short."""
    return dg.RetryPolicy(max_retries=2, delay=delay_seconds, backoff=dg.Backoff.EXPONENTIAL)


def state_id(project: "MeltanoProject", extractor: "Extractor", loader: str) -> str:
    """Meltano's state ID for `meltano run extractor loader` in the project's environment."""
    return f"{project.environment}:{extractor.name}-to-{loader}"


def partition_state_id(
    project: "MeltanoProject", extractor: "Extractor", loader: str, partition: str
) -> str:
    """The state ID of one backfill partition (`meltano run --state-id-suffix`)."""
    return f"{state_id(project, extractor, loader)}:{partition}"


def _run_env(extractor: "Extractor", **settings: object) -> dict[str, str]:
    shares = {**limit_of(extractor.tap).run_settings(), **settings}
    return {f"{extractor.env_prefix}{name.upper()}": str(value) for name, value in shares.items()}


def sync_asset(
    project: "MeltanoProject", extractor: "Extractor", loader: str, retry: dg.RetryPolicy
) -> dg.AssetsDefinition:
    """`meltano run extractor loader`, incremental from the extractor's STATE.

    On its first run after a backfill, the STATE starts as the backfill's partitions left
    it, merged oldest first, so each stream carries on from its latest bookmark: no gap
    between the last partition and now, and nothing read twice but the boundary.
    """

    @dg.asset(
        name=extractor.asset_name,
        group_name=extractor.tap.replace("-", "_"),
        pool=pool_of(extractor.name),
        retry_policy=retry,
        kinds={"meltano"},
        description=f"meltano run {extractor.name} {loader}",
    )
    def sync(context: AssetExecutionContext) -> dg.MaterializeResult[None]:
        own = state_id(project, extractor, loader)
        env = f"--environment={project.environment}"
        if not state(project.root, project.environment, own):
            for partition in _backfilled(project, extractor, loader):
                context.log.info("starting from backfill partition %s's STATE", partition)
                meltano(project.root, env, "state", "merge", "--from-state-id", partition, own)
        meltano(project.root, env, "run", extractor.name, loader, env=_run_env(extractor))
        return dg.MaterializeResult(metadata={"state_id": own})

    return sync


def _backfilled(project: "MeltanoProject", extractor: "Extractor", loader: str) -> list[str]:
    prefix = state_id(project, extractor, loader) + ":"
    return sorted(i for i in state_ids(project.root, project.environment) if i.startswith(prefix))


def monthly(extractor: "Extractor") -> dg.MonthlyPartitionsDefinition | None:
    """Calendar months from the extractor's start_date (to its end_date, if it has one)."""
    if extractor.start is None:
        return None
    end: datetime | None = extractor.end
    if end is not None:  # through the month it falls in
        end = (end.replace(day=1) + timedelta(days=32)).replace(day=1)
    return dg.MonthlyPartitionsDefinition(
        start_date=extractor.start.strftime("%Y-%m-01"),
        end_date=None if end is None else end.strftime("%Y-%m-%d"),
    )


def backfill_asset(
    project: "MeltanoProject",
    extractor: "Extractor",
    loader: str,
    months: dg.PartitionsDefinition,
    retry: dg.RetryPolicy,
) -> dg.AssetsDefinition:
    """One calendar month of `meltano run extractor loader`, with a STATE of its own.

    The month's bounds become the tap's start_date and (exclusive) end_date, so the
    months meet without a gap or an overlap; each can be retried alone.
    """

    @dg.asset(
        name=f"{extractor.asset_name}_backfill",
        group_name=extractor.tap.replace("-", "_"),
        partitions_def=months,
        pool=pool_of(extractor.name),
        retry_policy=retry,
        kinds={"meltano"},
        description=f"meltano run {extractor.name} {loader}, one month at a time",
    )
    def backfill(context: AssetExecutionContext) -> dg.MaterializeResult[None]:
        window = context.partition_time_window
        month = context.partition_key
        # The month the extractor's end_date falls in ends there, not at the month's end.
        end = window.end if extractor.end is None else min(window.end, extractor.end)
        env = _run_env(extractor, start_date=window.start.isoformat(), end_date=end.isoformat())
        meltano(
            project.root, f"--environment={project.environment}", "run",
            f"--state-id-suffix={month}", extractor.name, loader, env=env,
        )  # fmt: skip
        own = partition_state_id(project, extractor, loader, month)
        return dg.MaterializeResult(metadata={"state_id": own})

    return backfill
