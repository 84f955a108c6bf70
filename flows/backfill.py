"""Re-deriving mentions, topics and quotes for stored articles after the watchlist (or the speech cues) changed,
without refetching anything: by hand (`presswatch run --since DATE`), or by each run for the watchlist entries
added or changed since the history was derived (bounded per run).

Alerts that the new counts would have fired for past windows are recorded as suppressed, never sent: history is
not news. A backfill is interactive and reads no feed: it runs as plain Python, without Prefect. It never moves the
data's clock: its run record carries the latest monitoring run's clock, so the report and spikes keep their week.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from flows import quoting, seeds
from flows.adapters.lock import run_lock
from flows.alerting import run_alert_stage
from flows.config import DetectionSettings, Settings
from flows.detection import Detectors, detect_text
from flows.failures import describe
from transforms import run_rows
from transforms.mentions import MentionDetector
from transforms.quotes import QuoteExtractor
from transforms.topics import TopicDetector
from transforms.watchlist import Watchlist, entry_fingerprints
from warehouse import database, runs
from warehouse.loads import RunTables, load_run, upsert_tables
from warehouse.snapshot import publish_snapshot

LOGGER = logging.getLogger("presswatch.backfill")
BATCH_SIZE = 500
# Stored articles one run re-derives for a watchlist change: newest first, the rest named with the command for it.
REDERIVE_LIMIT = 20_000
ENTRIES_SCHEMA = {"kind": pl.String(), "entry_id": pl.String(), "fingerprint": pl.String(), "run_id": pl.String(),
                  "stored_at": pl.Datetime("us", "UTC")}


@dataclass(frozen=True)
class BackfillSummary:
    run_id: str
    since: datetime
    articles: int
    mentions: int
    topic_mentions: int
    alerts_suppressed: int
    quotes: int = 0
    publish_notice: str = ""


@dataclass(frozen=True)
class Derived:
    """The occurrences found in a set of stored articles."""

    mentions: list[dict[str, object]] = field(default_factory=list)
    topic_mentions: list[dict[str, object]] = field(default_factory=list)
    quotes: list[dict[str, object]] = field(default_factory=list)


def derive(
    stored: pl.DataFrame,
    watchlist: Watchlist,
    seeds_dir: Path,
    run_id: str,
    limits: DetectionSettings | None = None,
) -> Derived:
    """Mentions, topic mentions and quotes of the stored articles (article_id, text, published_at), read within the
    same detection limits as a run's."""
    cues = quoting.load_speech_cues(seeds_dir)
    detectors = Detectors(MentionDetector(watchlist), TopicDetector(watchlist), cues, limits or DetectionSettings())
    quote_extractor = QuoteExtractor(cues)
    derived = Derived()
    for batch in stored.iter_slices(BATCH_SIZE):
        for row in batch.iter_rows(named=True):
            found = detect_text(row["text"], row["published_at"], detectors, quote_extractor)
            if found.note:  # the run stored the same note in articles.error; this says it again
                LOGGER.warning("re-derive: %s: %s", row["article_id"], found.note)
            derived.mentions.extend(run_rows.occurrence_rows(row["article_id"], found.mentions, run_id))
            derived.quotes.extend(quoting.quote_rows(row["article_id"], found.quotes, run_id))
            derived.topic_mentions.extend(run_rows.occurrence_rows(row["article_id"], found.topic_mentions, run_id))
    return derived


def occurrence_tables(stored: pl.DataFrame, derived: Derived, runs_frame: pl.DataFrame) -> RunTables:
    """Tables that replace the stored articles' occurrences whole with the derived ones."""
    empty = pl.DataFrame()
    return RunTables(
        sources=empty, people=empty, topics=empty, feed_state=empty, articles=empty, feed_fetches=empty,
        mentions=pl.DataFrame(derived.mentions), topic_mentions=pl.DataFrame(derived.topic_mentions), alerts=empty,
        runs=runs_frame,
        replaced_article_ids=tuple(stored["article_id"].to_list()) if stored.height else (),
        quotes=quoting.quotes_frame(derived.quotes),
    )


def save_entries(con: duckdb.DuckDBPyConnection, watchlist: Watchlist, run_id: str, now: datetime) -> None:
    """Record that the stored history is derived with the seeds' watchlist entries as they are now."""
    rows = [{"kind": kind, "entry_id": ident, "fingerprint": digest, "run_id": run_id, "stored_at": now}
            for (kind, ident), digest in entry_fingerprints(watchlist).items()]
    con.register("incoming_entries", pl.DataFrame(rows, schema=ENTRIES_SCHEMA).to_arrow())
    con.execute(database.read_sql("watchlist_entries_save"))
    con.unregister("incoming_entries")


def read_articles_since(db: Path, since: datetime) -> pl.DataFrame:
    with database.opened(db) as con:
        return database.query_frame(con, "backfill_articles", {"since": since})


