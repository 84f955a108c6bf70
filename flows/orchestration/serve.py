"""The scheduled deployment: the monitoring flow served on a cron schedule, one run at a time (named from the cron,
`hourly` by default: transforms.deployment_names).

This module is the Runner process `presswatch serve` starts (`python -m flows.orchestration.serve`, see
supervisor.py), in a session of its own: Prefect's settings arrive in its environment before it imports Prefect,
and a Ctrl-C at the terminal never reaches it or the flow runs it starts. The supervisor turns Ctrl-C into SIGTERM,
which the Runner handles the graceful way: it cancels the run in progress through Prefect (the run is marked
cancelled, in Prefect and in the warehouse, and gives back the lock and the concurrency slot), pauses the schedule,
and returns. Runs left RUNNING by a serve that was killed -9 are marked crashed when serve starts again, which frees
their concurrency slot at once instead of after the slot's lease runs out.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy, State, StateType
from prefect.deployments.runner import RunnerDeployment
from prefect.runner import Runner
from prefect.schedules import Cron
from prefect.settings import get_current_settings
from prefect.states import Crashed

from flows.orchestration import shutdown
from flows.orchestration.flow import monitor, record_unfinished
from transforms.deployment_names import deployment_name

DEFAULT_CRON = "0 * * * *"
# Slots of runs whose process never started are released after this long, so a stuck PENDING run cannot block
# the schedule for good.
SLOT_GRACE_PERIOD_S = 600
LOGGER = logging.getLogger("presswatch.serve")


class ServeError(RuntimeError):
    """serve cannot start as asked; the message says why in one line."""


def build_deployment(*, cron: str, timezone: str, feeds_file: Path | None, db_file: Path | None) -> RunnerDeployment:
    """The monitoring flow as a deployment: the cron schedule, and a new run cancelled while one is still going."""
    deployment = monitor.to_deployment(
        name=deployment_name(cron),
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


def check_api(expected_api_url: str) -> None:
    """Prefect must talk to the server serve means: its settings were applied before import (environment.py)."""
    actual = (get_current_settings().api.url or "").rstrip("/")
    if actual != expected_api_url.rstrip("/"):
        raise ServeError(f"Prefect is configured for {actual or 'no API'}, not {expected_api_url}")


def crash_abandoned_runs(name: str) -> int:
    """Mark crashed the runs a killed serve left RUNNING or PENDING: nothing will ever finish them."""
    states = FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING, StateType.PENDING]))
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(state=states),
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[name])),
        )
        for run in runs:
            reason = "the serve process running it stopped without finishing it (killed or crashed)"
            crashed: State[None] = Crashed(message=reason)
            client.set_flow_run_state(run.id, crashed, force=True)
            # What the Runner's crash hook would have done, had it lived: close the row, tell the team.
            record_unfinished("failed")(monitor, run, crashed)
    return len(runs)


def serve_deployment(deployment: RunnerDeployment, *, expected_api_url: str) -> None:
    """Serve until SIGTERM, which cancels a run in progress cleanly before returning."""
    check_api(expected_api_url)
    abandoned = crash_abandoned_runs(deployment.name)
    if abandoned:
        print(f"presswatch serve: marked {abandoned} run(s) left running by a previous serve as crashed", flush=True)
    runner = StoppingRunner(pause_on_shutdown=True)
    runner.add_deployment(deployment)
    asyncio.run(runner.start())


class StoppingRunner(Runner):
    """Prefect's Runner, telling the flow's hooks when a SIGTERM (serve stopping) is why runs end."""

    def handle_sigterm(self, *args: object, **kwargs: object) -> None:
        shutdown.STOPPING.set()
        # Prefect's own path: cancel runs in progress, stop polling, pause the schedule.
        super().handle_sigterm(*args, **kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    """The Runner process: serve the deployment the supervisor describes."""
    parser = argparse.ArgumentParser(prog="python -m flows.orchestration.serve")
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--cron", required=True)
    parser.add_argument("--timezone", required=True)
    parser.add_argument("--feeds", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    arguments = parser.parse_args(argv)
    deployment = build_deployment(
        cron=arguments.cron, timezone=arguments.timezone, feeds_file=arguments.feeds, db_file=arguments.db
    )
    try:
        serve_deployment(deployment, expected_api_url=arguments.api_url)
    except ServeError as error:
        print(f"presswatch serve: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
