"""Warehouse benchmark: bulk Arrow upserts against DuckDB's own COPY and row-by-row inserts; view latency.

    .venv/bin/python benchmarks/bench_warehouse.py [--rows N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import duckdb
import polars as pl
import pyarrow  # noqa: F401  (imported up front: a one-off process cost, not part of any load being timed)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warehouse import database
from warehouse.loads import RunTables, load_run
from warehouse.snapshot import publish_snapshot

AS_OF = datetime(2025, 1, 6, 12, tzinfo=UTC)
PEOPLE = [f"person-{number:02d}" for number in range(14)]
ROW_BY_ROW_SAMPLE = 20_000
MENTIONS_PER_ARTICLE = 8


def mention_frame(rows: int) -> pl.DataFrame:
    """`rows` mentions over rows/8 articles, people drawn deterministically."""
    index = pl.int_range(0, rows, eager=True)
    return pl.DataFrame(
        {
            "article_id": ("a" + (index // MENTIONS_PER_ARTICLE).cast(pl.String)),
            "person_id": index.map_elements(lambda n: PEOPLE[(n * 7919) % len(PEOPLE)], return_dtype=pl.String),
            "char_start": (index % MENTIONS_PER_ARTICLE * 100).cast(pl.Int32),
            "char_end": (index % MENTIONS_PER_ARTICLE * 100 + 12).cast(pl.Int32),
            "matched_text": pl.Series(["Keir Starmer"] * rows),
            "kind": pl.Series(["full"] * rows),
            "sentence_index": (index % MENTIONS_PER_ARTICLE).cast(pl.Int32),
            "snippet": pl.Series(["Sir Keir Starmer said the inquiry would report in the spring."] * rows),
            "run_id": pl.Series(["run-1"] * rows),
        }
    )


def article_frame(articles: int, days: int) -> pl.DataFrame:
    """Articles spread evenly over the `days` before AS_OF; a fifth share a story with their neighbour."""
    index = pl.int_range(0, articles, eager=True)
    seconds = days * 86_400
    published = [AS_OF - timedelta(seconds=int(n * seconds / articles)) for n in range(articles)]
    return pl.DataFrame(
        {
            "article_id": "a" + index.cast(pl.String),
            "source_id": "outlet-" + (index % 5).cast(pl.String),
            "url": "https://example.org/a" + index.cast(pl.String),
            "title": pl.Series(["A headline"] * articles),
            "published_at": pl.Series(published, dtype=pl.Datetime("us", "UTC")),
            "first_seen_at": pl.Series([AS_OF] * articles, dtype=pl.Datetime("us", "UTC")),
            "fetch_outcome": pl.Series(["ok"] * articles),
            "extraction_method": pl.Series(["trafilatura"] * articles),
            "quality": pl.Series(["ok"] * articles),
            "story_id": "s" + (index - (index % 5 == 1).cast(pl.Int64)).cast(pl.String),
            "revision_count": pl.Series([0] * articles, dtype=pl.Int32),
            "run_id": pl.Series(["run-1"] * articles),
        }
    )


def fresh(directory: Path, name: str) -> Path:
    path = directory / f"{name}.duckdb"
    with database.opened(path):
        pass
    return path


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def read_view(con: duckdb.DuckDBPyConnection, view: str) -> object:
    return con.execute(f"select * from {view}").fetchall()


def median_seconds(action: Callable[[], object], repeats: int = 5) -> float:
    return statistics.median(timed(action) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="mention rows (default 1,000,000)")
    rows = parser.parse_args().rows
    mentions = mention_frame(rows)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        parquet = directory / "mentions.parquet"
        mentions.write_parquet(parquet)

        ours_db = fresh(directory, "ours")
        with database.opened(ours_db) as con:
            ours = timed(lambda: load_run(con, RunTables.from_frames({"mentions": mentions})))
            again = timed(lambda: load_run(con, RunTables.from_frames({"mentions": mentions})))

        copy_db = fresh(directory, "copy")
        with database.opened(copy_db) as con:
            copy = timed(lambda: con.execute(f"copy mentions from '{parquet}'"))

        sample = mentions.head(min(ROW_BY_ROW_SAMPLE, rows))
        slow_db = fresh(directory, "rows")
        with database.opened(slow_db) as con:
            placeholders = ", ".join("?" * len(sample.columns))
            statement = f"insert or replace into mentions ({', '.join(sample.columns)}) values ({placeholders})"
            row_by_row = timed(lambda: con.executemany(statement, sample.rows())) * rows / sample.height

        snapshot_s = timed(lambda: publish_snapshot(ours_db, directory / "snapshot.duckdb"))
        size_mb = ours_db.stat().st_size / 1e6

        trend_db = fresh(directory, "trend")
        with database.opened(trend_db) as con:
            tables = {
                "articles": article_frame(rows // MENTIONS_PER_ARTICLE, 90),
                "mentions": mentions,
                "runs": pl.DataFrame([{"run_id": "run-1", "started_at": AS_OF, "finished_at": AS_OF,
                                       "status": "completed", "mode": "backfill", "as_of": AS_OF}]),
            }
            load_run(con, RunTables.from_frames(tables))
            latency = {
                view: median_seconds(partial(read_view, con, view))
                for view in ("mentions_daily", "mentions_hourly", "spikes", "share_of_voice", "co_mentions_article")
            }

    print(f"warehouse loads, {rows:,} mention rows")
    print(f"{'method':<44}{'seconds':>10}{'rows/s':>14}{'ours vs it':>12}")
    for name, seconds in [
        ("ours: Arrow upsert in one transaction", ours),
        ("ours: same rows again (all replaced)", again),
        ("DuckDB COPY from Parquet", copy),
        (f"executemany row by row (x{rows / sample.height:g} of {sample.height:,})", row_by_row),
    ]:
        print(f"{name:<44}{seconds:>10.2f}{rows / seconds:>14,.0f}{seconds / ours:>12.2f}")
    print(f"target: COPY/ours >= 0.8 -> {copy / ours:.2f}; row-by-row is {row_by_row / ours:,.0f}x slower")
    print(f"first snapshot publish (full copy + rename) of a {size_mb:.0f} MB file: {snapshot_s:.2f} s")
    print(f"view latency on {rows:,} mentions over 90 days (median of 5):")
    for view, seconds in latency.items():
        print(f"  {view:<22}{seconds * 1000:>9.0f} ms")


if __name__ == "__main__":
    main()
