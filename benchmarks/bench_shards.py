"""Sharded runs at scale, on paper and by simulation (docs/cluster.md "Scale"):

1. shard balance of a synthetic newsroom (20,000 feeds on 2,000 hosts, Zipf): largest shard over the average at
   4/8/16 shards, hashing hosts against placing them largest first (transforms/shard_plan.py);
2. the finaliser on a synthetic 90-day warehouse with 42,000 new articles staged in Delta for one hour (1M a
   day): reading the staging, stories, the load, alerts, report and snapshot; and its load against DuckDB
   inserting the same Delta data with one INSERT ... SELECT per table (goal: >= 0.8x);
3. how many machines of this size an hour of that needs, from the per-article CPU the other benchmarks measured.

    .venv/bin/python benchmarks/bench_shards.py [--history-days 90] [--articles-per-day 5000] [--hour 42000]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_warehouse import HISTORY_END, HISTORY_PEOPLE, HISTORY_TOPICS, build_history

from flows import stages
from flows.config import Settings
from flows.finalise import clean, load_with_markers, with_stories
from flows.pipeline import new_context
from transforms import run_rows
from transforms.shard_plan import assign_hosts, hash_assign, imbalance
from transforms.stories import PERMUTATIONS
from warehouse.loads import RunTables
from warehouse.staging import StagingArea

FEEDS, HOSTS, ZIPF = 20_000, 2_000, 1.05
SHARD_COUNTS = (4, 8, 16)
SHARDS = 8  # how the simulated hour is staged
ROUNDS = 3
# Per-article CPU on this machine, from the other benchmarks (docs/benchmarks.md): the extraction stage with its
# two workers and story prints 34.3 CPU s for 2,000 real pages; detection (mentions 8 MB/s, quotes about 2x that,
# topics) on a 5 KB article; feed parsing and the HTTP client, taken as the same again as detection.
EXTRACT_CPU_S = 34.3 / 2000
DETECT_CPU_S = 3 * 5_000 / 8e6
FETCH_CPU_S = DETECT_CPU_S
CORES, UTILISATION, DEADLINE_S = 2, 0.7, 2700.0
# Not measured here (loopback only): a page or feed's wall time on the internet, and the fetcher's concurrency.
PAGE_LATENCY_S, CONCURRENCY = 0.5, 8


def zipf_feeds(feeds: int, hosts: int, exponent: float) -> dict[str, int]:
    """Feeds per host, Zipf over host rank, every host at least one feed, summing to `feeds`."""
    shares = 1 / np.arange(1, hosts + 1) ** exponent
    counts = np.maximum(1, np.floor(shares / shares.sum() * (feeds - hosts)).astype(int) + 1)
    counts[0] += feeds - int(counts.sum())
    return {f"host-{rank:04d}.example": int(count) for rank, count in enumerate(counts)}


def balance(feeds_by_host: dict[str, int]) -> list[tuple[int, float, float, float]]:
    """(shards, hashed, largest first, lower bound) largest-shard-over-average ratios; weight = feeds."""
    weights = {host: float(count) for host, count in feeds_by_host.items()}
    rows = []
    for shards in SHARD_COUNTS:
        hashed = imbalance(hash_assign(weights, shards), weights, shards)
        planned = imbalance(assign_hosts(weights, shards), weights, shards)
        bound = max(1.0, max(weights.values()) / (sum(weights.values()) / shards))
        rows.append((shards, hashed, planned, bound))
    return rows


def staged_hour(articles: int, shards: int, rng: random.Random) -> dict[str, pl.DataFrame]:
    """One hour's new articles as shards stage them: articles with text and story prints, 4 mentions each, a
    topic mention for 60%; spread over the hour after the history ends."""
    start = HISTORY_END
    ids = [hashlib.sha256(f"hour-{number}".encode()).hexdigest()[:20] for number in range(articles)]
    published = [start + timedelta(seconds=rng.randrange(3600)) for _ in range(articles)]
    words = [f"word{index}" for index in range(4000)]
    texts = [" ".join(rng.choices(words, k=300)) for _ in range(articles)]
    signatures = [np.frombuffer(rng.randbytes(PERMUTATIONS * 4), dtype="<u4").tobytes() for _ in range(articles)]
    shard = [number % shards for number in range(articles)]
    timestamp = run_rows.TIMESTAMP
    frame = pl.DataFrame(
        {
            "article_id": ids, "source_id": [f"outlet-{rng.randrange(200):03d}" for _ in ids],
            "url": [f"https://example.org/hour/{article}" for article in ids], "title": [f"Headline {n}" for n in ids],
            "published_at": published, "first_seen_at": [start] * articles, "text": texts,
            "text_sha256": [hashlib.sha256(text.encode()).hexdigest() for text in texts],
            "fetch_outcome": ["ok"] * articles, "extraction_method": ["trafilatura"] * articles,
            "quality": ["ok"] * articles, "revision_count": [0] * articles, "run_id": ["hour"] * articles,
            "story_signature": signatures, "story_shingles": [b""] * articles, "shard": shard,
        },
        schema_overrides={"published_at": timestamp, "first_seen_at": timestamp, "shard": pl.Int32},
    )  # fmt: skip
    people = rng.choices(HISTORY_PEOPLE, k=articles * 4)
    mentions = pl.DataFrame(
        {
            "article_id": [article for article in ids for _ in range(4)], "person_id": people,
            "char_start": [40 * position for _ in ids for position in range(4)],
            "char_end": [40 * position + 12 for _ in ids for position in range(4)],
            "matched_text": ["A Name"] * len(people), "kind": ["full"] * len(people),
            "sentence_index": [position for _ in ids for position in range(4)],
            "snippet": ["A Name said something in a sentence."] * len(people), "run_id": ["hour"] * len(people),
        }
    )  # fmt: skip
    chosen = [article for article in ids if rng.random() < 0.6]
    topics = pl.DataFrame(
        {
            "article_id": chosen, "topic_id": rng.choices(HISTORY_TOPICS, k=len(chosen)),
            "char_start": [200] * len(chosen), "char_end": [205] * len(chosen),
            "matched_text": ["topic"] * len(chosen), "sentence_index": [5] * len(chosen),
            "snippet": ["The topic came up."] * len(chosen), "run_id": ["hour"] * len(chosen),
        }
    )  # fmt: skip
    shard_of = frame.select("article_id", "shard")
    return {
        "articles": frame,
        "mentions": mentions.join(shard_of, on="article_id"),
        "topic_mentions": topics.join(shard_of, on="article_id"),
    }


def stage(area: StagingArea, hour: dict[str, pl.DataFrame], shards: int) -> None:
    for name, frame in hour.items():
        for shard in range(shards):
            part = frame.filter(pl.col("shard") == shard).drop("shard")
            area.write_batch(name, part, run_id="hour", shard=shard, batch=0)


def timed(function: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def read_hour(area: StagingArea) -> dict[str, pl.DataFrame]:
    return {name: area.read(name, {"staged_run": "hour"}) for name in ("articles", "mentions", "topic_mentions")}


def load_hour(db: Path, settings: Settings, rows: dict[str, pl.DataFrame], context: run_rows.RunContext) -> None:
    """The finaliser's load of the staged rows (warehouse/loads.py upsert, markers in the same transaction)."""
    frames = {name: clean(frame) for name, frame in rows.items()}
    pending = pl.DataFrame({"run_id": ["hour"] * SHARDS, "shard": list(range(SHARDS)), "batch": [0] * SHARDS,
                            "rows_loaded": [0] * SHARDS}, schema_overrides={"shard": pl.Int32, "batch": pl.Int32,
                                                                            "rows_loaded": pl.Int32})  # fmt: skip
    markers = {"staged_loads": pending.with_columns(loaded_at=pl.lit(context.started_at))}
    load_with_markers(settings, db, RunTables.from_frames(frames), markers, context.started_at)


