"""`presswatch worker --pool NAME`: a Prefect process worker for this project's flows, on any machine.

It serves the pool's `shards` queue; started with `--db FILE` (the machine holding the warehouse) it also serves
`warehouse`, where the hourly parent flow plans and finalises. Each flow run it takes is a process of its own that
imports the flows from this checkout and dies with the worker (a killed worker's shard is retried elsewhere).
Prefect's settings are applied by the CLI before this module is imported (environment.py).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path
from typing import Any

from prefect.utilities.processutils import command_to_string
from prefect.workers.process import ProcessJobConfiguration, ProcessWorker

from flows.orchestration.pool import QUEUES, SHARDS_QUEUE, WAREHOUSE_QUEUE, WORKER_NAME_VARIABLE, ensure_pool

PROJECT_DIR = Path(__file__).resolve().parents[2]


def default_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def flow_run_environment(name: str, db: Path | None) -> dict[str, str]:
    """What each flow-run process inherits: this checkout on its path, the worker's name, the warehouse it owns."""
    values = {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])),
        WORKER_NAME_VARIABLE: name,
    }
    if db is not None:
        values["PRESSWATCH_DB"] = str(db)
    return values


def run_worker(
    pool: str, *, name: str, db: Path | None, queues: list[str] | None = None, announce: bool = True
) -> None:
    """Serve the pool until interrupted (KeyboardInterrupt reaches the caller)."""
    ensure_pool(pool)
    queues = queues or (list(QUEUES) if db is not None else [SHARDS_QUEUE])
    os.environ.update(flow_run_environment(name, db))  # the process worker hands its environment to each run
    if announce:
        serving = ", ".join(queues)
        print(f"presswatch worker {name}: serving pool {pool!r} (queues {serving}); Ctrl-C stops it", flush=True)
    asyncio.run(_serve(pool, queues, name, run_limit(queues)))


def run_limit(queues: list[str]) -> int | None:
    """One shard at a time per machine (a shard uses the machine's whole extraction pool), beside the parent on
    the warehouse machine; a warehouse-only worker takes every parent run it is offered, so the schedule's
    one-at-a-time rule (not a full worker) decides what happens to a run due while one is going."""
    if SHARDS_QUEUE not in queues:
        return None
    return 2 if WAREHOUSE_QUEUE in queues else 1


class EngineProcessJob(ProcessJobConfiguration):
    """A flow run started straight as Prefect's engine in this worker's Python. With no command set, Prefect
    starts a supervisor process first (Python and Prefect imported once more, 3-6 s here) only to prepare a code
    workspace these module-path flows do not use, then replaces it by the engine."""

    def prepare_for_flow_run(self, *args: Any, **kwargs: Any) -> None:
        if self.command is None:  # a command the pool or deployment sets is theirs to keep
            self.command = command_to_string([sys.executable, "-m", "prefect.engine"])
        super().prepare_for_flow_run(*args, **kwargs)


async def _serve(pool: str, queues: list[str], name: str, limit: int | None) -> None:
    async with ProcessWorker(work_pool_name=pool, work_queues=queues, name=name, limit=limit) as worker:
        worker.job_configuration = EngineProcessJob
        await worker.start(printer=lambda *args, **kwargs: None)  # Prefect's chatter goes to its API, not here
