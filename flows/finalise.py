"""The finaliser of a sharded run (docs/cluster.md): the only writer of the DuckDB warehouse.

It loads the staged batches the warehouse has not loaded (staged_loads, migration 0020; any run's completed shard,
so a shard that finished after its run was finalised is loaded by the next), clusters stories over every shard's
articles (syndicated copies land on different hosts, so in different shards), records each shard in shard_runs,
then runs what a one-machine run runs after its load (flows/pipeline.py finish_run): watchlist changes, alerts,
report, the run's record and the snapshot. A shard without a completed status is `missing`: the run is `partial`
and the shard's hosts are taken up first next run. No Prefect here.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from flows import pipeline, seeds, stages
from flows.adapters.lock import RunInProgress, run_lock
from flows.config import Settings
from flows.failures import describe
from flows.settling import fewer_entries_new, settle_stored
from flows.shards import INPUT_TABLES, ROW_TABLES, STATUS_TABLE, ShardPlan, Staging
from transforms import run_rows
from transforms.records import StoryPrint
from transforms.stories import StoryInput
from warehouse import database
from warehouse.loads import RunTables, merge_pending_spools, upsert_tables
from warehouse.retention import apply_retention

if TYPE_CHECKING:
    from warehouse.staging import StagingArea

LOGGER = logging.getLogger("presswatch.finalise")
LOCK_WAITS_S = (0.5, 1.0, 2.0, 4.0, 8.0)  # an analyst's session on the file; beyond these the rows stay staged
FEED_TABLES = ("sources", "people", "topics", "feed_state", "feed_fetches", "deferred_articles")
OCCURRENCES = ("mentions", "topic_mentions", "quotes")
STAGING_COLUMNS = ("staged_run", "shard", "batch", "story_shingles")


def finalise(
    settings: Settings,
    feeds_path: Path,
    db: Path,
    staging: Staging,
    plan: ShardPlan,
    missing: Sequence[int] = (),
) -> pipeline.RunSummary:
    """Load what the shards staged, then alerts, report and snapshot as one machine would; skipped (the summary
    says why) while another run holds the warehouse."""
    context = plan.context()
    try:
        with run_lock(db):
            try:
                return finalise_locked(settings, feeds_path, db, staging, plan, missing)
            except Exception as error:
                pipeline.record_failure(settings, db, context, error)
                raise
    except RunInProgress as busy:
        return pipeline.RunSummary(run_id=plan.run_id, mode=plan.mode, as_of=context.as_of, skipped=str(busy))


def finalise_locked(
    settings: Settings, feeds_path: Path, db: Path, staging: Staging, plan: ShardPlan, missing: Sequence[int]
) -> pipeline.RunSummary:
    area = staging.area()
    context = plan.context()
    summary = pipeline.RunSummary(run_id=plan.run_id, mode=plan.mode, as_of=context.as_of)
    stages.start_run(db, context)  # the plan opened it; a finalise on its own (a re-run) opens it too
    watchlist = seeds.load_watchlist(settings.seeds_dir, settings.watchlist_additions)
    statuses = area.read(STATUS_TABLE)
    this_run = statuses.filter(pl.col("run_id") == plan.run_id) if not statuses.is_empty() else statuses
    with database.opened(db, read_only=True) as con:
        recorded = database.query_frame(con, "shard_runs_recorded", {"run_id": plan.run_id})
    # A shard loaded, or recorded failed, by an earlier finalise of this run has no staged status any more
    # (forget_loaded): its record stays, unless a failed one has completed since.
    done = recorded.filter(pl.col("status") == "completed")["shard"].to_list()
    failed = recorded.filter(pl.col("status") == "failed")["shard"].to_list()
    shard_rows = shard_runs_frame(plan, this_run, missing).filter(
        ~pl.col("shard").is_in(done) & ~(pl.col("shard").is_in(failed) & (pl.col("status") != "completed"))
    )
    failing = this_run.filter(pl.col("status") == "failed")["shard"].to_list() if not this_run.is_empty() else []
    completed = statuses.filter(pl.col("status") == "completed") if not statuses.is_empty() else statuses
    pending = pending_batches(db, completed)
    shard_rows = pl.concat([shard_rows, late_shards(completed, pending, plan.run_id)])
    started = time.perf_counter()
    rows = read_pending(area, pending)
    order = [source.source_id for source in seeds.parse_feeds_file(feeds_path)]
    rows, copies = one_copy_per_article(rows, order)
    rows, settled = settle_stored(rows, db)
    not_new = copies + settled.known + settled.revised  # counted new by a shard, not by one machine
    totals = totals_of(this_run)
    totals.articles_new -= not_new
    totals.articles_failed -= settled.failed_known
    totals.mentions_new, totals.topic_mentions_new = rows["mentions"].height, rows["topic_mentions"].height
    counts = load_staged(settings, db, context, rows, pending, shard_rows, totals)
    summary.stage_seconds["load"] = round(time.perf_counter() - started, 3)
    with forgetting_loaded(area, pending, plan.run_id, failing):
        summarise(summary, this_run, rows, counts)
        summary.articles_new -= not_new
        summary.articles_revised += settled.revised
        summary.articles_failed -= settled.failed_known
        lost = shard_rows.filter(pl.col("status") != "completed")["shard"].to_list()
        if lost:
            mark_missed(db, plan.run_id, lost)
            summary.load_message = (
                f"shard(s) {', '.join(map(str, lost))} did not finish: their hosts go first next run"
            )
            LOGGER.warning("run %s partial: %s", plan.run_id, summary.load_message)
        runner = pipeline.plain_runner(settings)
        status = "partial" if lost else "completed"
        return pipeline.finish_run(settings, db, context, summary, runner, watchlist, status)


def shard_runs_frame(plan: ShardPlan, statuses: pl.DataFrame, missing: Sequence[int]) -> pl.DataFrame:
    """One shard_runs row per shard of the plan: as its staged status says, else `missing`."""
    by_shard = {row["shard"]: row for row in statuses.iter_rows(named=True)} if not statuses.is_empty() else {}
    rows = []
    for shard in range(plan.shards):
        staged = by_shard.get(shard)
        if staged is None and not plan.hosts_by_shard.get(shard):  # more shards than hosts: nothing to miss
            rows.append({"run_id": plan.run_id, "shard": shard, "status": "completed", "feeds": 0, "batches": 0})
            continue
        if staged is None or (shard in missing and staged["status"] != "completed"):
            rows.append({"run_id": plan.run_id, "shard": shard, "status": "missing"})
            continue
        rows.append({
            "run_id": plan.run_id, "shard": shard, "worker": staged["worker"], "status": staged["status"],
            "started_at": staged["started_at"], "finished_at": staged["finished_at"], "seconds": staged["seconds"],
            "feeds": staged["feeds"], "entries_seen": staged["entries_seen"], "articles_new": staged["articles_new"],
            "articles_staged": staged["articles_staged"], "batches": staged["batches"], "error": staged["error"],
        })  # fmt: skip
    return pl.DataFrame(rows, schema=SHARD_RUNS_SCHEMA)


SHARD_RUNS_SCHEMA: dict[str, Any] = {
    "run_id": pl.String, "shard": pl.Int32, "worker": pl.String, "status": pl.String,
    "started_at": run_rows.TIMESTAMP, "finished_at": run_rows.TIMESTAMP, "seconds": pl.Float64, "feeds": pl.Int32,
    "entries_seen": pl.Int32, "articles_new": pl.Int32, "articles_staged": pl.Int32, "batches": pl.Int32,
    "error": pl.String,
}  # fmt: skip


def late_shards(completed: pl.DataFrame, pending: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """shard_runs rows of earlier runs' shards that completed after their run was finalised (loaded now)."""
    if completed.is_empty() or pending.is_empty():
        return pl.DataFrame(schema=SHARD_RUNS_SCHEMA)
    late = completed.filter(pl.col("run_id") != run_id).join(pending.select("run_id", "shard").unique(),
                                                             on=["run_id", "shard"], how="semi")  # fmt: skip
    return late.select([pl.col(name).cast(dtype) for name, dtype in SHARD_RUNS_SCHEMA.items()])


