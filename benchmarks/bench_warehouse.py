"""Warehouse benchmark: bulk Arrow upserts against DuckDB's own COPY and row-by-row inserts; view latency; and the
report's and the alert stage's reads on a history and on one three times longer, which should cost the same.

    .venv/bin/python benchmarks/bench_warehouse.py [--rows N] [--history-days D] [--articles-per-day A] [--only-history]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow  # noqa: F401  (imported up front: a one-off process cost, not part of any load being timed)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.alert_delivery import ARTICLES_READ, COMENTIONS_READ
from flows.alerting import FEED_HEALTH_LOOKBACK, evaluate_rules, read_rules
from flows.report import ReportOptions, read_report_data
from transforms.alerts import Alert, parse_alert_rules, rule_rows, windows_needed
from transforms.digest import evidence_requests
from warehouse import database
from warehouse.loads import NATURAL_KEYS, RunTables, load_run
from warehouse.rules import save_alert_rules
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
    # The hourly spike rule reads 12 weeks back from a 7-day period: a shorter history would not hold its reach.
    parser.add_argument("--history-days", type=int, default=100, help="the shorter history (default 100 days)")
    parser.add_argument("--articles-per-day", type=int, default=1_000, help="history density (default 1,000)")
    parser.add_argument("--only-history", action="store_true", help="skip the load and view-latency parts")
    arguments = parser.parse_args()
    if not arguments.only_history:
        bench_loads(arguments.rows)
    bench_history(arguments.history_days, arguments.articles_per_day)


def bench_loads(rows: int) -> None:
    mentions = mention_frame(rows)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        parquet = directory / "mentions.parquet"
        mentions.write_parquet(parquet)

        # Fresh files each round, ours and COPY alternated, medians of 3: one timing of each varied 1.5x between runs.
        measured: dict[str, list[float]] = {"ours": [], "again": [], "copy": [], "keyed": []}
        columns = ", ".join(mentions.columns)  # the table has more: published_at is ours to fill at load
        for round_number in range(3):
            ours_db = fresh(directory, f"ours-{round_number}")
            with database.opened(ours_db) as con:
                measured["ours"].append(timed(lambda: load_run(con, RunTables.from_frames({"mentions": mentions}))))
                measured["again"].append(timed(lambda: load_run(con, RunTables.from_frames({"mentions": mentions}))))
            copy_db = fresh(directory, f"copy-{round_number}")
            with database.opened(copy_db) as con:
                measured["copy"].append(timed(lambda: con.execute(f"copy mentions ({columns}) from '{parquet}'")))
                # The same guarantee as ours, left to DuckDB: a table keyed on the natural key (since 0016 the
                # warehouse's mentions table has none; the load keeps the key unique itself).
                con.execute("create table keyed_mentions as select * from mentions limit 0")
                con.execute(f"alter table keyed_mentions add primary key ({', '.join(NATURAL_KEYS['mentions'])})")
                measured["keyed"].append(
                    timed(lambda: con.execute(f"copy keyed_mentions ({columns}) from '{parquet}'"))
                )
        ours, again, copy, keyed = (statistics.median(measured[name]) for name in ("ours", "again", "copy", "keyed"))

        sample = mentions.head(min(ROW_BY_ROW_SAMPLE, rows))
        slow_db = fresh(directory, "rows")
        with database.opened(slow_db) as con:
            placeholders = ", ".join("?" * len(sample.columns))
            statement = f"insert into mentions ({', '.join(sample.columns)}) values ({placeholders})"
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
            save_alert_rules(con, rule_rows(parse_alert_rules(RULES_FILE.read_text(encoding="utf-8")), AS_OF))
            latency = {
                view: median_seconds(partial(read_view, con, view))
                for view in ("mentions_daily", "mentions_hourly", "spikes", "share_of_voice", "co_mentions_article",
                             "latest_evidence")
            }

    print(f"warehouse loads, {rows:,} mention rows (median of 3, fresh files, alternated)")
    print(f"{'method':<44}{'seconds':>10}{'rows/s':>14}{'ours vs it':>12}")
    for name, seconds in [
        ("ours: Arrow upsert in one transaction", ours),
        ("ours: same rows again (all replaced)", again),
        ("DuckDB COPY from Parquet, keyless table", copy),
        ("DuckDB COPY from Parquet, keyed table", keyed),
        (f"executemany row by row (x{rows / sample.height:g} of {sample.height:,})", row_by_row),
    ]:
        print(f"{name:<44}{seconds:>10.2f}{rows / seconds:>14,.0f}{seconds / ours:>12.2f}")
    print(f"target: keyed COPY/ours >= 0.8 -> {keyed / ours:.2f} (keyless COPY/ours {copy / ours:.2f}, it checks no "
          f"key); row-by-row is {row_by_row / ours:,.0f}x slower")
    print(f"first snapshot publish (full copy + rename) of a {size_mb:.0f} MB file: {snapshot_s:.2f} s")
    print(f"view latency on {rows:,} mentions over 90 days (median of 5):")
    for view, seconds in latency.items():
        print(f"  {view:<22}{seconds * 1000:>9.0f} ms")


# --- reads over a period: a history against one three times longer -------------------------------------------

HISTORY_END = datetime(2025, 6, 30, 21, tzinfo=UTC)
HISTORY_PEOPLE = [f"person-{number:02d}" for number in range(50)]
HISTORY_TOPICS = [f"topic-{number:02d}" for number in range(10)]
FEEDS = 200
RUNS_PER_DAY = 24
MENTIONS_PER_HISTORY_ARTICLE = 4
RULES_FILE = Path(__file__).resolve().parents[1] / "seeds" / "alert_rules.csv"
HISTORY_REPEATS = 7


def history_day(day: int, articles_per_day: int) -> RunTables:
    """Day `day` before HISTORY_END as 24 hourly runs would load it; the same day is the same data in every build.

    Ids are hashes (random order, as canonical-URL hashes are) and run ids start with the run's time, as real ones.
    """
    rng = random.Random(day)
    day_start = HISTORY_END - timedelta(days=day + 1)
    runs, fetches = [], []
    for hour in range(RUNS_PER_DAY):
        clock = day_start + timedelta(hours=hour + 1)
        run_id = f"{clock:%Y%m%dT%H%M%S}-{day:04d}{hour:02d}"
        runs.append({"run_id": run_id, "started_at": clock, "finished_at": clock + timedelta(minutes=2),
                     "status": "completed", "mode": "live", "as_of": clock, "load_method": "direct"})
        for feed in range(FEEDS):
            # Feed 7 is dead for good; feed 13 fails every other day.
            failed = feed == 7 or (feed == 13 and day % 2 == 0)
            fetches.append({"run_id": run_id, "source_id": f"outlet-{feed:03d}", "started_at": clock,
                            "outcome": "http-4xx" if failed else "ok", "http_status": 404 if failed else 200,
                            "entries_total": 0 if failed else 10, "entries_new": 0, "failed": failed,
                            "error": "http 404" if failed else None})
    seconds = sorted(rng.randrange(1, 86_400) for _ in range(articles_per_day))
    articles: list[dict[str, object]] = []
    mentions: list[dict[str, object]] = []
    topic_mentions: list[dict[str, object]] = []
    for number, offset in enumerate(seconds):
        published = day_start + timedelta(seconds=offset)
        article_id = hashlib.sha256(f"{day}-{number}".encode()).hexdigest()[:20]
        story_id = str(articles[-1]["story_id"]) if articles and rng.random() < 0.2 else article_id
        run_id = str(runs[min(offset // 3600, RUNS_PER_DAY - 1)]["run_id"])
        articles.append({"article_id": article_id, "source_id": f"outlet-{rng.randrange(20):03d}",
                         "url": f"https://example.org/{article_id}", "title": f"Headline {number}",
                         "published_at": published, "first_seen_at": published, "fetch_outcome": "ok",
                         "extraction_method": "trafilatura", "quality": "ok", "story_id": story_id,
                         "revision_count": 0, "run_id": run_id})
        # A few people carry most of the coverage, as in the news.
        people = rng.choices(HISTORY_PEOPLE, weights=[1 / (rank + 1) for rank in range(len(HISTORY_PEOPLE))],
                             k=MENTIONS_PER_HISTORY_ARTICLE)
        for position, person in enumerate(people):
            mentions.append({"article_id": article_id, "person_id": person, "char_start": 40 * position,
                             "char_end": 40 * position + 12, "matched_text": "A Name", "kind": "full",
                             "sentence_index": position, "snippet": "A Name said something in a sentence.",
                             "run_id": run_id})
        if rng.random() < 0.6:
            topic_mentions.append({"article_id": article_id, "topic_id": rng.choice(HISTORY_TOPICS),
                                   "char_start": 200, "char_end": 205, "matched_text": "topic", "sentence_index": 5,
                                   "snippet": "The topic came up.", "run_id": run_id})
    timestamp = pl.Datetime("us", "UTC")
    frames = {
        "articles": pl.DataFrame(articles, schema_overrides={"published_at": timestamp, "first_seen_at": timestamp}),
        "mentions": pl.DataFrame(mentions),
        "topic_mentions": pl.DataFrame(topic_mentions),
        "feed_fetches": pl.DataFrame(fetches, schema_overrides={"started_at": timestamp, "http_status": pl.Int32}),
        "runs": pl.DataFrame(runs, schema_overrides={"started_at": timestamp, "finished_at": timestamp,
                                                     "as_of": timestamp}),
    }
    if day == 0:
        frames |= reference_frames()
    return RunTables.from_frames(frames)


def reference_frames() -> dict[str, pl.DataFrame]:
    """Sources, watchlist and the feeds' state at the end, loaded with the newest day."""
    now = pl.lit(HISTORY_END, dtype=pl.Datetime("us", "UTC"))
    feeds = pl.DataFrame({"source_id": [f"outlet-{feed:03d}" for feed in range(FEEDS)]})
    return {
        "sources": feeds.with_columns(name=pl.col("source_id").str.to_uppercase(),
                                      feed_url="https://example.org/" + pl.col("source_id"), updated_at=now),
        "people": pl.DataFrame({"person_id": HISTORY_PEOPLE}).with_columns(name=pl.col("person_id"), updated_at=now),
        "topics": pl.DataFrame({"topic_id": HISTORY_TOPICS}).with_columns(name=pl.col("topic_id"), updated_at=now),
        "feed_state": feeds.with_columns(
            consecutive_failures=pl.when(pl.col("source_id") == "outlet-007").then(RUNS_PER_DAY * 30).otherwise(0),
            updated_at=now,
        ),
    }


