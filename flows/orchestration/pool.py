"""The work pool the sharded runs use, and its two queues.

Any machine's worker serves `shards`; only the worker started with `--db` (the machine holding the warehouse file)
serves `warehouse`, where the hourly parent flow runs: it plans (reads the warehouse) and finalises (the only
writer), so both stay on the one machine that has the file.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.objects import Worker
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

SHARDS_QUEUE = "shards"
WAREHOUSE_QUEUE = "warehouse"
QUEUES = (WAREHOUSE_QUEUE, SHARDS_QUEUE)
WORKER_NAME_VARIABLE = "PRESSWATCH_WORKER_NAME"  # the flow runs' own record of where they ran (shard_runs.worker)
# A worker that missed this many heartbeats is gone (Prefect's own server marks it offline after 3).
MISSED_HEARTBEATS = 3


class PoolError(RuntimeError):
    """The pool exists with another type; the message says what to do, in one line."""


def ensure_pool(pool: str) -> None:
    """Create the process work pool and its queues when missing; an existing pool of another type is refused."""
    # Imported here: every flow-run process imports this module (the dispatcher), and none of them needs the worker.
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            existing = client.read_work_pool(pool)
        except ObjectNotFound:
            template = ProcessWorker.get_default_base_job_template()
            with contextlib.suppress(ObjectAlreadyExists):  # another worker created it a moment ago
                client.create_work_pool(WorkPoolCreate(name=pool, type=ProcessWorker.type, base_job_template=template))
        else:
            if existing.type != ProcessWorker.type:
                raise PoolError(f"work pool {pool!r} exists with type {existing.type!r}; presswatch needs 'process'")
        for queue in QUEUES:
            try:
                client.read_work_queue_by_name(queue, work_pool_name=pool)
            except ObjectNotFound:
                with contextlib.suppress(ObjectAlreadyExists):
                    client.create_work_queue(name=queue, work_pool_name=pool)


def worker_is_gone(worker: Worker | None, now: datetime | None = None) -> bool:
    """Whether the worker that took a run has stopped heartbeating (killed, machine down): its run will never end."""
    if worker is None or worker.last_heartbeat_time is None:
        return worker is None
    interval = worker.heartbeat_interval_seconds or 30
    silent = (now or datetime.now(UTC)) - worker.last_heartbeat_time
    return silent > timedelta(seconds=interval * MISSED_HEARTBEATS + 1)


def workers_by_name(pool: str) -> dict[str, Worker]:
    with get_client(sync_client=True) as client:
        return {worker.name: worker for worker in client.read_workers_for_work_pool(pool)}


def wait_for_workers(pool: str, names: list[str], timeout_s: float, alive: Callable[[], bool]) -> bool:
    """Whether every named worker has said it is alive within `timeout_s` (False as soon as `alive()` is not)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and alive():
        if set(names) <= set(workers_by_name(pool)):
            return True
        time.sleep(0.5)
    return False
