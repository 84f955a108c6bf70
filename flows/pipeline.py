"""The monitoring flow: fetch -> extract -> detect -> load -> alert, each stage a Prefect task.

Retries sit only on the tasks that touch the network; a failed feed or page is an outcome inside a task's
result, never a failed task, so one broken publisher cannot fail the run.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from flows import stages
from flows.config import Settings, settings_from_environment
from flows.fetching import FeedFetch, FeedSource, FeedState, PageFetch
from transforms.alerts import Alert, SpikeRule
from transforms.mentions import MentionDetector
from transforms.records import ExtractedPage
from transforms.topics import TopicDetector
from transforms.watchlist import Watchlist
from warehouse.loads import RunTables

LOGGER = logging.getLogger("presswatch.pipeline")
P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class RunSummary:
    """What a run did, for the console summary, the Prefect artifact and tests."""

    run_id: str
    mode: str
    as_of: datetime
    feeds: dict[str, str] = field(default_factory=dict)  # source_id -> outcome
    feed_errors: dict[str, str] = field(default_factory=dict)
    entries_seen: int = 0
    articles_new: int = 0
    articles_revised: int = 0
    articles_failed: int = 0
    mentions_by_person: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    load_counts: dict[str, int] = field(default_factory=dict)


def timed(summary: RunSummary, stage: str, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run one stage, logging its start and recording its duration."""
    LOGGER.info("%s ...", stage)
    started = time.perf_counter()
    result = function(*args, **kwargs)
    summary.stage_seconds[stage] = round(time.perf_counter() - started, 2)
    return result


# Network tasks: retried with exponential backoff and jitter. Their own failures per URL are outcomes, so a retry
# here covers only a crash of the fetch machinery itself.
@task(name="fetch-feeds", retries=2, retry_delay_seconds=exponential_backoff(5), retry_jitter_factor=0.5,
      cache_policy=NO_CACHE, timeout_seconds=900)
def fetch_feeds_task(
    sources: Sequence[FeedSource], states: dict[str, FeedState], settings: Settings, now: datetime
) -> list[FeedFetch]:
    return stages.run_feed_fetches(sources, states, settings, now)


@task(name="fetch-pages", retries=2, retry_delay_seconds=exponential_backoff(5), retry_jitter_factor=0.5,
      cache_policy=NO_CACHE, timeout_seconds=1800)
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
    recent = stages.read_recent_stories(db, now - stages.STORY_LOOKBACK)
    with_stories = stages.attach_stories(articles, recent)
    return stages.detect_all(with_stories, MentionDetector(watchlist), TopicDetector(watchlist))


@task(name="load", cache_policy=NO_CACHE, timeout_seconds=900)
def load_task(db: Path, tables: RunTables) -> dict[str, int]:
    return stages.load_tables(db, tables)


@task(name="alerts", cache_policy=NO_CACHE, timeout_seconds=600)
def alerts_task(db: Path, context: stages.RunContext) -> list[Alert]:
    fired = stages.evaluate_spikes(db, context.as_of, SpikeRule())
    return stages.record_alerts(db, fired, context)


@flow(name="presswatch-monitor", log_prints=False)
def monitor(
    feeds_file: str | None = None,
    db_file: str | None = None,
    mode: str = "live",
    as_of: datetime | None = None,
    settings_overrides: dict[str, float] | None = None,
) -> RunSummary:
    """One monitoring run over every feed in the feeds file."""
    settings = settings_from_environment()
    if settings_overrides:
        from dataclasses import replace

        settings = replace(settings, **settings_overrides)  # type: ignore[arg-type]
    feeds_path = Path(feeds_file) if feeds_file else settings.feeds
    db = Path(db_file) if db_file else settings.db
    now = stages.utc_now()
    context = stages.RunContext(
        run_id=f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}", started_at=now, as_of=as_of or now, mode=mode
    )
    summary = RunSummary(run_id=context.run_id, mode=mode, as_of=context.as_of)

    watchlist = timed(summary, "seeds", stages.load_watchlist, settings.seeds_dir)
    sources = stages.parse_feeds_file(feeds_path)
    states = timed(summary, "warehouse", stages.read_feed_states, db)

    fetches = timed(summary, "feeds", fetch_feeds_task, sources, states, settings, now)
    entries = stages.pick_new_entries(fetches, db)
    pages = timed(summary, "pages", fetch_pages_task, entries, sources, settings)
    extracted = timed(summary, "extract", extract_task, entries, pages, settings)
    articles = stages.build_articles(entries, pages, extracted, now)
    articles = timed(summary, "detect", detect_task, articles, watchlist, db, now)

    finished = stages.utc_now()
    tables = stages.build_tables(context, watchlist, sources, fetches, entries, articles, finished, "completed")
    summary.load_counts = timed(summary, "load", load_task, db, tables)
    summary.alerts = timed(summary, "alerts", alerts_task, db, context)
    stages.finish_run(db, context.run_id, alerts_fired=len(summary.alerts))

    summary.feeds = {fetch.source_id: fetch.outcome for fetch in fetches}
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
    return summary