def build_history(path: Path, days: int, articles_per_day: int) -> None:
    """Load `days` days, oldest first, one load per day through the project's own load path; store the rules."""
    with database.opened(path) as con:
        for day in reversed(range(days)):
            load_run(con, history_day(day, articles_per_day))
        rules = parse_alert_rules(RULES_FILE.read_text(encoding="utf-8"))
        save_alert_rules(con, rule_rows(rules, HISTORY_END))
        con.execute("checkpoint")


def period_reads() -> dict[str, Callable[[duckdb.DuckDBPyConnection], object]]:
    """Every read the report and the alert stage make, with the parameters they use, by name."""
    since, until = HISTORY_END - timedelta(days=7), HISTORY_END
    selected = {"since": since, "until": until, "people": []}
    rules = read_rules(RULES_FILE)
    hour_rule = next(rule.spike_rule() for rule in rules if rule.rule_id == "spike-person-hour")
    windows = windows_needed(hour_rule)
    counts = {"as_of": until, "window_hours": 1, "windows": windows, "max_window": max(windows)}
    # One person's alert over the last day, asked for its evidence as the alert stage asks (alert_contexts).
    alert = Alert("alert-00", "spike-person-day", "person", "person-00", until - timedelta(days=1), until,
                  value=0.0, expected=0.0, baseline=0.0, ratio=0.0, zscore=0.0, members=("person-00",))
    evidence = evidence_requests([alert])
    named: dict[str, tuple[str, dict[str, object]]] = {
        "report_overview": ("report_overview", {"since": since, "until": until}),
        "report_share_of_voice": ("report_share_of_voice", selected),
        "report_topic_trend": ("report_topic_trend", {"since": since, "until": until}),
        "report_top_outlets": ("report_top_outlets", {**selected, "limit": 15}),
        "report_person_topic": ("report_person_topic", selected),
        "report_co_mentions": ("report_co_mentions", selected),
        "report_top_stories": ("report_top_stories", {**selected, "limit": 15}),
        "report_evidence": ("report_evidence", {**selected, "per_person": 3}),
        "report_feed_health": ("report_feed_health", {"since": since, "until": until}),
        "report_runs": ("report_runs", {"since": since, "until": until}),
        "alert_counts (hourly rule)": ("alert_counts", {**counts, "subject_kind": "person"}),
        "alert_volume (hourly rule)": ("alert_volume", counts),
        "alert_pairings": ("alert_pairings", {"as_of": until, "window_start": until - timedelta(days=1),
                                              "lookback_start": until - timedelta(days=15)}),
        "alert_feed_health": ("alert_feed_health", {"since": until - FEED_HEALTH_LOOKBACK, "as_of": until}),
        "alert_articles (one person)": ("alert_articles", {key: evidence[key] for key in ARTICLES_READ}),
    }
    reads: dict[str, Callable[[duckdb.DuckDBPyConnection], object]] = {
        name: partial(database.query_frame, name=query, parameters=parameters)
        for name, (query, parameters) in named.items()
    }
    reach = {"since": since, "until": until, "as_of": until}
    reads["report_trend"] = partial(with_reach, query="report_trend", parameters=selected, reach=reach,
                                    column="trend_read_from")
    reads["report_spikes"] = partial(with_reach, query="report_spikes", parameters={"people": [], "as_of": until},
                                     reach=reach, column="spikes_read_from")
    reads["alert_comentions"] = partial(comentions, evidence=evidence)
    reads["alert stage: every enabled rule"] = partial(evaluate_rules, rules=rules, as_of=until)
    return reads