def backfill(settings: Settings, since: datetime, db: Path) -> BackfillSummary:
    """Recompute mentions, topic mentions and quotes of every stored article published since `since`, then
    publish the analysts' snapshot as a run does."""
    started = datetime.now(UTC)
    with run_lock(db):
        # The data's clock stays the latest monitoring run's (the demo's is not the wall clock's).
        as_of = runs.latest_run_clock(db) or started
        context = run_rows.RunContext(
            run_id=f"backfill-{started:%Y%m%dT%H%M%S}", started_at=started, as_of=as_of, mode="backfill"
        )
        watchlist = seeds.load_watchlist(settings.seeds_dir)
        stored = read_articles_since(db, since)
        LOGGER.info("re-deriving mentions for %d stored articles", stored.height)
        derived = derive(stored, watchlist, settings.seeds_dir, context.run_id, settings.detection)
        record = {"run_id": context.run_id, "started_at": started, "finished_at": datetime.now(UTC),
                  "status": "completed", "mode": "backfill", "as_of": as_of, "articles_new": 0,
                  "mentions_new": len(derived.mentions), "topic_mentions_new": len(derived.topic_mentions),
                  "alerts_fired": 0, "load_method": "direct"}
        tables = replace(occurrence_tables(stored, derived, pl.DataFrame([record])),
                         people=run_rows.people_frame(watchlist, started),
                         topics=run_rows.topics_frame(watchlist, started))
        # Backfill is interactive: it needs the file itself (a locked file is a one-line error, not a spool), so
        # the suppression pass below sees exactly what was re-derived.
        with database.opened(db) as con:
            load_run(con, tables)
            save_entries(con, watchlist, context.run_id, started)
            con.execute("checkpoint")
        suppressed = suppress_historical_alerts(db, context, settings.rules_file, run_rows.display_names(watchlist))
        notice = publish(db, context.run_id)
    return BackfillSummary(
        run_id=context.run_id, since=since, articles=stored.height, mentions=len(derived.mentions),
        topic_mentions=len(derived.topic_mentions), alerts_suppressed=suppressed, quotes=len(derived.quotes),
        publish_notice=notice,
    )


def publish(db: Path, run_id: str) -> str:
    """Bring the analysts' snapshot up to date as a run does; what went wrong, in one line, else ''."""
    try:
        return publish_snapshot(db, database.snapshot_path(db), run_id=run_id).notice()
    except Exception as error:  # the re-derived rows are stored; the next run's publish catches the snapshot up
        return f"snapshot not published ({describe(error)}); the next run brings it up to date"


def suppress_historical_alerts(db: Path, context: run_rows.RunContext, rules_file: Path, names: dict[str, str]) -> int:
    """Record, as suppressed, what the new counts fire as of the latest monitoring run's clock: never sent later."""
    as_of = runs.latest_run_clock(db)
    if as_of is None:
        return 0
    result = run_alert_stage(
        db,
        run_id=context.run_id,
        started_at=context.started_at,
        as_of=as_of,
        alert_urls=[],
        rules_file=rules_file,
        names=names,
        send=False,
    )
    return len(result.fired)


# --- watchlist changes, by each run -------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchlistChange:
    """What a run did about watchlist entries added or changed since the stored history was derived."""

    new: tuple[str, ...] = ()  # display names
    changed: tuple[str, ...] = ()
    articles: int = 0  # stored articles re-derived
    stored: int = 0  # stored articles with text
    oldest_at: datetime | None = None  # the oldest stored article's time, when some were left
    error: str = ""
    limit: int = REDERIVE_LIMIT

    def notice(self) -> str:
        """One line for the run summary; empty when nothing changed."""
        parts = [f"{len(self.new)} new", f"{len(self.changed)} changed"]
        count = len(self.new) + len(self.changed)
        if not count:
            return self.error
        kinds = " and ".join(part for part in parts if not part.startswith("0 "))
        what = f"{kinds} watchlist entr{'y' if count == 1 else 'ies'} ({', '.join([*self.new, *self.changed])})"
        if self.error:
            return f"{what} not yet counted in the stored history ({self.error}); the next run does it"
        text = f"re-derived {self.articles} stored article{'s' if self.articles != 1 else ''} for {what}"
        if self.articles < self.stored and self.oldest_at is not None:
            text += (f"; the {self.stored - self.articles} oldest were left (at most {self.limit} a run): "
                     f"presswatch run --since {self.oldest_at:%Y-%m-%d} re-derives them")
        return text


def rederive_watchlist_changes(
    db: Path, context: run_rows.RunContext, watchlist: Watchlist, seeds_dir: Path, names: dict[str, str],
    limit: int = REDERIVE_LIMIT, limits: DetectionSettings | None = None,
) -> WatchlistChange:
    """Re-derive the newest `limit` stored articles when a person, role or topic is new or changed since the stored
    history was derived, in this run's name (so its publish carries them to the snapshot), and record the entries.

    A warehouse without recorded entries (new, or from before migration 0019) takes the seeds as they are."""
    current = entry_fingerprints(watchlist)
    with database.opened(db) as con:
        recorded = {(kind, ident): digest for kind, ident, digest in
                    con.execute(database.read_sql("watchlist_entries")).fetchall()}
        fresh = [key for key in current if recorded and key not in recorded]
        moved = [key for key, digest in current.items() if key in recorded and recorded[key] != digest]
        if not recorded or not (fresh or moved):
            if current.keys() != recorded.keys() or moved:
                save_entries(con, watchlist, context.run_id, context.started_at)
            return WatchlistChange()
        stored = database.query_frame(con, "rederive_articles", {"limit": limit})
        derived = derive(
            stored.select("article_id", "text", "published_at"), watchlist, seeds_dir, context.run_id, limits
        )
        con.execute("begin transaction")
        try:
            upsert_tables(con, occurrence_tables(stored, derived, pl.DataFrame()))
            # The snapshot deletes the same articles' old occurrences when it syncs this run.
            con.register("replaced_articles", stored.select("article_id").to_arrow())
            con.execute(database.read_sql("record_replaced_articles"), {"run_id": context.run_id})
            con.unregister("replaced_articles")
            save_entries(con, watchlist, context.run_id, context.started_at)
            con.execute("commit")
        except BaseException:
            database.rollback(con)
            raise
    total = int(stored["stored_total"][0]) if stored.height else 0
    return WatchlistChange(
        new=tuple(names.get(ident, ident) for _, ident in fresh),
        changed=tuple(names.get(ident, ident) for _, ident in moved),
        articles=stored.height, stored=total, oldest_at=stored["oldest_at"][0] if stored.height else None,
        limit=limit,
    )
