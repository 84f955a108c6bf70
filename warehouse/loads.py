"""Bulk loads of one run's tidy tables: polars frames handed to DuckDB as Arrow, upserted on natural keys.

`load_or_spool` is what a run calls: it merges runs spooled earlier, loads this one, checkpoints, and when the file
stays locked it spools the run to Parquet instead, so a run is never lost to an analyst's open session.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl

from transforms.run_rows import TIMESTAMP
from warehouse import database, spool, subject_hours
from warehouse.database import read_sql
from warehouse.retention import RetentionOutcome, apply_retention
from warehouse.snapshot import OCCURRENCE_TABLES, primary_keys, publish

# Tables whose rows replace earlier rows with the same key, in load order.
UPSERT_TABLES = (
    "sources",
    "people",
    "topics",
    "feed_state",
    "articles",
    "feed_fetches",
    "mentions",
    "topic_mentions",
    "quotes",
    "alerts",
    "runs",
    "deferred_articles",
)

# The tables that grow every hour have no stored primary key (migration 0016: DuckDB writes a key's whole index
# again at every checkpoint, so a keyed table's load cost grew with the history). The load keeps these keys unique
# itself: it deletes the stored rows with an incoming key, then inserts, in the run's transaction.
NATURAL_KEYS = {
    "articles": ("article_id",),
    "feed_fetches": ("run_id", "source_id"),
    "mentions": ("article_id", "person_id", "char_start"),
    "topic_mentions": ("article_id", "topic_id", "char_start"),
    "quotes": ("quote_id",),
}

LoadMethod = Literal["direct", "spooled", "merged+direct"]


@dataclass(frozen=True)
class RunTables:
    """Everything one run writes; an empty frame means nothing of that kind this run."""

    sources: pl.DataFrame
    people: pl.DataFrame
    topics: pl.DataFrame
    feed_state: pl.DataFrame
    articles: pl.DataFrame
    feed_fetches: pl.DataFrame
    mentions: pl.DataFrame
    topic_mentions: pl.DataFrame
    alerts: pl.DataFrame
    runs: pl.DataFrame
    # Articles whose text was re-extracted this run: their old mention and quote rows are replaced, not added to.
    replaced_article_ids: tuple[str, ...] = ()
    quotes: pl.DataFrame = field(default_factory=pl.DataFrame)
    # Entries deferred to later runs (transforms/budget.py), and with `settled` true, entries no longer deferred.
    deferred_articles: pl.DataFrame = field(default_factory=pl.DataFrame)

    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables in load order (articles before the rows that point at them)."""
        present = {field.name: getattr(self, field.name) for field in fields(self) if field.name in UPSERT_TABLES}
        return {name: present[name] for name in UPSERT_TABLES}

    def run_id(self) -> str | None:
        """The run these tables belong to, when the runs frame says."""
        if self.runs.is_empty() or "run_id" not in self.runs.columns:
            return None
        return str(self.runs["run_id"][0])

    def with_load_method(self, method: str, merged_spools: int) -> RunTables:
        """The same tables with the run's record saying how it reached the warehouse."""
        if self.runs.is_empty():
            return self
        runs = self.runs.with_columns(
            pl.lit(method, dtype=pl.String).alias("load_method"),
            pl.lit(merged_spools, dtype=pl.Int32).alias("merged_spools"),
        )
        if method == "spooled" and "status" in runs.columns:
            # Its rows wait for the next run that gets the file; that run's alerts cover this run's period.
            runs = runs.with_columns(pl.lit("spooled", dtype=pl.String).alias("status"))
        return replace(self, runs=runs)

    @classmethod
    def from_frames(cls, frames: dict[str, pl.DataFrame], replaced_article_ids: tuple[str, ...] = ()) -> RunTables:
        """Tables from a name -> frame mapping; a table not given is empty."""
        present = {name: frames.get(name, pl.DataFrame()) for name in UPSERT_TABLES}
        return cls(**present, replaced_article_ids=replaced_article_ids)


@dataclass(frozen=True)
class LoadOutcome:
    """How a run reached the warehouse: loaded now, spooled for later, or loaded after merging earlier spools."""

    method: LoadMethod
    counts: dict[str, int]
    spooled_path: Path | None = None
    merged_spools: int = 0
    message: str = ""
    notices: tuple[str, ...] = field(default=())
    retention: RetentionOutcome = field(default_factory=RetentionOutcome)