def finalise_hour(db: Path, area: StagingArea, settings: Settings) -> dict[str, float]:
    """The finaliser's stages on the staged hour, each timed: read, stories, load, alerts, report, snapshot."""
    context = new_context("live", HISTORY_END + timedelta(hours=1))
    seconds: dict[str, float] = {}
    rows, seconds["read staging"] = timed(read_hour, area)
    since = context.started_at - stages.STORY_LOOKBACK
    rows["articles"], seconds["stories"] = timed(with_stories, rows["articles"], db, since)
    _, seconds["load"] = timed(load_hour, db, settings, rows, context)
    names = {person: person for person in HISTORY_PEOPLE}
    _, seconds["alerts"] = timed(stages.alert_stage, db, context, settings, names)
    _, seconds["report"] = timed(stages.report_stage, db, settings)
    _, seconds["snapshot"] = timed(stages.publish_stage, db, context)
    return seconds


def staged_load(db: Path, area: StagingArea, settings: Settings) -> float:
    """Reading the staging and loading it as the finaliser does (stories aside: the baseline has none)."""
    context = new_context("live", HISTORY_END + timedelta(hours=1))
    started = time.perf_counter()
    load_hour(db, settings, read_hour(area), context)
    return time.perf_counter() - started


def insert_select(db: Path, area: StagingArea) -> float:
    """DuckDB inserting the staged Delta data itself: one INSERT ... SELECT per table from the Arrow dataset."""
    from warehouse import database

    started = time.perf_counter()
    with database.opened(db) as con:
        con.execute("begin transaction")
        for name in ("articles", "mentions", "topic_mentions"):
            con.register(f"staged_{name}", area.dataset(name))
            con.execute(
                f"insert into {name} by name select * exclude (staged_run, shard, batch"
                f"{', story_shingles' if name == 'articles' else ''}) from staged_{name}"
            )
        con.execute("commit")
        con.execute("checkpoint")
    return time.perf_counter() - started