def with_reach(
    con: duckdb.DuckDBPyConnection, query: str, parameters: dict[str, object], reach: Mapping[str, object], column: str
) -> object:
    """A spike query as the report runs it: the rules' reach worked out first, then passed in as a constant."""
    read_from = database.query_frame(con, "report_spike_reach", dict(reach))[column][0]
    return database.query_frame(con, query, {**parameters, "read_from": read_from})


def comentions(con: duckdb.DuckDBPyConnection, evidence: Mapping[str, list[Any]]) -> object:
    """Who else an alert's articles name, as the alert stage asks it: the articles registered, then the query."""
    articles = database.query_frame(con, "alert_articles", {key: evidence[key] for key in ARTICLES_READ})
    con.register("alert_articles", articles.to_arrow())
    try:
        return database.query_frame(con, "alert_comentions", {key: evidence[key] for key in COMENTIONS_READ})
    finally:
        con.unregister("alert_articles")


def rows_read(con: duckdb.DuckDBPyConnection, read: Callable[[duckdb.DuckDBPyConnection], object]) -> int:
    """Rows the table scans of the read's last query read from storage (DuckDB's profile counts the row groups it
    did not skip): unlike a time, the same on a busy machine, and the plainest sign of whether a read follows its
    period or the history."""
    with tempfile.TemporaryDirectory() as scratch:
        profile = Path(scratch) / "profile.json"
        con.execute("pragma enable_profiling = 'json'")
        con.execute(f"pragma profiling_output = '{profile}'")
        try:
            read(con)
        finally:
            con.execute("pragma disable_profiling")
        tree = json.loads(profile.read_text(encoding="utf-8"))

    def scanned(node: dict[str, Any]) -> int:
        children = node.get("children") or []
        own = int(str(node.get("rows_scanned") or 0)) if node.get("name") in {"SEQ_SCAN", "TABLE_SCAN"} else 0
        return own + sum(scanned(child) for child in children if isinstance(child, dict))

    operators: list[dict[str, Any]] = tree.get("operator", [])
    return sum(scanned(node) for node in operators)


