"""The sharded run's deployments on a work pool: the shard flow (queue `shards`) and the parent (queue `warehouse`).

Both are registered by module path, not by copying files: every worker imports the flows from its own checkout of
this project (PYTHONPATH, set by `presswatch worker`), as the same version everywhere. The parent runs one at a
time: a run still going when the next is due makes the new one cancelled, as `serve` does on one machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.orchestration.pool import SHARDS_QUEUE, WAREHOUSE_QUEUE, ensure_pool
from flows.orchestration.serve import SLOT_GRACE_PERIOD_S
from flows.orchestration.sharded import PARENT_FLOW, shard_flow, sharded_run
from transforms.deployment_names import deployment_name

ON_DEMAND = "on-demand"  # the cluster demo's parent: no schedule, started once


def register(
    pool: str,
    *,
    shards: int,
    cron: str | None,
    timezone: str = "UTC",
    parameters: dict[str, Any] | None = None,
) -> str:
    """Create the pool when missing and (re)register both deployments; the parent's full name is returned."""
    ensure_pool(pool)
    shard = shard_flow.to_deployment(
        name=SHARDS_QUEUE,
        work_pool_name=pool,
        work_queue_name=SHARDS_QUEUE,
        entrypoint_type=EntrypointType.MODULE_PATH,
        description="presswatch: one shard's hosts, fetched, extracted and detected; rows staged for finalising.",
        tags=["presswatch"],
    )
    cast(RunnerDeployment, shard).apply()
    name = deployment_name(cron) if cron else ON_DEMAND
    parent = sharded_run.to_deployment(
        name=name,
        work_pool_name=pool,
        work_queue_name=WAREHOUSE_QUEUE,
        entrypoint_type=EntrypointType.MODULE_PATH,
        schedule=Cron(cron, timezone=timezone) if cron else None,
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW, grace_period_seconds=SLOT_GRACE_PERIOD_S
        ),
        parameters={"shards": shards, "pool": pool, **(parameters or {})},
        description="presswatch: plan shards, run them on the pool, finalise the warehouse (one at a time).",
        tags=["presswatch"],
    )
    cast(RunnerDeployment, parent).apply()
    return f"{PARENT_FLOW}/{name}"


def pause_schedule(full_name: str) -> None:
    """Stop new scheduled runs when serve stops (the pool's workers may go on serving other things)."""
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(full_name)
        client.pause_deployment(cast(UUID, deployment.id))


def feeds_and_db(feeds: Path, db: Path) -> dict[str, str]:
    return {"feeds_file": str(feeds), "db_file": str(db)}