def upsert_tables(con: duckdb.DuckDBPyConnection, tables: RunTables) -> dict[str, int]:
    """Upsert every table inside the caller's transaction; return the rows handed over per table."""
    counts: dict[str, int] = {}
    # The stories this load touches are counted in subject_hours again once it has written (subject_hours.py).
    occurrences = [tables.mentions, tables.topic_mentions]
    recount = subject_hours.begin(
        con, subject_hours.touched_articles(tables.articles, occurrences, tables.replaced_article_ids)
    )
    stored = stored_articles(con, tables)
    replace_occurrences(con, tables, stored.filter(pl.col("replaced")).drop("replaced"))
    published = publication_times(con, tables, stored)
    stored_primary_keys = primary_keys(con)
    for table, frame in tables.frames().items():
        if table == "deferred_articles":
            counts[table] = save_deferrals(con, tables)
            continue
        if frame.is_empty():
            counts[table] = 0
            continue
        # The natural key the load keeps unique itself, else the table's primary key.
        key = list(NATURAL_KEYS.get(table, ())) or stored_primary_keys.get(table, [])
        keyed = bool(key) and set(key) <= set(frame.columns)
        if keyed:
            # One statement cannot replace the same row twice: the last copy of a key in a run wins.
            # maintain_order: rows arrive in time order, which is what lets DuckDB skip row groups by time.
            frame = frame.unique(subset=key, keep="last", maintain_order=True)
        if table in OCCURRENCE_TABLES and "article_id" in frame.columns:
            # Occurrences carry their article's publication time (migrations 0008, 0016) so a query over a period
            # skips older row groups; copied here, at load, whoever built the rows: a run, a backfill, a spool.
            frame = frame.drop("published_at", strict=False).join(
                published, on="article_id", how="left", maintain_order="left"
            )
        if table == "mentions":
            frame = with_shared_sentences(frame)
        view_name = f"incoming_{table}"
        # On failure the registration is left for the connection's end: an aborted transaction refuses it.
        con.register(view_name, frame.to_arrow())
        if keyed and table in NATURAL_KEYS:
            delete_stored_keys(con, table, stored_keys(table, key, frame, stored))
            con.execute(f"insert into {table} by name select * from {view_name}")
        elif keyed:
            # Replace only rows whose key is stored, then plain-insert the rest: DuckDB's conflict-checking
            # path is slower than a plain insert, and nearly every row of a run is new.
            using = ", ".join(key)
            con.execute(
                f"insert or replace into {table} by name select * from {view_name} semi join {table} using ({using})"
            )
            con.execute(f"insert into {table} by name select * from {view_name} anti join {table} using ({using})")
        else:
            con.execute(f"insert or replace into {table} by name select * from {view_name}")
        con.unregister(view_name)
        counts[table] = frame.height
    subject_hours.finish(con, recount)
    return counts


def with_shared_sentences(mentions: pl.DataFrame) -> pl.DataFrame:
    """Mentions with shares_sentence (migration 0022): is another tracked person named in the same sentence of the
    article? The load writes an article's mentions whole, so the rows it holds are all the sentence has."""
    if not {"article_id", "person_id", "sentence_index"} <= set(mentions.columns):
        return mentions
    others = pl.col("person_id").n_unique().over("article_id", "sentence_index") > 1
    shared = pl.when(pl.col("sentence_index").is_null()).then(False).otherwise(others)
    return mentions.with_columns(shared.alias("shares_sentence"))


def save_deferrals(con: duckdb.DuckDBPyConnection, tables: RunTables) -> int:
    """Record the load's deferred entries, then forget those whose article it stores or a run found stored (after
    the insert, so the spool of a run merged late cannot defer again what it also stored); return rows recorded."""
    frame = tables.deferred_articles
    flagged = "settled" in frame.columns
    deferred = frame.filter(~pl.col("settled")).drop("settled") if flagged else frame
    settled = [frame.filter(pl.col("settled")).select(pl.col("url").cast(pl.String))] if flagged else []
    if "url" in tables.articles.columns:
        settled.append(tables.articles.select(pl.col("url").cast(pl.String)))
    if not deferred.is_empty():
        con.register("incoming_deferrals", deferred.to_arrow())
        con.execute(read_sql("deferred_save"))
        con.unregister("incoming_deferrals")
    urls = pl.concat(settled) if settled else pl.DataFrame()
    if not urls.is_empty():
        con.register("settled_urls", urls.to_arrow())
        con.execute(read_sql("deferred_settle"))
        con.unregister("settled_urls")
    return deferred.height


def stored_articles(con: duckdb.DuckDBPyConnection, tables: RunTables) -> pl.DataFrame:
    """The load's articles already stored, and the articles it re-derives (`replaced`), with the publication time
    stored for them (null for a re-derived article not stored): what their stored occurrences carry."""
    incoming = (
        tables.articles.select(pl.col("article_id").cast(pl.String))
        if "article_id" in tables.articles.columns
        else pl.DataFrame(schema={"article_id": pl.String})
    )
    ids = pl.concat([
        incoming.with_columns(replaced=pl.lit(False)),
        pl.DataFrame({"article_id": list(tables.replaced_article_ids), "replaced": True},
                     schema={"article_id": pl.String, "replaced": pl.Boolean}),
    ]).group_by("article_id").agg(pl.col("replaced").any())  # fmt: skip
    if ids.is_empty():
        return pl.DataFrame(schema={"article_id": pl.String, "published_at": TIMESTAMP, "replaced": pl.Boolean})
    con.register("load_articles", ids.to_arrow())
    stored = database.query_frame(con, "stored_articles")
    con.unregister("load_articles")
    return stored.select(
        pl.col("article_id").cast(pl.String), pl.col("published_at").cast(TIMESTAMP), pl.col("replaced")
    )


