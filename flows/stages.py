"""Every stage's entry point, in run order, as plain functions: flows/pipeline.py calls them in that order, the
Prefect flow (flows/orchestration/flow.py) wraps the same functions in tasks, benchmarks call them directly.

seeds -> fetch feeds -> pick new entries -> fetch pages -> extract -> detect (stories, mentions, topics, quotes)
-> load -> alerts -> report -> publish

One cohesive module by design (about 430 lines; seed reading is in seeds.py): each function reads or writes
through an adapter or the warehouse and hands pure work to transforms/ (rows in run_rows.py, the revision rule in
revisions.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from flows import quoting
from flows.adapters.extraction import ExtractionPool, PageToExtract
from flows.adapters.fetching import PageFetch, fetch_feeds, fetch_pages
from flows.adapters.http import FetchResult, UrlGuard
from flows.alerting import AlertStageResult, run_alert_stage
from flows.backfill import WatchlistChange, rederive_watchlist_changes
from flows.config import Settings
from flows.detection import Detectors, detect_text
from flows.failures import describe
from transforms import budget, revisions
from transforms.feed_state import FeedEntry, FeedFetch, FeedSource, FeedState, sitemaps_from_json
from transforms.identity import article_id_for
from transforms.quotes import QuoteExtractor
from transforms.records import ExtractedPage
from transforms.revisions import NewEntry
from transforms.run_rows import (
    ArticleRecord,
    RunContext,
    RunTotals,
    articles_frame,
    occurrence_rows,
    run_parameters,
    runs_frame,
)
from transforms.stories import StoredWindow, StoryInput, StoryMatcher, print_for, print_text
from transforms.text import article_text, choose_published_at
from transforms.watchlist import Watchlist
from warehouse import database
from warehouse.loads import LoadOutcome, RunTables, load_or_spool
from warehouse.snapshot import Publication, publish_snapshot

STORY_LOOKBACK = timedelta(days=3)
# The runs table's column for each stage's seconds.
STAGE_COLUMNS = {
    "feeds": "fetch_feeds_s",
    "pages": "fetch_pages_s",
    "extract": "extract_s",
    "detect": "detect_s",
    "load": "load_s",
    "alerts": "alerts_s",
    "report": "report_s",
    "publish": "publish_s",  # written by the publish itself, in the warehouse and its snapshot alike
}
LOGGER = logging.getLogger("presswatch.pipeline")


def url_guard_for(sources: Sequence[FeedSource]) -> UrlGuard:
    """Private addresses are reachable only at the exact origins (scheme, host, port) of the operator's feeds."""
    return UrlGuard(source.feed_url for source in sources)


def spool_dir_for(db: Path) -> Path:
    """Where a run's tables wait, as Parquet, when the warehouse stayed locked through its load."""
    return db.with_name(f"{db.stem}.spool")


