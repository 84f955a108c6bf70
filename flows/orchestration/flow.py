"""The monitoring flow: the plain pipeline (flows/pipeline.py) with each stage as a Prefect task.

Retries sit only on the tasks that touch the network; a failed feed or page is an outcome inside a task's result,
never a failed task, so one broken publisher cannot fail the run. The run's record in the warehouse is kept by
`pipeline.monitor_run` exactly as for a run without Prefect; the hooks below cover what the flow's own code cannot
see: a flow-run process that crashed or was killed before it could write its end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun, State
from prefect.runtime import deployment as current_deployment
from prefect.runtime import flow_run as current_flow_run
from prefect.runtime import task_run
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows import pipeline, stages
from flows.adapters.extraction import ExtractionPool
from flows.adapters.fetching import PageFetch
from flows.adapters.lifetime import die_with_parent
from flows.alerting import AlertStageResult
from flows.config import Settings, settings_from_environment, with_report_dir_for
from flows.orchestration import shutdown
from flows.orchestration.secrets import with_secret_alert_urls
from transforms import run_rows
from transforms.feed_state import FeedFetch, FeedSource, FeedState
from transforms.records import ExtractedPage
from transforms.revisions import NewEntry
from warehouse.loads import LoadOutcome, RunTables
from warehouse.snapshot import Publication

LOGGER = logging.getLogger("presswatch.pipeline")
R = TypeVar("R")
RETRY_JITTER = 0.5  # up to half a delay more, as the plain runner waits


@task(name="fetch-feeds", cache_policy=NO_CACHE, timeout_seconds=900)
def fetch_feeds_task(
    sources: Sequence[FeedSource], states: dict[str, FeedState], settings: Settings, now: datetime
) -> list[FeedFetch]:
    fetches = stages.run_feed_fetches(sources, states, settings, now)
    if pipeline.feeds_look_down(fetches) and task_run.get_run_count() <= settings.runs.task_retries:
        raise pipeline.NetworkLooksDown(f"all {len(fetches)} feeds failed with network errors; retrying")
    return fetches


@task(name="fetch-pages", cache_policy=NO_CACHE, timeout_seconds=1800)
def fetch_pages_task(
    entries: Sequence[NewEntry], sources: Sequence[FeedSource], settings: Settings, stop_at: float | None
) -> list[PageFetch]:
    return stages.run_page_fetches(entries, sources, settings, stop_at)


@task(name="extract", cache_policy=NO_CACHE, timeout_seconds=3600)
def extract_task(
    entries: Sequence[NewEntry], pages: Sequence[PageFetch], pool: ExtractionPool
) -> list[ExtractedPage]:
    return stages.run_extraction(entries, pages, pool)


@task(name="detect", cache_policy=NO_CACHE, timeout_seconds=1800)
def detect_task(
    articles: Sequence[run_rows.ArticleRecord], detectors: stages.Detectors, db: Path, now: datetime
) -> list[run_rows.ArticleRecord]:
    return stages.detect_stage(articles, detectors, db, now)


@task(name="load", cache_policy=NO_CACHE, timeout_seconds=900)
def load_task(db: Path, tables: RunTables, settings: Settings, started_at: datetime) -> LoadOutcome:
    return stages.load_tables(db, tables, settings, started_at)


@task(name="alerts", cache_policy=NO_CACHE, timeout_seconds=900)
def alerts_task(db: Path, context: run_rows.RunContext, settings: Settings, names: dict[str, str]) -> AlertStageResult:
    return stages.alert_stage(db, context, settings, names)


@task(name="report", cache_policy=NO_CACHE, timeout_seconds=600)
def report_task(db: Path, settings: Settings) -> Path:
    return stages.report_stage(db, settings)


@task(name="publish", cache_policy=NO_CACHE, timeout_seconds=600)
def publish_task(db: Path, context: run_rows.RunContext) -> Publication:
    return stages.publish_stage(db, context)


def task_runner(settings: Settings) -> pipeline.StageRunner:
    """Run each stage as its Prefect task; the network tasks retry as the plain runner does (pipeline.py)."""
    delays = exponential_backoff(settings.runs.task_retry_delay_s)
    tasks: dict[str, Any] = {
        "feeds": fetch_feeds_task.with_options(
            retries=settings.runs.task_retries, retry_delay_seconds=delays, retry_jitter_factor=RETRY_JITTER
        ),
        "pages": fetch_pages_task.with_options(
            retries=settings.runs.task_retries, retry_delay_seconds=delays, retry_jitter_factor=RETRY_JITTER
        ),
        "extract": extract_task,
        "detect": detect_task,
        "load": load_task,
        "alerts": alerts_task,
        "report": report_task,
        "publish": publish_task,
    }

    def run(name: str, function: Callable[..., R], *args: Any) -> R:
        # quote(): stage inputs are thousands of records; Prefect would otherwise walk every one looking for
        # futures to wait on, which costs more than orchestrating the stage.
        return tasks[name](*(quote(argument) for argument in args))

    return run


def record_unfinished(status: str) -> Any:
    """A hook Prefect's runner calls in `serve` when a flow run crashed (its process died: killed, out of memory)
    or was cancelled: close the warehouse row the run could not close itself, and tell the team of a crash."""

    def hook(flow: Any, flow_run: FlowRun, state: State) -> None:
        settings = with_secret_alert_urls(settings_from_environment())
        parameters = flow_run.parameters or {}
        db = Path(parameters["db_file"]) if parameters.get("db_file") else settings.db
        outcome = "cancelled" if shutdown.STOPPING.is_set() else status
        context = pipeline.new_context(
            parameters.get("mode") or "live", None, flow_run_id=str(flow_run.id), started_at=flow_run.start_time
        )
        reason = f"Prefect marked the flow run {state.name}: {state.message or 'no message'}"
        if outcome == "cancelled" and status == "failed":
            reason = f"serve was stopping; {reason}"
        if stages.close_flow_run(db, context, outcome, reason) and outcome == "failed":
            pipeline.notify_failure(settings.alerts.urls, context, RuntimeError(reason))

    return hook


@flow(
    name="presswatch-monitor",
    log_prints=False,
    on_crashed=[record_unfinished("failed")],
    on_cancellation=[record_unfinished("cancelled")],
)
def monitor(
    feeds_file: str | None = None,
    db_file: str | None = None,
    mode: str = "live",
    as_of: datetime | None = None,
    demo: bool = False,
    connect_to: list[list[str]] | None = None,
) -> pipeline.RunSummary:
    """One monitoring run over every feed in the feeds file (skipped if another run holds the warehouse)."""
    if current_deployment.id:
        # Started by serve's Runner in a process of its own: die with the Runner, as its other children do.
        die_with_parent()
    # presswatch's information lines (each stage as it starts, an upgrade of the warehouse, a delivery retried) go
    # to the run's page in the Prefect UI (PREFECT_LOGGING_EXTRA_LOGGERS): in this process nothing else sets their
    # level, and at the logging default everything below WARNING was dropped.
    logging.getLogger("presswatch").setLevel(logging.INFO)
    # The flow's entry is a composition root of its own: a scheduled run starts here, from the environment.
    settings = with_secret_alert_urls(settings_from_environment())
    settings = pipeline.settings_for_run(settings, demo=demo, connect_to=connect_to or ())
    feeds_path = Path(feeds_file) if feeds_file else settings.feeds
    db = Path(db_file) if db_file else settings.db
    settings = with_report_dir_for(settings, db)  # a served --db warehouse gets its report beside it
    context = pipeline.new_context(mode, as_of, flow_run_id=str(current_flow_run.id))
    served = bool(current_deployment.id)
    if served:  # the Runner streams this process's output to the serve terminal: one line as each run starts
        print(f"presswatch serve: run {context.run_id} started ({current_flow_run.name})", flush=True)
    try:
        summary = pipeline.monitor_run(settings, feeds_path, db, context, task_runner(settings))
    except BaseException as error:
        if served:
            print(f"presswatch serve: run {context.run_id} did not finish: {type(error).__name__}", flush=True)
        raise
    if served:
        print(f"presswatch serve: {pipeline.served_run_line(summary)}", flush=True)
    create_markdown_artifact(
        markdown=pipeline.run_markdown(summary), key="presswatch-run", description="presswatch run summary"
    )
    return summary