def machines(feeds_by_host: dict[str, int], hour: int) -> list[str]:
    """How many machines of this size an hour needs: the largest shard's CPU within the cores' budget, and its
    fetching (feeds and pages at the assumed latency, global concurrency 8) within the deadline."""
    per_article = EXTRACT_CPU_S + DETECT_CPU_S + FETCH_CPU_S
    cpu_s = hour * per_article
    fetch_wall_s = (sum(feeds_by_host.values()) + hour) * PAGE_LATENCY_S / CONCURRENCY
    weights = {host: float(count) for host, count in feeds_by_host.items()}
    largest_host_pages = max(feeds_by_host.values()) / sum(feeds_by_host.values()) * hour
    budget = CORES * UTILISATION * DEADLINE_S
    lines = [
        f"per-article CPU: extraction {EXTRACT_CPU_S * 1000:.1f} ms + detection {DETECT_CPU_S * 1000:.1f} ms + "
        f"fetch/parse {FETCH_CPU_S * 1000:.1f} ms = {per_article * 1000:.1f} ms",
        f"an hour of {hour:,} articles: {cpu_s:,.0f} CPU s ({cpu_s / 3600:.2f} cores busy all hour); fetching "
        f"{sum(feeds_by_host.values()):,} feeds and {hour:,} pages at {PAGE_LATENCY_S} s each, {CONCURRENCY} at a "
        f"time: {fetch_wall_s:,.0f} s on one machine",
        "| machines (shards) | largest shard / average | its CPU s (budget) | its fetching s (deadline) | fits |",
        "|---:|---:|---:|---:|---|",
    ]
    for shards in (1, 2, 3, 4, 8, 16):
        ratio = imbalance(assign_hosts(weights, shards), weights, shards)
        cpu, wall = cpu_s / shards * ratio, fetch_wall_s / shards * ratio
        fits = "yes" if cpu <= budget and wall <= DEADLINE_S else "no"
        row = f"| {shards} | {ratio:.2f}x | {cpu:,.0f} ({budget:,.0f}) | {wall:,.0f} ({DEADLINE_S:,.0f}) | {fits} |"
        lines.append(row)
    lines.append(
        f"largest host: {max(feeds_by_host.values()):,} feeds, about {largest_host_pages:,.0f} pages an hour; at the "
        f"default 1 s per-host delay that is {largest_host_pages / 3600:.2f} h of one host's politeness, whatever "
        "the machine count"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--history-days", type=int, default=90)
    parser.add_argument("--articles-per-day", type=int, default=5_000, help="history density (default 5,000)")
    parser.add_argument("--hour", type=int, default=42_000, help="new articles staged for the hour (42,000)")
    arguments = parser.parse_args()

    feeds_by_host = zipf_feeds(FEEDS, HOSTS, ZIPF)
    print(f"== shard balance: {FEEDS:,} feeds on {HOSTS:,} hosts (Zipf {ZIPF}), largest host "
          f"{max(feeds_by_host.values()):,} feeds; largest shard / average")  # fmt: skip
    print("| shards | hash | largest first | best possible |")
    print("|---:|---:|---:|---:|")
    for shards, hashed, planned, bound in balance(feeds_by_host):
        print(f"| {shards} | {hashed:.2f}x | {planned:.2f}x | {bound:.2f}x |")

    work = Path(tempfile.mkdtemp(prefix="bench-shards-"))
    try:
        history = work / "history.duckdb"
        print(f"== building {arguments.history_days} days x {arguments.articles_per_day:,} articles ...", flush=True)
        _, built = timed(build_history, history, arguments.history_days, arguments.articles_per_day)
        print(f"   built in {built:.0f} s ({history.stat().st_size / 2**20:,.0f} MB)")
        area = StagingArea(str(work / "staging"))
        hour = staged_hour(arguments.hour, SHARDS, random.Random(26))
        _, staged = timed(stage, area, hour, SHARDS)
        print(f"   {arguments.hour:,} articles staged by {SHARDS} shards in {staged:.1f} s")
        # The load against the baseline in alternating rounds, each on its own copy of the history (a shared
        # machine's load moves single figures a lot); medians compared.
        loads, baselines = [], []
        for number in range(ROUNDS):
            for kind, measure in (("baseline", insert_select), ("load", None)):
                copy = work / f"{kind}-{number}.duckdb"
                shutil.copy(history, copy)
                if measure is not None:
                    baselines.append(measure(copy, area))
                else:
                    loads.append(staged_load(copy, area, Settings(db=copy, report_dir=work / "reports")))
                copy.unlink()
        final = work / "finalise.duckdb"
        shutil.copy(history, final)
        seconds = finalise_hour(final, area, Settings(db=final, report_dir=work / "reports"))
        load, baseline = statistics.median(loads), statistics.median(baselines)
        rows = sum(frame.height for frame in hour.values())
        print(f"== finalise of {arguments.hour:,} staged articles ({rows:,} rows) on the history")
        print("| step | seconds |")
        print("|---|---:|")
        for step, value in seconds.items():
            print(f"| {step} | {value:.2f} |")
        print(f"| total | {sum(seconds.values()):.2f} |")
        print(f"load (read staging + upsert), median of {ROUNDS}: {load:.2f} s = {rows / load:,.0f} rows/s; "
              f"one INSERT ... SELECT per table from the Delta data, median: {baseline:.2f} s = "
              f"{rows / baseline:,.0f} rows/s; ratio "
              f"{baseline / load:.2f}x (goal >= 0.8x)")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("== machines for an hour of the synthetic newsroom "
          f"({CORES} cores, {UTILISATION:.0%} busy, {DEADLINE_S:.0f} s deadline)")  # fmt: skip
    for line in machines(feeds_by_host, arguments.hour):
        print(line)


if __name__ == "__main__":
    main()
