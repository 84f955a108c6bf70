"""The sharded hourly run as Prefect flows: a parent that plans, fans out one shard flow run per shard on the work
pool, waits, and finalises; the bodies are plain functions (flows/shards.py, flows/finalise.py).

The parent runs on the `warehouse` queue, served only by the machine holding the warehouse file, and plans and
finalises in its own process there: the warehouse is read and written by that one machine. Shards run wherever a
worker takes them and never touch the warehouse; their rows go through staging (PRESSWATCH_STAGING_URI).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.runtime import deployment as current_deployment
from prefect.runtime import flow_run as current_flow_run

from flows import pipeline
from flows.adapters.lifetime import die_with_parent
from flows.config import Settings, settings_from_environment, with_report_dir_for
from flows.finalise import finalise
from flows.orchestration.dispatch import run_shards
from flows.orchestration.pool import WORKER_NAME_VARIABLE
from flows.orchestration.secrets import with_secret_alert_urls
from flows.shards import ShardPlan, Staging, plan_run, run_shard, shard_staging
from transforms.schedule import shard_fetch_seconds

LOGGER = logging.getLogger("presswatch.cluster")
SHARD_FLOW = "presswatch-shard"
PARENT_FLOW = "presswatch-sharded"
SHARD_DEPLOYMENT = f"{SHARD_FLOW}/shards"
# Shards stop starting page fetches at this share of the run's deadline, so they can extract and stage what they
# fetched before the parent stops waiting for them at the deadline itself.
SHARD_SHARE = 0.8


def run_settings(demo: bool, connect_to: list[list[str]] | None) -> Settings:
    settings = with_secret_alert_urls(settings_from_environment())
    return pipeline.settings_for_run(settings, demo=demo, connect_to=connect_to or ())


@flow(name=SHARD_FLOW, log_prints=False)
def shard_flow(
    plan: str,
    shard: int,
    feeds_file: str,
    deadline_s: float,
    demo: bool = False,
    connect_to: list[list[str]] | None = None,
    stop_by: float | None = None,
) -> dict[str, Any]:
    """One shard's hosts, fetched and detected, their rows staged; no warehouse access."""
    die_with_parent()  # a killed worker takes its shard down with it; the parent retries the shard elsewhere
    logging.getLogger("presswatch").setLevel(logging.INFO)
    settings = run_settings(demo, connect_to)
    worker = os.environ.get(WORKER_NAME_VARIABLE) or socket.gethostname()
    planned = ShardPlan.from_json(plan)
    # The time this shard waited in the queue and took to start comes off its fetching (transforms/schedule.py).
    fetch_s = shard_fetch_seconds(deadline_s, stop_by=stop_by, now=time.time())
    outcome = run_shard(settings, Path(feeds_file), shard_staging(settings, planned), planned, shard, worker, fetch_s)
    return outcome_fields(outcome)


def outcome_fields(outcome: object) -> dict[str, Any]:
    """The shard's outcome as a result Prefect can keep (plain values only)."""
    fields = getattr(outcome, "__dict__", None) or {}
    return {name: value for name, value in fields.items() if isinstance(value, str | int | float | bool | None)}


@flow(name=PARENT_FLOW, log_prints=False)
def sharded_run(
    shards: int,
    pool: str,
    feeds_file: str | None = None,
    db_file: str | None = None,
    demo: bool = False,
    connect_to: list[list[str]] | None = None,
    as_of: datetime | None = None,
    deadline_s: float | None = None,
) -> dict[str, Any]:
    """Plan, run every shard on the pool (retrying crashed ones), and finalise what finished by the deadline."""
    if current_deployment.id:
        die_with_parent()
    logging.getLogger("presswatch").setLevel(logging.INFO)
    settings = run_settings(demo, connect_to)
    feeds = Path(feeds_file) if feeds_file else settings.feeds
    db = Path(db_file) if db_file else settings.db
    settings = with_report_dir_for(settings, db)
    staging = Staging.from_settings(settings)
    mode = "demo" if demo else "live"
    plan = plan_run(settings, feeds, db, shards, staging, mode=mode, as_of=as_of, flow_run_id=str(current_flow_run.id))
    # The run's deadline (serve derives it from the schedule, PRESSWATCH_RUN_DEADLINE_S); a parameter overrides it.
    deadline_s = deadline_s or settings.runs.deadline_s or 3600.0
    plan_json = plan.to_json()
    # Shards stop starting page fetches by then, on this clock, however long they waited for a worker.
    stop_by = time.time() + deadline_s * SHARD_SHARE

    def parameters_of(shard: int) -> dict[str, Any]:
        return {
            "plan": plan_json,
            "shard": shard,
            "feeds_file": str(feeds),
            "deadline_s": deadline_s * SHARD_SHARE,
            "demo": demo,
            "connect_to": connect_to,
            "stop_by": stop_by,
        }

    # A shard the plan gave no host has nothing to fetch: no flow run for it (the finaliser records it completed).
    busy = [shard for shard in range(plan.shards) if plan.hosts_by_shard.get(shard)]
    result = run_shards(SHARD_DEPLOYMENT, parameters_of, busy, pool=pool, wait_s=deadline_s)
    summary = finalise(settings, feeds, db, staging, plan, missing=result.missing)
    line = pipeline.served_run_line(summary)
    if result.missing:  # the run's record says partial: so does its line
        line = line.replace(" completed:", f" partial (shard(s) {', '.join(map(str, result.missing))} missing):", 1)
    print(f"presswatch cluster: {line} ({current_flow_run.name})", flush=True)
    return {
        "run_id": plan.run_id,
        "missing": result.missing,
        "retried": result.retried,
        "workers": {str(shard): attempts.worker for shard, attempts in result.attempts.items()},
        "line": line,
    }
