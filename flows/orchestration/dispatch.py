"""Starting one flow run per shard on the work pool and waiting for them, with retries, until the run's deadline.

A shard's flow run can end without finishing its work three ways: its code failed, its process crashed (the worker
marks it Crashed), or its worker died with it (kill -9, machine down), leaving the run Running for ever. The last
is seen through the worker's heartbeats: a run whose worker stopped heartbeating is marked Crashed here. Each is
retried as a new flow run any live worker may take; a shard's staged rows are replaced, never doubled, by a rerun.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.states import Cancelling, Crashed

from flows.orchestration.pool import SHARDS_QUEUE, worker_is_gone, workers_by_name

LOGGER = logging.getLogger("presswatch.cluster")
POLL_S = 1.0  # a few small API reads a second: nothing beside a shard's minutes, 1 s off each run's end
MAX_ATTEMPTS = 3  # a shard whose code fails three times is a bug to fix, not bad luck to retry
WORKER_LABEL = "prefect.worker.name"
ENDED = {StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED}
TAKEN = {StateType.PENDING, StateType.RUNNING, StateType.CANCELLING}


@dataclass
class ShardAttempts:
    """One shard's flow runs, newest last, and how it ended."""

    shard: int
    runs: list[UUID] = field(default_factory=list)
    workers: list[str] = field(default_factory=list)  # the worker of each attempt that a worker took
    completed: bool = False
    gave_up: str | None = None  # why it is missing

    @property
    def worker(self) -> str | None:
        return self.workers[-1] if self.workers else None


@dataclass(frozen=True)
class DispatchResult:
    attempts: dict[int, ShardAttempts]

    @property
    def missing(self) -> list[int]:
        return sorted(shard for shard, attempts in self.attempts.items() if not attempts.completed)

    @property
    def retried(self) -> list[int]:
        return sorted(shard for shard, attempts in self.attempts.items() if len(attempts.runs) > 1)


def run_shards(
    deployment: str,
    parameters_of: Callable[[int], dict[str, Any]],
    shards: Sequence[int],
    *,
    pool: str,
    wait_s: float,
    notice: Callable[[str], None] = LOGGER.info,
) -> DispatchResult:
    """Start these shards' flow runs now; wait at most `wait_s`, retrying shards whose run ended without completing."""
    attempts = {shard: ShardAttempts(shard) for shard in shards}
    for shard in attempts.values():
        start_attempt(deployment, parameters_of, shard)
    give_up_at = time.monotonic() + wait_s
    while not all(a.completed or a.gave_up for a in attempts.values()):
        if time.monotonic() >= give_up_at:
            for shard in attempts.values():
                if not (shard.completed or shard.gave_up):
                    shard.gave_up = f"not finished within {wait_s:.0f} s"
                    cancel(shard.runs[-1])
                    notice(f"shard {shard.shard}: {shard.gave_up}; recorded missing, its hosts go first next run")
            break
        time.sleep(POLL_S)
        watch(attempts, deployment, parameters_of, pool=pool, notice=notice)
    return DispatchResult(attempts)


def start_attempt(deployment: str, parameters_of: Callable[[int], dict[str, Any]], shard: ShardAttempts) -> None:
    run = cast(FlowRun, run_deployment(  # outside an event loop it returns the flow run itself
        deployment,
        parameters=parameters_of(shard.shard),
        timeout=0,  # return once created: the waiting is done here, for every shard at once
        work_queue_name=SHARDS_QUEUE,
        flow_run_name=f"shard-{shard.shard}-try-{len(shard.runs) + 1}",
        as_subflow=True,
    ))
    shard.runs.append(run.id)


def watch(
    attempts: Mapping[int, ShardAttempts],
    deployment: str,
    parameters_of: Callable[[int], dict[str, Any]],
    *,
    pool: str,
    notice: Callable[[str], None],
) -> None:
    """One look at every unfinished shard's current flow run: completed, ended otherwise (retry), or orphaned."""
    pending = {a.runs[-1]: a for a in attempts.values() if not (a.completed or a.gave_up)}
    runs = read_runs(list(pending))
    workers = workers_by_name(pool) if any(run.state_type in TAKEN for run in runs) else {}
    for run in runs:
        shard = pending[run.id]
        worker = run.labels.get(WORKER_LABEL) if run.labels else None
        if worker and len(shard.workers) < len(shard.runs):
            shard.workers.append(str(worker))
        if run.state_type == StateType.COMPLETED:
            shard.completed = True
            continue
        if run.state_type in TAKEN and worker and worker_is_gone(workers.get(str(worker))):
            reason = f"worker {worker} stopped heartbeating (killed or its machine went down)"
            with get_client(sync_client=True) as client:
                client.set_flow_run_state(run.id, Crashed(message=reason), force=True)
            ended = f"crashed: {reason}"
        elif run.state_type in ENDED:
            ended = f"{(run.state_name or str(run.state_type)).lower()}: {run.state.message if run.state else ''}"
        else:
            continue
        if len(shard.runs) >= MAX_ATTEMPTS:
            shard.gave_up = f"{MAX_ATTEMPTS} attempts did not finish (last {ended})"
            notice(f"shard {shard.shard}: {shard.gave_up}")
            continue
        notice(f"shard {shard.shard}: attempt {len(shard.runs)} {ended.strip()}; retrying")
        start_attempt(deployment, parameters_of, shard)


def read_runs(ids: list[UUID]) -> list[FlowRun]:
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)), limit=len(ids))


def cancel(run_id: UUID) -> None:
    """Ask the worker to stop an overdue shard's process: its late rows must not arrive after finalising."""
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run_id, Cancelling(message="past the run's deadline"), force=True)