def bench_history(days: int, articles_per_day: int) -> None:
    """Time the report's and the alert stage's reads on `days` and on 3 x `days` of history, in one run."""
    with tempfile.TemporaryDirectory() as scratch:
        paths = {label: Path(scratch) / f"{label}.duckdb" for label in ("short", "long")}
        built = {}
        for label, span in (("short", days), ("long", 3 * days)):
            built[label] = timed(partial(build_history, paths[label], span, articles_per_day))
        reads = period_reads()
        seconds: dict[str, dict[str, list[float]]] = {name: {"short": [], "long": []} for name in reads}
        scans: dict[str, dict[str, int]] = {name: {} for name in reads}
        report_s: dict[str, list[float]] = {"short": [], "long": []}
        with database.opened(paths["short"], read_only=True) as short, \
                database.opened(paths["long"], read_only=True) as long:
            connections = {"short": short, "long": long}
            for _ in range(HISTORY_REPEATS):
                # Alternate the two files so a busy moment on a shared machine hits both alike.
                for name, read in reads.items():
                    for label, con in connections.items():
                        seconds[name][label].append(timed(partial(read, con)))
            for name, read in reads.items():
                for label, con in connections.items():
                    scans[name][label] = rows_read(con, read)
        for _ in range(HISTORY_REPEATS):
            for label, path in paths.items():
                report_s[label].append(timed(partial(read_report_data, path, ReportOptions())))
        sizes = {label: path.stat().st_size / 1e6 for label, path in paths.items()}

    print(f"reads over a 7-day period on {days} days of history and on {3 * days} "
          f"({articles_per_day:,} articles a day, {MENTIONS_PER_HISTORY_ARTICLE} mentions each, {FEEDS} feeds "
          f"fetched hourly; {sizes['short']:.0f} MB and {sizes['long']:.0f} MB; built in {built['short']:.0f} s "
          f"and {built['long']:.0f} s; median of {HISTORY_REPEATS}, files alternated)")
    print("rows read: rows the table scans of the read's (last) query read from storage; the same on a busy machine")
    print(f"{'read':<34}{days:>8} d ms{3 * days:>8} d ms{'ratio':>8}{'rows read':>12}{'rows read':>12}{'ratio':>8}")
    rows = [(name, statistics.median(times["short"]), statistics.median(times["long"]))
            for name, times in seconds.items()]
    rows.append(("report: read_report_data, whole", statistics.median(report_s["short"]),
                 statistics.median(report_s["long"])))
    for name, short_s, long_s in rows:
        read_rows = scans.get(name, {})
        counts = (
            f"{read_rows['short']:>12,}{read_rows['long']:>12,}{read_rows['long'] / max(read_rows['short'], 1):>8.2f}"
            if read_rows and not name.startswith("alert stage") else ""
        )
        print(f"{name:<34}{short_s * 1000:>11.1f}{long_s * 1000:>11.1f}{long_s / short_s:>8.2f}{counts}")
    total_short = sum(short_s for _, short_s, _ in rows[:-1])
    total_long = sum(long_s for _, _, long_s in rows[:-1])
    print(f"{'all reads above (sum of medians)':<34}{total_short * 1000:>11.1f}{total_long * 1000:>11.1f}"
          f"{total_long / total_short:>8.2f}   target: ratio 1.0-1.2")


if __name__ == "__main__":
    main()