@contextmanager
def reading(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for the run's lookups: the warehouse, or its last snapshot while someone else holds the file.

    A stale snapshot only costs extra fetching (loads are upserts), so a locked file never stops a run here.
    """
    try:
        con = database.connect(db)
    except database.WarehouseLocked:
        snapshot = database.snapshot_path(db)
        if not snapshot.exists():
            raise
        LOGGER.warning("%s is locked by another process; reading run state from its snapshot %s", db, snapshot)
        con = database.connect(snapshot, read_only=True)
    try:
        yield con
    finally:
        con.close()


def read_feed_states(db: Path) -> dict[str, FeedState]:
    """Each feed's validators and failure record from earlier runs."""
    with reading(db) as con:
        frame = database.query_frame(con, "feed_states")
    return feed_states_from_frame(frame)


def feed_states_from_frame(frame: pl.DataFrame) -> dict[str, FeedState]:
    """Feed states from the feed_state table's rows (read here, or staged for a shard: flows/shards.py)."""
    states = {}
    for row in frame.iter_rows(named=True):
        states[row["source_id"]] = FeedState(
            source_id=row["source_id"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            body_sha256=row["body_sha256"],
            validators_trusted=bool(row["validators_trusted"]),
            consecutive_failures=int(row["consecutive_failures"]),
            failing_since=row["failing_since"],
            next_attempt_at=row["next_attempt_at"],
            last_full_fetch_at=row["last_full_fetch_at"],
            sitemaps=sitemaps_from_json(row.get("sitemaps")),
        )
    return states


def run_feed_fetches(
    sources: Sequence[FeedSource], states: dict[str, FeedState], settings: Settings, now: datetime
) -> list[FeedFetch]:
    """Fetch every feed that is due; failures come back as outcomes, never as exceptions."""
    return fetch_feeds(sources, states, settings=settings.fetch, guard=url_guard_for(sources), now=now)


def read_deferrals(db: Path, sources: Sequence[FeedSource]) -> dict[str, budget.Deferral]:
    """The entries earlier runs deferred, by URL, for the feeds this run monitors (a removed feed's rows: see
    read_removed_feed_deferrals)."""
    monitored = {source.source_id for source in sources}
    with reading(db) as con:
        try:
            frame = database.query_frame(con, "deferred_articles")
        except duckdb.CatalogException:  # a snapshot published before migration 0017, read while the file is locked
            return {}
    return deferrals_from_frame(frame, monitored)


def deferrals_from_frame(frame: pl.DataFrame, monitored: set[str]) -> dict[str, budget.Deferral]:
    """The deferred_articles rows of the monitored feeds, by URL."""
    deferrals = (budget.deferral_from_row(row) for row in frame.iter_rows(named=True))
    return {item.item.entry.url: item for item in deferrals if item.item.source_id in monitored}


def read_removed_feed_deferrals(db: Path, sources: Sequence[FeedSource]) -> dict[str, list[str]]:
    """The URLs earlier runs deferred for feeds no longer in the feeds file, by feed: no run would take them up."""
    with reading(db) as con:
        try:
            frame = database.query_frame(
                con, "deferred_removed_feeds", {"monitored": [source.source_id for source in sources]}
            )
        except duckdb.CatalogException:  # a snapshot published before migration 0017, read while the file is locked
            return {}
    removed: dict[str, list[str]] = {}
    for source_id, url in frame.iter_rows():
        removed.setdefault(source_id, []).append(url)
    return removed


def pick_new_entries(
    fetches: Sequence[FeedFetch], db: Path, earlier: Mapping[str, budget.Deferral] | None = None
) -> list[NewEntry]:
    """The entries this run may fetch (transforms/revisions.py), given what the warehouse holds of their URLs: the
    feeds' entries, and those earlier runs deferred (a feed that lists one again gives its current headline)."""
    first_by_url = candidate_entries(fetches, earlier)
    if not first_by_url:
        return []
    with reading(db) as con:
        con.register("candidate_urls", pl.DataFrame({"url": list(first_by_url)}).to_arrow())
        known = database.query_frame(con, "known_articles")
    return pick_from_known(first_by_url, known)


def candidate_entries(
    fetches: Sequence[FeedFetch], earlier: Mapping[str, budget.Deferral] | None
) -> dict[str, tuple[str, FeedEntry]]:
    """The first sighting of every URL among the feeds' entries and the earlier deferrals."""
    held = [(item.item.source_id, [item.item.entry]) for item in (earlier or {}).values()]
    return revisions.first_entry_per_url([*((fetch.source_id, fetch.entries) for fetch in fetches), *held])


def pick_from_known(first_by_url: Mapping[str, tuple[str, FeedEntry]], known: pl.DataFrame) -> list[NewEntry]:
    """The entries to fetch, given the stored articles among their URLs (the known_articles query's rows)."""
    stored = {url: article for url, article in stored_by_url(known).items() if url in first_by_url}
    return revisions.pick_new_entries(first_by_url, stored)


def stored_by_url(known: pl.DataFrame) -> dict[str, revisions.StoredArticle]:
    """The known_articles query's rows as the stored articles revisions are judged against, by URL."""
    return {
        row["url"]: revisions.StoredArticle(
            row["article_id"], row["feed_title"], int(row["revision_count"]), row["first_seen_at"]
        )
        for row in known.iter_rows(named=True)
    }


def run_page_fetches(
    entries: Sequence[NewEntry], sources: Sequence[FeedSource], settings: Settings, stop_at: float | None = None
) -> list[PageFetch]:
    """Fetch each picked entry's page under the politeness rules; robots.txt unless the source opts out; no
    request starts after `stop_at` (time.monotonic()), the run's deadline: those come back with outcome `deadline`."""
    robots_by_source = {source.source_id: source.respect_robots for source in sources}
    robots_by_url = {item.entry.url: robots_by_source.get(item.source_id, True) for item in entries}
    return fetch_pages(
        [item.entry.url for item in entries],
        settings=settings.fetch,
        guard=url_guard_for(sources),
        respect_robots=lambda url: robots_by_url.get(url, True),
        stop_at=stop_at,
    )


def split_reached(
    entries: Sequence[NewEntry], pages: Sequence[PageFetch]
) -> tuple[list[NewEntry], list[PageFetch], list[NewEntry]]:
    """The entries whose page was requested, with their fetches, and those the run's deadline left for later."""
    reached = [(item, page) for item, page in zip(entries, pages, strict=True) if page.result.outcome != "deadline"]
    late = [item for item, page in zip(entries, pages, strict=True) if page.result.outcome == "deadline"]
    return [item for item, _ in reached], [page for _, page in reached], late


def extraction_pool(settings: Settings) -> ExtractionPool:
    """The run's extraction workers, with the limits the settings give."""
    return ExtractionPool(
        workers=settings.extraction.workers,
        time_limit_s=settings.extraction.time_limit_s,
        memory_limit_mb=settings.extraction.memory_mb,
    )


def run_extraction(
    entries: Sequence[NewEntry], pages: Sequence[PageFetch], pool: ExtractionPool
) -> list[ExtractedPage]:
    """Extract text in the run's worker processes; a page that could not be fetched falls back to its feed summary."""
    to_extract = []
    for item, page in zip(entries, pages, strict=True):
        html = page.result.text if page.result.outcome == "ok" and page.result.text else ""
        to_extract.append(
            PageToExtract(url=item.entry.url, html=html, feed_title=item.entry.title, feed_summary=item.entry.summary)
        )
    return pool.extract(to_extract)


def build_articles(
    entries: Sequence[NewEntry], pages: Sequence[PageFetch], extracted: Sequence[ExtractedPage], now: datetime
) -> list[ArticleRecord]:
    """Join entry, fetch and extraction into article records with their stored text."""
    articles = []
    for item, page, result in zip(entries, pages, extracted, strict=True):
        entry = item.entry
        if result.language is None and entry.language:  # a news sitemap declares each article's language
            result = replace(result, language=entry.language)
        title = result.title or entry.title or entry.url
        fetch_ok = page.result.outcome == "ok"
        articles.append(
            ArticleRecord(
                article_id=item.known_article_id or article_id_for(entry.url),
                source_id=item.source_id,
                url=entry.url,
                guid=entry.guid,
                title=title,
                feed_title=entry.title,
                published_at=choose_published_at(entry.published_at, result.published_at, now),
                feed_published_at=entry.published_at,
                page_published_at=result.published_at,
                first_seen_at=item.first_seen_at or now,  # a revision keeps its first sighting; retention ages from it
                fetched_at=page.result.started_at if fetch_ok else None,
                extracted_at=now,
                text=article_text(title, result.text) if result.text else title,
                page=result if fetch_ok else with_fetch_failure(result, page.result),
                http_status=page.result.status,
                fetch_outcome=page.result.outcome,
                revision_count=item.revision_count,
            )
        )
    return articles


def with_fetch_failure(extracted: ExtractedPage, fetched: FetchResult) -> ExtractedPage:
    """The extraction record with why its page was not fetched in front, so articles.error says it."""
    reason = f"{fetched.outcome}: {fetched.error}" if fetched.error else fetched.outcome
    return replace(extracted, error=f"{reason}; {extracted.error}" if extracted.error else reason)


def read_recent_stories(con: duckdb.DuckDBPyConnection, since: datetime) -> tuple[StoredWindow, dict[str, int]]:
    """Stored articles new ones may join as the same story (their signatures, not their text), and their row ids.

    Articles stored before signatures were (migration 0006) are printed from their text here, each run, until they
    leave the window: a few days after the upgrade there are none left, and no run writes outside its load.
    """
    frame = database.query_frame(con, "recent_stories", {"since": since})
    article_ids = frame["article_id"].to_list()
    rows = dict(zip(article_ids, frame["stored_row"].to_list(), strict=True))
    unsigned = frame.filter(pl.col("story_signature").is_null())["article_id"].to_list()
    texts = read_story_texts(con, [rows[article_id] for article_id in unsigned]) if unsigned else {}
    printed = {article_id: print_text(text).signature for article_id, (_, text) in texts.items()}
    window = StoredWindow.from_columns(
        article_ids,
        frame["story_id"].to_list(),
        frame["published_at"].dt.epoch("us").to_numpy() / 1e6,
        [
            signature or printed.get(article_id, b"")
            for article_id, signature in zip(article_ids, frame["story_signature"].to_list(), strict=True)
        ],
    )
    return window, rows


def read_story_texts(con: duckdb.DuckDBPyConnection, stored_rows: Sequence[int]) -> dict[str, tuple[str, str]]:
    """Title and text of stored articles by the row ids the window read gave, in the same connection: a row-id
    lookup costs a few milliseconds where a lookup by article id scans the ids of a whole row group."""
    frame = database.query_frame(con, "story_texts", {"stored_rows": list(stored_rows)})
    return {row["article_id"]: (row["title"] or "", row["text"]) for row in frame.iter_rows(named=True)}


def attach_stories(articles: Sequence[ArticleRecord], db: Path, since: datetime) -> list[ArticleRecord]:
    """Give every article a story id (an earlier story when it is a near-duplicate, else its own) and its signature.

    Reads the window's signatures and then only the candidates' texts, in one connection.
    """
    prints = [print_for(article.text, article.page.story_print) for article in articles]  # the workers', mostly
    inputs = [
        StoryInput(article.article_id, article.title, article.text, article.published_at, article.source_id, made)
        for article, made in zip(articles, prints, strict=True)
    ]
    story_ids = story_ids_for(inputs, db, since)
    return [
        replace(article, story_id=story_ids.get(article.article_id, article.article_id), story_signature=made.signature)
        for article, made in zip(articles, prints, strict=True)
    ]


def story_ids_for(inputs: Sequence[StoryInput], db: Path, since: datetime) -> dict[str, str]:
    """Each input article's story against the stored window since `since` and each other (absent: its own)."""
    with reading(db) as con:
        window, rows = read_recent_stories(con, since)
        matcher = StoryMatcher(inputs, window)
        checked = [rows[article_id] for article_id in matcher.stored_to_check()]
        texts = read_story_texts(con, checked) if checked else {}
    return matcher.assign(texts)


def detect_all(articles: Sequence[ArticleRecord], detectors: Detectors) -> list[ArticleRecord]:
    """Mentions, topic mentions and quotes of every article (the matchers are built once per run, not per article),
    each article within the run's detection limits."""
    extractor = QuoteExtractor(detectors.cues or quoting.load_speech_cues())
    return [detect_article(article, detectors, extractor) for article in articles]


def detect_article(article: ArticleRecord, detectors: Detectors, extractor: QuoteExtractor) -> ArticleRecord:
    """One article with its mentions, topic mentions and quotes; what detection left out is logged and stored as
    the article's detection note (articles.error), so nothing is dropped in silence."""
    found = detect_text(article.text, article.published_at, detectors, extractor)
    if found.note:
        LOGGER.warning("detect: %s: %s", article.url, found.note)
    return replace(
        article,
        mentions=found.mentions,
        topic_mentions=found.topic_mentions,
        quotes=found.quotes,
        detection_note=found.note,
    )


def batch_tables(
    context: RunContext,
    articles: Sequence[ArticleRecord],
    totals: RunTotals,
    status: str,
    feed_rows: Mapping[str, pl.DataFrame] | None = None,
    deferrals: Sequence[pl.DataFrame] = (),
) -> RunTables:
    """One batch's articles with their mentions, topic mentions and quotes, the run's row as it stands, the
    entries deferred so far and not yet recorded, and, with the first batch, the run's feed-level rows."""
    mentions = [
        row for article in articles for row in occurrence_rows(article.article_id, article.mentions, context.run_id)
    ]
    topic_mentions = [
        row
        for article in articles
        for row in occurrence_rows(article.article_id, article.topic_mentions, context.run_id)
    ]
    return RunTables.from_frames(
        {
            **(feed_rows or {}),
            "articles": articles_frame(articles, context.run_id),
            "mentions": pl.DataFrame(mentions),
            "topic_mentions": pl.DataFrame(topic_mentions),
            "quotes": quoting.quotes_table(articles, context.run_id),
            "runs": runs_frame(context, totals, status),
            "deferred_articles": pl.concat(deferrals) if deferrals else pl.DataFrame(),
        },
        replaced_article_ids=tuple(article.article_id for article in articles if article.revision_count > 0),
    )


def load_tables(db: Path, tables: RunTables, settings: Settings, started_at: datetime) -> LoadOutcome:
    """Load in one short transaction, merging earlier spools first; spool durably if the file stays locked.
    Retention ages text against `started_at`, the run's start by the machine's clock, never its --as-of."""
    return load_or_spool(
        db,
        tables,
        spool_dir=spool_dir_for(db),
        attempts=settings.runs.lock_attempts,
        keep_text_days=settings.runs.text_retention_days or None,
        run_started_at=started_at,
    )


def start_run(db: Path, context: RunContext) -> None:
    """Record the run as `running` at once, and close the rows of runs that died without finishing.

    Called under the run lock, so no other run on this warehouse is alive: a row still `running` or `loading` is
    one whose process was killed. A locked file only postpones the record: the run's load writes its row too.
    """
    try:
        with database.opened(db) as con:
            con.execute(database.read_sql("runs_interrupted"), {"run_id": context.run_id, "now": datetime.now(UTC)})
            con.execute(database.read_sql("run_started"), run_parameters(context))
    except database.WarehouseLocked as error:
        LOGGER.warning("run %s not recorded as started yet: %s", context.run_id, error)


def end_run(
    db: Path,
    context: RunContext,
    status: str,
    *,
    error: str | None = None,
    alerts_fired: int | None = None,
    seconds: dict[str, float | None] | None = None,
) -> None:
    """Close the run's row as completed, failed or cancelled, keeping the counts its load wrote.

    Failures are recorded best effort: the warehouse may be exactly what failed, and the notice still goes out.
    """
    parameters = {
        **run_parameters(context),
        "status": status,
        "finished_at": datetime.now(UTC),
        "error": error[:2000] if error else None,
        "alerts_fired": alerts_fired,
        **{column: None for column in STAGE_COLUMNS.values()},
        **(seconds or {}),
    }
    try:
        with database.opened(db) as con:
            con.execute(database.read_sql("run_ended"), parameters)
    except Exception as second:
        if status == "completed":
            raise
        LOGGER.warning("could not record the %s run %s: %s", status, context.run_id, second)


def close_flow_run(db: Path, context: RunContext, status: str, reason: str) -> bool:
    """Close a crashed or cancelled flow run's row, or write one if it never got that far; False when the run
    had already closed its own row (nothing to record, nobody to tell)."""
    with database.opened(db) as con:
        closed = con.execute(
            database.read_sql("close_flow_run"),
            {"status": status, "finished_at": datetime.now(UTC), "error": reason, "flow_run_id": context.flow_run_id},
        ).fetchall()
        if closed:
            return True
        known = database.scalar(con, database.read_sql("flow_run_known"), {"flow_run_id": context.flow_run_id})
    if known:
        return False
    end_run(db, context, status, error=reason)
    return True


def detect_stage(
    articles: Sequence[ArticleRecord], detectors: Detectors, db: Path, now: datetime
) -> list[ArticleRecord]:
    """Stories first (they need the stored recent articles, earlier batches of this run included), then mentions
    and topics, then quotes (their speakers are resolved through the mentions)."""
    with_stories = attach_stories(articles, db, now - STORY_LOOKBACK)
    return detect_all(with_stories, detectors)


def watchlist_stage(
    db: Path, context: RunContext, watchlist: Watchlist, settings: Settings, names: dict[str, str]
) -> WatchlistChange:
    """Count watchlist entries added or changed since the last run in the stored history too; whatever goes wrong
    is one line in the run's notices and the next run tries again (the entries are recorded only once done)."""
    try:
        return rederive_watchlist_changes(
            db, context, watchlist, settings.seeds_dir, names, limits=settings.detection
        )
    except Exception as error:
        return WatchlistChange(error=f"watchlist changes not checked: {describe(error)}")


def alert_stage(db: Path, context: RunContext, settings: Settings, names: dict[str, str]) -> AlertStageResult:
    """Evaluate every rule, store what fired once, deliver one digest per channel (or print it), retry failures."""
    return run_alert_stage(
        db,
        run_id=context.run_id,
        started_at=context.started_at,
        as_of=context.as_of,
        alert_urls=settings.alerts.urls,
        rules_file=settings.rules_file,
        names=names,
        send=True,
        report_url=settings.alerts.report_url,
    )


def report_stage(db: Path, settings: Settings) -> Path:
    """Refresh the team's HTML report from the warehouse this run just loaded."""
    from flows.report import ReportOptions, write_report

    return write_report(db, ReportOptions(out=settings.report_dir / "presswatch-report.html"))


def publish_stage(db: Path, context: RunContext) -> Publication:
    """Bring the analysts' snapshot up to date with all this run wrote, its alerts and its completed record too."""
    return publish_snapshot(db, database.snapshot_path(db), run_id=context.run_id)
