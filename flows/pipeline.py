"""The monitoring flow: fetch -> extract -> detect -> load -> alert, each stage a Prefect task.

Retries sit only on the tasks that touch the network; a failed feed or page is an outcome inside a task's
result, never a failed task, so one broken publisher cannot fail the run. The pipeline body (`execute_run`) takes
a stage runner, so the same sequence runs as Prefect tasks in the flow or as plain calls in the benchmark.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import task_run
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows import stages
from flows.alerting import AlertStageResult, run_alert_stage
from flows.config import Settings, settings_from_environment
from flows.delivery import alert_urls_from_environment, send_notice
from flows.fetching import FeedFetch, FeedSource, FeedState, PageFetch
from flows.lock import RunInProgress, run_lock
from transforms.alerts import Alert
from transforms.mentions import MentionDetector
from transforms.records import ExtractedPage
from transforms.topics import TopicDetector
from transforms.watchlist import Watchlist
from warehouse.loads import LoadOutcome, RunTables

LOGGER = logging.getLogger("presswatch.pipeline")
P = ParamSpec("P")
R = TypeVar("R")
TRANSIENT_FEED_OUTCOMES = frozenset({"timeout", "dns", "connect-error", "http-5xx"})


class NetworkLooksDown(RuntimeError):
    """Every feed failed in a way that points at our own network rather than at the publishers."""


@dataclass
class RunSummary:
    """What a run did, for the console summary, the Prefect artifact and tests."""

    run_id: str
    mode: str
    as_of: datetime
    skipped: str | None = None  # why the run did not happen (another run held the lock)
    feeds: dict[str, str] = field(default_factory=dict)  # source_id -> outcome
    failed_feeds: list[str] = field(default_factory=list)  # sources whose fetch counted against them
    feed_errors: dict[str, str] = field(default_factory=dict)
    entries_seen: int = 0
    articles_new: int = 0
    articles_revised: int = 0
    articles_failed: int = 0
    mentions_by_person: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    digest_text: str = ""
    names: dict[str, str] = field(default_factory=dict)  # person and topic ids to display names
    deliveries: list[tuple[str, str, str]] = field(default_factory=list)  # masked channel, status, detail
    stage_seconds: dict[str, float] = field(default_factory=dict)
    load_counts: dict[str, int] = field(default_factory=dict)
    load_method: str = ""
    load_message: str = ""


class StageRunner(Protocol):
    """How each stage is executed: as a Prefect task or as a plain call."""

    def __call__(self, name: str, function: Callable[..., R], *args: Any) -> R: ...


def call_directly(name: str, function: Callable[..., R], *args: Any) -> R:
    """The plain-Python runner: no orchestration at all."""
    return function(*args)


# Network tasks: retried with exponential backoff and jitter. Per-URL failures are outcomes inside the result, so
# a retry covers the machinery itself failing or, for feeds, every feed failing as if our network were down.
@task(
    name="fetch-feeds",
    retries=2,
    retry_delay_seconds=exponential_backoff(10),
    retry_jitter_factor=0.5,
    cache_policy=NO_CACHE,
    timeout_seconds=900,
)
def fetch_feeds_task(
    sources: Sequence[FeedSource], states: dict[str, FeedState], settings: Settings, now: datetime
) -> list[FeedFetch]:
    fetches = stages.run_feed_fetches(sources, states, settings, now)
    attempted = [fetch for fetch in fetches if fetch.outcome != "skipped-backoff"]
    all_transient = bool(attempted) and all(fetch.outcome in TRANSIENT_FEED_OUTCOMES for fetch in attempted)
    if all_transient and task_run.get_run_count() <= settings.task_retries:
        raise NetworkLooksDown(f"all {len(attempted)} feeds failed with network errors; retrying")
    return fetches


@task(
    name="fetch-pages",
    retries=2,
    retry_delay_seconds=exponential_backoff(10),
    retry_jitter_factor=0.5,
    cache_policy=NO_CACHE,
    timeout_seconds=1800,
)
def fetch_pages_task(
    entries: Sequence[stages.NewEntry], sources: Sequence[FeedSource], settings: Settings
) -> list[PageFetch]:
    return stages.run_page_fetches(entries, sources, settings)


@task(name="extract", cache_policy=NO_CACHE, timeout_seconds=3600)
def extract_task(
    entries: Sequence[stages.NewEntry], pages: Sequence[PageFetch], settings: Settings
) -> list[ExtractedPage]:
    return stages.run_extraction(entries, pages, settings)


@task(name="detect", cache_policy=NO_CACHE, timeout_seconds=1800)
def detect_task(
    articles: Sequence[stages.ArticleRecord], watchlist: Watchlist, db: Path, now: datetime
) -> list[stages.ArticleRecord]:
    return detect_stage(articles, watchlist, db, now)


@task(name="load", cache_policy=NO_CACHE, timeout_seconds=900)
def load_task(db: Path, tables: RunTables, settings: Settings) -> LoadOutcome:
    return stages.load_tables(db, tables, settings)


@task(name="alerts", cache_policy=NO_CACHE, timeout_seconds=900)
def alerts_task(db: Path, context: stages.RunContext, settings: Settings, names: dict[str, str]) -> AlertStageResult:
    return alert_stage(db, context, settings, names)


def detect_stage(
    articles: Sequence[stages.ArticleRecord], watchlist: Watchlist, db: Path, now: datetime
) -> list[stages.ArticleRecord]:
    """Stories first (they need the stored recent articles), then mentions and topics."""
    recent = stages.read_recent_stories(db, now - stages.STORY_LOOKBACK)
    with_stories = stages.attach_stories(articles, recent)
    return stages.detect_all(with_stories, MentionDetector(watchlist), TopicDetector(watchlist))


def alert_stage(db: Path, context: stages.RunContext, settings: Settings, names: dict[str, str]) -> AlertStageResult:
    """Evaluate every rule, store what fired once, deliver one digest per channel (or print it), retry failures."""
    return run_alert_stage(
        db,
        run_id=context.run_id,
        started_at=context.started_at,
        as_of=context.as_of,
        alert_urls=alert_urls_from_environment(),
        rules_file=settings.seeds_dir / "alert_rules.csv",
        names=names,
        send=True,
    )


def task_runner(settings: Settings) -> StageRunner:
    """Run each stage as its Prefect task, with retry delays taken from the settings."""
    tasks: dict[str, Any] = {
        "feeds": fetch_feeds_task.with_options(
            retries=settings.task_retries,
            retry_delay_seconds=exponential_backoff(settings.task_retry_delay_s),
        ),
        "pages": fetch_pages_task.with_options(
            retries=settings.task_retries,
            retry_delay_seconds=exponential_backoff(settings.task_retry_delay_s),
        ),
        "extract": extract_task,
        "detect": detect_task,
        "load": load_task,
        "alerts": alerts_task,
    }

    def run(name: str, function: Callable[..., R], *args: Any) -> R:
        # quote(): stage inputs are thousands of records; Prefect would otherwise walk every one looking for
        # futures to wait on, which costs more than orchestrating the stage.
        return tasks[name](*(quote(argument) for argument in args))

    return run


def timed(summary: RunSummary, stage: str, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run one stage, logging its start and recording its duration."""
    LOGGER.info("%s ...", stage)
    started = time.perf_counter()
    result = function(*args, **kwargs)
    summary.stage_seconds[stage] = round(time.perf_counter() - started, 2)
    return result


