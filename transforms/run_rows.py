"""The rows a run loads, built from what its stages found: pure, so each table's shape is tested in milliseconds.

Every timestamp column is typed `TIMESTAMP` (microseconds, UTC) even when a batch holds only nulls, so frames made
in this run concatenate with state read back from the warehouse (issue 12.0: a new feed beside stored ones crashed
the run on two spellings of UTC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

import polars as pl

from transforms.feed_state import FeedFetch, FeedSource, sitemaps_to_json
from transforms.identity import text_digest
from transforms.records import ExtractedPage, Mention, Quote, TopicMention
from transforms.revisions import NewEntry
from transforms.watchlist import Watchlist

TIMESTAMP = pl.Datetime("us", "UTC")  # the one type every timestamp column is loaded as
FEED_STATE_TIMES = ("failing_since", "next_attempt_at", "last_full_fetch_at", "updated_at")


@dataclass(frozen=True)
class RunContext:
    """Who, when and against which clock this run is."""

    run_id: str
    started_at: datetime
    as_of: datetime
    mode: str  # live, demo or backfill
    flow_run_id: str | None = None  # the Prefect flow run, when one orchestrates this run


@dataclass(frozen=True)
class ArticleRecord:
    """One article ready to load, with its mentions."""

    article_id: str
    source_id: str
    url: str
    guid: str | None
    title: str
    feed_title: str
    published_at: datetime
    feed_published_at: datetime | None
    page_published_at: datetime | None
    first_seen_at: datetime
    fetched_at: datetime | None
    extracted_at: datetime
    text: str
    page: ExtractedPage
    http_status: int | None
    fetch_outcome: str
    revision_count: int
    story_id: str | None = None
    story_signature: bytes | None = None  # MinHash of `text`, stored so later runs match without re-printing it
    mentions: tuple[Mention, ...] = ()
    topic_mentions: tuple[TopicMention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    detection_note: str = ""  # what detection left out of a text too long or too repetitive (transforms/bounds.py)


def next_feed_state_row(fetch: FeedFetch, now: datetime) -> dict[str, object]:
    """The feed_state row to store after this fetch."""
    state = fetch.state
    return {
        "source_id": fetch.source_id,
        "etag": state.etag,
        "last_modified": state.last_modified,
        "body_sha256": state.body_sha256,
        "validators_trusted": state.validators_trusted,
        "consecutive_failures": state.consecutive_failures,
        "failing_since": state.failing_since,
        "next_attempt_at": state.next_attempt_at,
        "last_full_fetch_at": state.last_full_fetch_at,
        "sitemaps": sitemaps_to_json(state.sitemaps),
        "updated_at": now,
    }


@dataclass
class RunTotals:
    """What the run's row counts, added up batch by batch."""

    feeds_total: int = 0
    feeds_failed: int = 0
    entries_seen: int = 0
    articles_new: int = 0
    articles_failed: int = 0
    mentions_new: int = 0
    topic_mentions_new: int = 0
    articles_deferred: int = 0  # entries left for later runs: over the per-feed cap or past the run's deadline

    def add_batch(self, entries: Sequence[NewEntry], articles: Sequence[ArticleRecord]) -> None:
        self.articles_new += sum(1 for item in entries if item.known_article_id is None)
        self.articles_failed += sum(1 for article in articles if article.page.method == "failed")
        self.mentions_new += sum(len(article.mentions) for article in articles)
        self.topic_mentions_new += sum(len(article.topic_mentions) for article in articles)


def feed_frames(
    context: RunContext,
    watchlist: Watchlist,
    sources: Sequence[FeedSource],
    fetches: Sequence[FeedFetch],
    entries: Sequence[NewEntry],
) -> dict[str, pl.DataFrame]:
    """The run's feed-level rows (sources, watchlist names, feed state, one fetch row per feed), loaded with its
    first batch of articles."""
    now = context.started_at
    new_by_source: dict[str, int] = {}
    for item in entries:
        if item.known_article_id is None:
            new_by_source[item.source_id] = new_by_source.get(item.source_id, 0) + 1
    return {
        "sources": pl.DataFrame(
            [
                {
                    "source_id": source.source_id,
                    "name": source.name,
                    "feed_url": source.feed_url,
                    "respect_robots": source.respect_robots,
                    "updated_at": now,
                }
                for source in sources
            ]
        ),
        "people": people_frame(watchlist, now),
        "topics": topics_frame(watchlist, now),
        "feed_state": pl.DataFrame(
            [next_feed_state_row(fetch, now) for fetch in fetches],
            schema_overrides={**{name: TIMESTAMP for name in FEED_STATE_TIMES}, "sitemaps": pl.String},
        ),
        "feed_fetches": pl.DataFrame(
            [
                {
                    "run_id": context.run_id,
                    "source_id": fetch.source_id,
                    "started_at": fetch.started_at,
                    "duration_s": fetch.duration_s,
                    "http_status": fetch.http_status,
                    "outcome": fetch.outcome,
                    "entries_total": len(fetch.entries),
                    "entries_new": new_by_source.get(fetch.source_id, 0),
                    "size_bytes": fetch.size_bytes,
                    "error": fetch.error,
                    "failed": fetch.failed,
                }
                for fetch in fetches
            ],
            schema_overrides={"http_status": pl.Int32, "error": pl.String},
        ),
    }