def pending_batches(db: Path, completed: pl.DataFrame) -> pl.DataFrame:
    """(run_id, shard, batch) of every completed shard's batches the warehouse has not loaded, oldest run first."""
    schema = {"run_id": pl.String, "shard": pl.Int32, "batch": pl.Int32}
    if completed.is_empty():
        return pl.DataFrame(schema=schema)
    staged = (
        completed.select("run_id", "shard", pl.int_ranges(0, pl.col("batches").fill_null(0)).alias("batch"))
        .explode("batch")
        .drop_nulls("batch")
        .cast(schema)  # type: ignore[arg-type]
    )
    with database.opened(db, read_only=True) as con:
        loaded = database.query_frame(con, "staged_loads").cast(schema)  # type: ignore[arg-type]
    return staged.join(loaded, on=["run_id", "shard", "batch"], how="anti").sort("run_id", "shard", "batch")


def read_pending(area: StagingArea, pending: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Every staged table's rows of the pending batches, one frame per table (staging columns kept for now)."""
    frames: dict[str, pl.DataFrame] = {}
    for name in ROW_TABLES:
        parts = []
        for run_id in pending["run_id"].unique().sort().to_list():
            staged = area.read(name, {"staged_run": run_id})
            if not staged.is_empty():
                keys = pending.rename({"run_id": "staged_run"})
                parts.append(staged.join(keys, on=["staged_run", "shard", "batch"], how="semi"))
        frames[name] = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()
    return frames


def one_copy_per_article(rows: dict[str, pl.DataFrame], order: Sequence[str]) -> tuple[dict[str, pl.DataFrame], int]:
    """An article URL two feeds list is fetched by each feed's shard when the feeds sit on different hosts; keep
    the copy of the feed listed first in the feeds file (as one machine does, transforms/revisions.py) with its own
    occurrences; the other feeds' entries_new no longer count it. Returns the rows and how many copies went."""
    articles = rows["articles"]
    if articles.is_empty():
        return rows, 0
    rank = {source: index for index, source in enumerate(order)}
    ranked = articles.with_columns(
        pl.col("source_id").replace_strict(rank, default=len(rank), return_dtype=pl.Int64).alias("feed_rank")
    )
    kept = ranked.sort("feed_rank", "staged_run", "shard", "batch").unique("article_id", keep="first")
    copies = articles.height - kept.height
    if not copies:
        return rows, 0
    chosen = kept.select("article_id", "staged_run", "shard", "batch")
    dropped = articles.join(chosen, on=["article_id", "staged_run", "shard", "batch"], how="anti")
    counted = dropped.filter(pl.col("revision_count") == 0).select("run_id", "source_id")
    fetches = fewer_entries_new(rows["feed_fetches"], counted)
    result = {**rows, "articles": kept.drop("feed_rank"), "feed_fetches": fetches}
    for name in OCCURRENCES:
        frame = rows[name]
        if not frame.is_empty():
            result[name] = frame.join(chosen, on=["article_id", "staged_run", "shard", "batch"], how="semi")
    return result, copies


def totals_of(statuses: pl.DataFrame) -> run_rows.RunTotals:
    """The run's row counts: its completed shards' added up."""
    done = statuses.filter(pl.col("status") == "completed") if not statuses.is_empty() else statuses

    def total(column: str) -> int:
        return int(done[column].fill_null(0).sum()) if not done.is_empty() else 0

    return run_rows.RunTotals(
        feeds_total=total("feeds"),
        feeds_failed=total("feeds_failed"),
        entries_seen=total("entries_seen"),
        articles_new=total("articles_new"),
        articles_failed=total("articles_failed"),
        mentions_new=total("mentions_new"),
        topic_mentions_new=total("topic_mentions_new"),
        articles_deferred=total("articles_deferred"),
    )


def load_staged(
    settings: Settings,
    db: Path,
    context: run_rows.RunContext,
    rows: dict[str, pl.DataFrame],
    pending: pl.DataFrame,
    shard_rows: pl.DataFrame,
    totals: run_rows.RunTotals,
) -> dict[str, int]:
    """Stories over every pending article at once (against the stored window and each other, so a copy staged by
    another shard joins its original's story), then one load through the run load's upsert, with the batches
    marked loaded and the shard_runs rows in the same transaction."""
    frames = {name: clean(rows[name]) for name in (*FEED_TABLES, *OCCURRENCES)}
    articles = with_stories(rows["articles"], db, context.started_at - stages.STORY_LOOKBACK)
    # In time order, as a run's batches arrive: what lets DuckDB skip row groups by publication time.
    frames["articles"] = clean(articles.sort("published_at", "article_id") if not articles.is_empty() else articles)
    frames["runs"] = run_rows.runs_frame(context, totals, "loading")
    replaced = rows["replaced_articles"]
    replaced_ids = tuple(replaced["article_id"].to_list()) if not replaced.is_empty() else ()
    tables = RunTables.from_frames(frames, replaced_article_ids=replaced_ids)
    batch_rows = pl.concat(
        [frame.group_by("staged_run", "shard", "batch").len() for frame in rows.values() if "batch" in frame.columns]
        or [pl.DataFrame(schema={"staged_run": pl.String, "shard": pl.Int32, "batch": pl.Int32, "len": pl.UInt32})]
    ).group_by("staged_run", "shard", "batch").agg(pl.col("len").sum().cast(pl.Int32).alias("rows_loaded"))
    loaded = (
        pending.join(batch_rows.rename({"staged_run": "run_id"}), on=["run_id", "shard", "batch"], how="left")
        .with_columns(pl.col("rows_loaded").fill_null(0), loaded_at=pl.lit(datetime.now(UTC)))
    )  # fmt: skip
    markers = {"shard_runs": shard_rows, "staged_loads": loaded}
    return load_with_markers(settings, db, tables, markers, context.started_at)


def with_stories(articles: pl.DataFrame, db: Path, since: datetime) -> pl.DataFrame:
    """The articles with their story ids, from the prints their shards staged."""
    if articles.is_empty():
        return articles
    inputs = [
        StoryInput(
            row["article_id"], row["title"], row["text"], row["published_at"], row["source_id"],
            StoryPrint(row["text_sha256"], row["story_signature"] or b"", row["story_shingles"] or b""),
        )
        for row in articles.iter_rows(named=True)
    ]  # fmt: skip
    story_ids = stages.story_ids_for(inputs, db, since)
    return articles.with_columns(
        pl.col("article_id").replace_strict(story_ids, default=pl.col("article_id"), return_dtype=pl.String)
        .alias("story_id")
    )  # fmt: skip


def clean(frame: pl.DataFrame) -> pl.DataFrame:
    """A staged frame as the warehouse load takes it: without the staging's own columns."""
    return frame.drop([name for name in STAGING_COLUMNS if name in frame.columns])


def load_with_markers(
    settings: Settings, db: Path, tables: RunTables, markers: dict[str, pl.DataFrame], started_at: datetime
) -> dict[str, int]:
    """The tables through the run load's upsert (warehouse/loads.py), with the staged_loads and shard_runs rows in
    the same transaction; waits out an analyst's lock a while, then fails in one line (the rows stay staged)."""
    # The same 64 MB bound as the one-machine load: a big hour of staged rows spills beside the warehouse.
    con = database.waiting_out_locks(lambda: database.bound_writer_memory(database.connect(db)), LOCK_WAITS_S)
    try:
        merge_pending_spools(con, stages.spool_dir_for(db))
        con.execute("begin transaction")
        try:
            counts = upsert_tables(con, tables)
            for table, frame in markers.items():
                con.register(f"incoming_{table}", frame.to_arrow())
                con.execute(database.read_sql(f"{table}_save"))
                con.unregister(f"incoming_{table}")
            con.execute("commit")
        except BaseException:
            database.rollback(con)
            raise
        apply_retention(con, settings.runs.text_retention_days or None, now=started_at, run_id=tables.run_id() or "")
        con.execute("checkpoint")
    finally:
        con.close()
    return counts


@contextmanager
def forgetting_loaded(area: StagingArea, pending: pl.DataFrame, run_id: str, failed: Sequence[int]) -> Iterator[None]:
    """forget_loaded in a thread beside the rest of the run (alerts, report, snapshot): it waits on the staging's
    store, they on the warehouse and the CPU, so the run ends seconds sooner; done before the block is left."""
    cleaner = threading.Thread(
        target=forget_loaded, args=(area, pending, run_id, failed), name="forget-loaded", daemon=True
    )
    cleaner.start()
    try:
        yield
    finally:
        cleaner.join()


def forget_loaded(area: StagingArea, pending: pl.DataFrame, run_id: str, failed: Sequence[int] = ()) -> None:
    """Once loaded (and marked so in the warehouse), a shard's staged rows and status go, and the run's inputs:
    staging holds only what is still to load; so do the `failed` status rows of the run's shards, once recorded
    (a retry's own status is never matched). A failure here costs disk, never rows: it is logged, and the rows
    of a loaded batch are never read again (staged_loads)."""
    from warehouse.staging import run_predicate, shards_predicate

    loaded = pending.select("run_id", "shard").unique().group_by("run_id").agg(pl.col("shard").sort())
    try:
        for row in loaded.iter_rows(named=True):
            for name in (*ROW_TABLES, STATUS_TABLE):
                area.forget(name, shards_predicate(row["run_id"], row["shard"]))
        for name in INPUT_TABLES:
            area.forget(name, run_predicate(run_id))
        if failed:
            area.forget(STATUS_TABLE, f"{shards_predicate(run_id, failed)} AND status = 'failed'")
    except Exception as error:
        LOGGER.warning("staged rows already loaded were not removed: %s", describe(error))


def mark_missed(db: Path, run_id: str, shards: Sequence[int]) -> None:
    with database.opened(db) as con:
        for shard in shards:
            con.execute(database.read_sql("shard_hosts_missed"), {"run_id": run_id, "shard": shard})


def summarise(
    summary: pipeline.RunSummary, statuses: pl.DataFrame, rows: dict[str, pl.DataFrame], counts: dict[str, int]
) -> None:
    """The run summary's counts, from the shards' status rows and the rows loaded."""
    done = statuses.filter(pl.col("status") == "completed") if not statuses.is_empty() else statuses
    fetches = rows["feed_fetches"]
    if not fetches.is_empty():
        summary.feeds = dict(zip(fetches["source_id"].to_list(), fetches["outcome"].to_list(), strict=True))
    for row in done.iter_rows(named=True):
        summary.entries_seen += row["entries_seen"] or 0
        summary.articles_new += row["articles_new"] or 0
        summary.articles_revised += row["articles_revised"] or 0
        summary.articles_failed += row["articles_failed"] or 0
        summary.articles_deferred += row["articles_deferred"] or 0
        summary.deferred_taken += row["deferred_taken"] or 0
        for stage, seconds in json.loads(row["stage_seconds"] or "{}").items():
            summary.stage_seconds[stage] = round(summary.stage_seconds.get(stage, 0.0) + seconds, 3)
    for name, field_name in (("mentions", "person_id"), ("topic_mentions", "topic_id")):
        frame = rows[name]
        if frame.is_empty():
            continue
        tally = dict(frame[field_name].value_counts().iter_rows())
        target = summary.mentions_by_person if name == "mentions" else summary.topics
        target.update({str(key): int(value) for key, value in tally.items()})
    summary.load_counts = counts
    summary.load_method = "direct"