def replace_occurrences(con: duckdb.DuckDBPyConnection, tables: RunTables, replaced: pl.DataFrame) -> None:
    """Delete the stored occurrences (mentions, topic mentions, quotes) of the articles this load re-derives (a
    revision, a backfill): the new rows replace them whole.

    The deletes go through the publication time the occurrences carry (the stored article's), so DuckDB reads
    only the row groups of that time, not every occurrence ever stored.
    """
    if replaced.is_empty():
        return
    con.register("replaced_articles", replaced.to_arrow())
    for table in OCCURRENCE_TABLES:
        con.execute(read_sql("delete_replaced_occurrences").format(table=table))
    if tables.run_id() is not None:  # the analysts' snapshot deletes the same rows when it syncs this run
        con.execute(read_sql("record_replaced_articles"), {"run_id": tables.run_id()})
    con.unregister("replaced_articles")


def publication_times(con: duckdb.DuckDBPyConnection, tables: RunTables, stored: pl.DataFrame) -> pl.DataFrame:
    """article_id -> published_at for every article the load's occurrences belong to: the load's own article,
    else the stored one (null when neither exists). `stored` is what `stored_articles` read: a backfill's articles
    are all there, so only an occurrence of an article the load does not name is looked up again."""
    wanted = [frame.select(pl.col("article_id").cast(pl.String)) for name, frame in tables.frames().items()
              if name in OCCURRENCE_TABLES and "article_id" in frame.columns]  # fmt: skip
    schema = {"article_id": pl.String(), "published_at": TIMESTAMP}
    if not wanted:
        return pl.DataFrame(schema=schema)
    ids = pl.concat(wanted).unique()
    known = pl.DataFrame(schema=schema)
    if {"article_id", "published_at"} <= set(tables.articles.columns):
        known = tables.articles.select(pl.col("article_id").cast(pl.String), pl.col("published_at").cast(TIMESTAMP))
        known = known.unique(subset="article_id", keep="last")
    named = stored.filter(pl.col("published_at").is_not_null()).select("article_id", "published_at")
    known = pl.concat([known, named.join(known, on="article_id", how="anti")])
    missing = ids.join(known, on="article_id", how="anti")
    if missing.is_empty():
        return known
    con.register("occurrence_articles", missing.to_arrow())
    looked_up = database.query_frame(con, "occurrence_times")
    con.unregister("occurrence_articles")
    return pl.concat(
        [known, looked_up.select(pl.col("article_id").cast(pl.String), pl.col("published_at").cast(TIMESTAMP))]
    )


