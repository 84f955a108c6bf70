"""The hourly deployment: the monitoring flow served on a cron schedule, one run at a time.

With PREFECT_API_URL set, the deployment registers with that server (the team's own or Prefect Cloud); without
it, `presswatch serve` starts a local Prefect server on 127.0.0.1 for as long as it serves, and stops it cleanly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import httpx
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.pipeline import monitor

DEPLOYMENT_NAME = "hourly"
DEFAULT_CRON = "0 * * * *"
LOCAL_SERVER_PORT = 4200
# Slots of runs whose process never started are released after this long, so a stuck PENDING run cannot block
# the schedule for good.
SLOT_GRACE_PERIOD_S = 600


def build_deployment(*, cron: str, timezone: str, feeds_file: Path | None, db_file: Path | None) -> RunnerDeployment:
    """The monitoring flow as a deployment: the cron schedule, and a new run cancelled while one is still going."""
    deployment = monitor.to_deployment(
        name=DEPLOYMENT_NAME,
        schedule=Cron(cron, timezone=timezone),
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1,
            collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW,
            grace_period_seconds=SLOT_GRACE_PERIOD_S,
        ),
        parameters={
            "feeds_file": str(feeds_file) if feeds_file else None,
            "db_file": str(db_file) if db_file else None,
            "mode": "live",
        },
        description="presswatch: fetch feeds, detect mentions, load the warehouse, alert the team.",
        tags=["presswatch"],
    )
    # to_deployment is sync-compatible: called outside an event loop it returns the deployment itself.
    return cast(RunnerDeployment, deployment)


def wait_until_healthy(api_url: str, timeout_s: float = 90.0) -> None:
    """Poll the server's health endpoint; raise with a clear message if it never answers."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api_url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the local Prefect server did not answer at {api_url} within {timeout_s:.0f} s")


@contextmanager
def local_prefect_server(port: int = LOCAL_SERVER_PORT) -> Iterator[str]:
    """A Prefect server on loopback for the life of the block; its UI is at the returned URL without /api."""
    api_url = f"http://127.0.0.1:{port}/api"
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
    )
    try:
        wait_until_healthy(api_url)
        yield api_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_forever(deployment: RunnerDeployment) -> None:
    """Serve until interrupted; Prefect pauses the schedule on shutdown."""
    from prefect import serve

    serve(deployment, print_starting_message=False)