def runs_frame(context: RunContext, totals: RunTotals, status: str) -> pl.DataFrame:
    """The run's row in `runs`, counting every batch loaded so far."""
    return pl.DataFrame(
        [
            {
                "run_id": context.run_id,
                "started_at": context.started_at,
                "finished_at": None,
                "status": status,
                "mode": context.mode,
                "as_of": context.as_of,
                **asdict(totals),
                "alerts_fired": 0,
                "load_method": "direct",
                "error": None,
                "flow_run_id": context.flow_run_id,
            }
        ],
        schema_overrides={"finished_at": TIMESTAMP, "error": pl.String, "flow_run_id": pl.String},
    )


def articles_frame(articles: Sequence[ArticleRecord], run_id: str) -> pl.DataFrame:
    """The articles table's rows for this run."""
    rows = [
        {
            "article_id": article.article_id,
            "source_id": article.source_id,
            "url": article.url,
            "guid": article.guid,
            "title": article.title,
            "feed_title": article.feed_title,
            "published_at": article.published_at,
            "feed_published_at": article.feed_published_at,
            "page_published_at": article.page_published_at,
            "first_seen_at": article.first_seen_at,
            "fetched_at": article.fetched_at,
            "extracted_at": article.extracted_at,
            "text": article.text,
            "text_sha256": text_digest(article.text),
            "author": article.page.author,
            "site_name": article.page.site_name,
            "language": article.page.language,
            "http_status": article.http_status,
            "fetch_outcome": article.fetch_outcome,
            "extraction_method": article.page.method,
            "quality": article.page.quality,
            "error": "; ".join(filter(None, [article.page.error, article.detection_note])) or None,
            "story_id": article.story_id,
            "story_signature": article.story_signature,
            "revision_count": article.revision_count,
            "revised_at": article.extracted_at if article.revision_count else None,
            "run_id": run_id,
        }
        for article in articles
    ]
    return pl.DataFrame(
        rows,
        schema_overrides={
            "feed_published_at": TIMESTAMP,
            "page_published_at": TIMESTAMP,
            "fetched_at": TIMESTAMP,
            "revised_at": TIMESTAMP,
            "http_status": pl.Int32,
            "guid": pl.String,
            "author": pl.String,
            "site_name": pl.String,
            "language": pl.String,
            "error": pl.String,
            "story_signature": pl.Binary,
        },
    )


def run_parameters(context: RunContext) -> dict[str, object]:
    return {
        "run_id": context.run_id,
        "started_at": context.started_at,
        "mode": context.mode,
        "as_of": context.as_of,
        "flow_run_id": context.flow_run_id,
    }


def display_names(watchlist: Watchlist) -> dict[str, str]:
    """Person and topic ids to the names people read in alerts."""
    names = {person.person_id: person.name for person in watchlist.people}
    names.update({topic.topic_id: topic.name for topic in watchlist.topics})
    return names


def occurrence_rows(
    article_id: str, occurrences: Sequence[Mention] | Sequence[TopicMention], run_id: str
) -> list[dict[str, object]]:
    """Rows for the mentions or topic_mentions table: the record's fields are the table's columns."""
    return [{"article_id": article_id, **asdict(occurrence), "run_id": run_id} for occurrence in occurrences]


def people_frame(watchlist: Watchlist, now: datetime) -> pl.DataFrame:
    return pl.DataFrame([{"person_id": p.person_id, "name": p.name, "updated_at": now} for p in watchlist.people])


def topics_frame(watchlist: Watchlist, now: datetime) -> pl.DataFrame:
    return pl.DataFrame([{"topic_id": t.topic_id, "name": t.name, "updated_at": now} for t in watchlist.topics])