def stored_keys(table: str, key: list[str], frame: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """The keys to delete before the insert, with the publication times their stored copies may carry, so the
    delete can go by time: an article's as stored (only articles already stored can have a stored copy), an
    occurrence's incoming one and its stored article's (when this load moves the article's time)."""
    if table == "articles":  # only those this load stores again: a re-derived article keeps its row otherwise
        return stored.join(frame.select("article_id"), on="article_id", how="semi").select("article_id", "published_at")
    if table not in OCCURRENCE_TABLES:
        return frame.select(key)
    current = frame.select(*key, "published_at")
    moved = frame.select(*dict.fromkeys([*key, "article_id"])).join(
        stored.select("article_id", "published_at"), on="article_id"
    )
    if moved.is_empty():  # nearly always: a run's articles are new
        return current
    return pl.concat([current, moved.select(*key, "published_at")]).unique()


def delete_stored_keys(con: duckdb.DuckDBPyConnection, table: str, keys: pl.DataFrame) -> None:
    """Delete the stored rows of `table` whose natural key is in `keys`.

    An occurrence is matched on its publication time too (its article's), which lets DuckDB skip the row groups of
    other times; feed_fetches' key starts with the run id, which does the same there.
    """
    same = [f'stored."{column}" = incoming."{column}"' for column in keys.columns if column != "published_at"]
    if "published_at" in keys.columns:
        same.append("stored.published_at is not distinct from incoming.published_at")
    if keys.is_empty():
        return
    con.register("incoming_keys", keys.to_arrow())
    con.execute(f'delete from "{table}" as stored using incoming_keys as incoming where {" and ".join(same)}')
    con.unregister("incoming_keys")


def load_run(con: duckdb.DuckDBPyConnection, tables: RunTables) -> dict[str, int]:
    """Upsert every table in one explicit transaction, so a failure leaves no half-loaded run; return row counts."""
    con.execute("begin transaction")
    try:
        counts = upsert_tables(con, tables)
        con.execute("commit")
    except BaseException:
        database.rollback(con)
        raise
    return counts


def merge_pending_spools(
    con: duckdb.DuckDBPyConnection, spool_dir: Path, *, notice: Callable[[str], None] | None = None
) -> int:
    """Merge every complete spool, oldest first, each in its own transaction; delete it only after the commit.

    A spool whose merge was committed but not yet deleted (a crash in between) is recognised and just deleted.
    A spool that cannot be merged is renamed `failed-...` and named in the notice, so it does not block every run.
    """
    spool.remove_stale_incomplete(spool_dir)
    merged = 0
    for path in spool.pending_spools(spool_dir):
        try:
            spooled = spool.read_spool(path)
        except spool.UntrustedSpool as error:
            moved = spool.set_aside(path)
            (notice or database.LOGGER.warning)(
                f"spool {path} was not merged: {error}; it may not come from a presswatch run. Moved to {moved}"
            )
            continue
        except (OSError, ValueError, KeyError, pl.exceptions.PolarsError) as error:
            moved = spool.set_aside(path)
            (notice or database.LOGGER.warning)(f"spool {path} is unreadable ({error}); moved to {moved}")
            continue
        if not already_merged(con, spooled.spool_id):
            tables = RunTables.from_frames(spooled.frames, spooled.replaced_article_ids)
            con.execute("begin transaction")
            try:
                upsert_tables(con, tables)
                con.execute(
                    "insert into spool_merges values (?, ?, ?, ?, ?)",
                    [spooled.spool_id, spooled.run_id, spooled.spooled_at, datetime.now(UTC), spooled.rows()],
                )
                con.execute("commit")
            except duckdb.Error as error:
                database.rollback(con)
                moved = spool.set_aside(path)
                (notice or database.LOGGER.warning)(
                    f"spool {path} could not be merged ({database.first_line(error)}); moved to {moved}"
                )
                continue
            merged += 1
        shutil.rmtree(path)
    return merged


def already_merged(con: duckdb.DuckDBPyConnection, spool_id: str) -> bool:
    return bool(database.scalar(con, "select count(*) from spool_merges where spool_id = ?", [spool_id]))


def load_or_spool(
    db: Path,
    tables: RunTables,
    *,
    spool_dir: Path,
    attempts: int = 5,
    backoff_s: float = 0.5,
    keep_text_days: int | None = None,
    run_started_at: datetime | None = None,
    snapshot: Path | None = None,
) -> LoadOutcome:
    """Load the run, retrying with doubling waits while another process holds the file; else spool it durably.

    On success, earlier spools are merged first (oldest first), retention is applied when `keep_text_days` is
    set (at `run_started_at`, the run's start by the machine's clock, else now: warehouse/retention.py), the
    file is checkpointed and, when `snapshot` is given, the analysts' snapshot is brought up to date (a
    monitoring run publishes at its end instead, after its alerts and its record: flows/pipeline.py).
    """
    notices: list[str] = []
    last_error = ""
    for attempt in range(max(attempts, 1)):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            con = database.bound_writer_memory(database.connect(db, notice=notices.append))
        except database.WarehouseLocked as error:
            last_error = str(error)
            continue
        try:
            spool.ensure_key(spool_dir)  # from the first load on, so no one else can be first to make it
            merged = merge_pending_spools(con, spool_dir, notice=notices.append)
            method: LoadMethod = "merged+direct" if merged else "direct"
            counts = load_run(con, tables.with_load_method(method, merged))
            retention = apply_retention(
                con, keep_text_days, now=run_started_at or datetime.now(UTC), run_id=tables.run_id() or ""
            )
            con.execute("checkpoint")
            if snapshot is not None:
                notices.extend(filter(None, [publish(con, snapshot).notice()]))
        finally:
            con.close()
        message = f"loaded into {db}" + (f" after merging {merged} spooled run(s)" if merged else "")
        return LoadOutcome(method, counts, None, merged, message, tuple(notices), retention)
    spooled = tables.with_load_method("spooled", 0)
    path = spool.write_spool(
        spool_dir, spooled.frames(), run_id=tables.run_id(), replaced_article_ids=tables.replaced_article_ids
    )
    counts = {name: frame.height for name, frame in spooled.frames().items()}
    message = (
        f"{last_error}; after {attempts} attempt(s) the run was spooled to {path} "
        "and will be merged by the next run that gets the file"
    )
    return LoadOutcome("spooled", counts, path, 0, message, tuple(notices))