def execute_run(
    settings: Settings, feeds_path: Path, db: Path, context: stages.RunContext, runner: StageRunner
) -> RunSummary:
    """The pipeline body: every stage once, in order, through the given runner."""
    summary = RunSummary(run_id=context.run_id, mode=context.mode, as_of=context.as_of)
    now = context.started_at

    watchlist = timed(summary, "seeds", stages.load_watchlist, settings.seeds_dir)
    sources = stages.parse_feeds_file(feeds_path)
    states = timed(summary, "warehouse", stages.read_feed_states, db)

    fetches = timed(summary, "feeds", runner, "feeds", stages.run_feed_fetches, sources, states, settings, now)
    entries = stages.pick_new_entries(fetches, db)
    pages = timed(summary, "pages", runner, "pages", stages.run_page_fetches, entries, sources, settings)
    extracted = timed(summary, "extract", runner, "extract", stages.run_extraction, entries, pages, settings)
    articles = stages.build_articles(entries, pages, extracted, now)
    articles = timed(summary, "detect", runner, "detect", detect_stage, articles, watchlist, db, now)

    tables = stages.build_tables(context, watchlist, sources, fetches, entries, articles, stages.utc_now(), "completed")
    outcome = timed(summary, "load", runner, "load", stages.load_tables, db, tables, settings)
    summary.load_counts = outcome.counts
    summary.load_method = outcome.method
    summary.load_message = "; ".join(filter(None, [outcome.message, *outcome.notices]))
    if outcome.method == "spooled":
        # The warehouse stayed locked: this run's rows wait in the spool and the next run merges them, then alerts.
        LOGGER.warning("warehouse locked: %s", summary.load_message)
        summary_counts(summary, fetches, entries, articles)
        return summary
    names = stages.display_names(watchlist)
    summary.names = names
    alerting = timed(summary, "alerts", runner, "alerts", alert_stage, db, context, settings, names)
    summary.alerts = alerting.fired
    summary.digest_text = alerting.digest_text
    summary.deliveries = [(record.channel, record.status, record.detail) for record in alerting.deliveries]
    stages.finish_run(db, context.run_id, alerts_fired=len(summary.alerts))

    summary_counts(summary, fetches, entries, articles)
    return summary


def summary_counts(
    summary: RunSummary,
    fetches: Sequence[FeedFetch],
    entries: Sequence[stages.NewEntry],
    articles: Sequence[stages.ArticleRecord],
) -> None:
    """Fill the summary's per-stage counts from what the stages returned."""
    summary.feeds = {fetch.source_id: fetch.outcome for fetch in fetches}
    summary.failed_feeds = sorted(fetch.source_id for fetch in fetches if fetch.failed)
    summary.feed_errors = {fetch.source_id: fetch.error for fetch in fetches if fetch.error}
    summary.entries_seen = sum(len(fetch.entries) for fetch in fetches)
    summary.articles_new = sum(1 for item in entries if item.known_article_id is None)
    summary.articles_revised = sum(1 for item in entries if item.known_article_id is not None)
    summary.articles_failed = sum(1 for article in articles if article.page.method == "failed")
    for article in articles:
        for mention in article.mentions:
            summary.mentions_by_person[mention.person_id] = summary.mentions_by_person.get(mention.person_id, 0) + 1
        for topic in article.topic_mentions:
            summary.topics[topic.topic_id] = summary.topics.get(topic.topic_id, 0) + 1


def new_context(mode: str, as_of: datetime | None) -> stages.RunContext:
    now = stages.utc_now()
    return stages.RunContext(
        run_id=f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}", started_at=now, as_of=as_of or now, mode=mode
    )


def notify_failure(context: stages.RunContext, error: Exception) -> None:
    """Tell the team's channels that the run itself failed: an unwatched hourly job must never fail silently."""
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    body = (
        f"Run {context.run_id} ({context.mode}) failed: {type(error).__name__}: {reason}\n"
        "Nothing from this run was loaded. The next scheduled run will try again; fix the cause if it repeats."
    )
    try:
        results = send_notice(alert_urls_from_environment(), "presswatch: run failed", body)
    except Exception as second:  # the notice is best effort: the failure itself is what must surface
        LOGGER.warning("could not send the failure notice: %s", second)
        return
    for channel, ok, detail in results:
        if not ok:
            LOGGER.warning("failure notice to %s not delivered: %s", channel, detail)


def run_markdown(summary: RunSummary) -> str:
    """The run's Prefect artifact: counts per stage, top people, alerts, failing feeds, durations."""
    if summary.skipped:
        return f"# presswatch run {summary.run_id}\n\nSkipped: {summary.skipped}\n"
    failing = {source: summary.feeds[source] for source in summary.failed_feeds}
    top = sorted(summary.mentions_by_person.items(), key=lambda item: -item[1])[:10]
    lines = [
        f"# presswatch run {summary.run_id}",
        "",
        f"Mode {summary.mode}; alerts evaluated as of {summary.as_of:%Y-%m-%d %H:%M} UTC.",
        "",
        "| stage | count | seconds |",
        "|---|---:|---:|",
        f"| feeds | {len(summary.feeds)} ({len(failing)} failing) | {summary.stage_seconds.get('feeds', 0)} |",
        f"| new articles | {summary.articles_new} (+{summary.articles_revised} revised) | "
        f"{summary.stage_seconds.get('pages', 0)} |",
        f"| extraction failures | {summary.articles_failed} | {summary.stage_seconds.get('extract', 0)} |",
        f"| mentions | {sum(summary.mentions_by_person.values())} | {summary.stage_seconds.get('detect', 0)} |",
        f"| rows loaded | {sum(summary.load_counts.values())} | {summary.stage_seconds.get('load', 0)} |",
        f"| alerts fired | {len(summary.alerts)} | {summary.stage_seconds.get('alerts', 0)} |",
        "",
        "## Top mentioned",
        "",
        *[f"- {person}: {count}" for person, count in top],
        "",
        "## Alerts",
        "",
        *(
            [
                f"- {alert.rule}: {alert.subject} {alert.value:g} vs {alert.expected:g} expected"
                for alert in summary.alerts
            ]
            or ["- none"]
        ),
        "",
        "## Failing feeds",
        "",
        *(
            [f"- {source}: {outcome} {summary.feed_errors.get(source, '')}" for source, outcome in failing.items()]
            or ["- none"]
        ),
    ]
    return "\n".join(lines) + "\n"


@flow(name="presswatch-monitor", log_prints=False)
def monitor(
    feeds_file: str | None = None,
    db_file: str | None = None,
    mode: str = "live",
    as_of: datetime | None = None,
    settings_overrides: dict[str, float] | None = None,
) -> RunSummary:
    """One monitoring run over every feed in the feeds file (skipped if another run holds the warehouse)."""
    settings = settings_from_environment()
    if settings_overrides:
        settings = replace(settings, **settings_overrides)  # type: ignore[arg-type]
    feeds_path = Path(feeds_file) if feeds_file else settings.feeds
    db = Path(db_file) if db_file else settings.db
    context = new_context(mode, as_of)
    try:
        with run_lock(db):
            summary = execute_run(settings, feeds_path, db, context, task_runner(settings))
    except RunInProgress as busy:
        summary = RunSummary(run_id=context.run_id, mode=mode, as_of=context.as_of, skipped=str(busy))
    except Exception as error:
        stages.record_failed_run(db, context, error)
        notify_failure(context, error)
        raise
    create_markdown_artifact(markdown=run_markdown(summary), key="presswatch-run", description="presswatch run summary")
    return summary
