"""Time to evaluate every alert rule over 90 days of history with 1,000 tracked people (median of 5).

Synthetic data in a temporary DuckDB file: ~400 stories a day, 3 people and 1 topic per story, 30 feeds.
Baseline measured in the same run: spike scoring with one polars filter per subject (the first spike rule's
approach) against the vectorised scoring now used, on the same day-window counts.

    .venv/bin/python benchmarks/bench_alerts.py
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flows.alerting import decide, read_rules
from transforms.alerts import SpikeRule, find_spikes
from warehouse import database
from warehouse.loads import RunTables, load_run

AS_OF = datetime(2025, 4, 1, 12, tzinfo=UTC)
DAYS = 90
PEOPLE = 1_000
STORIES_PER_DAY = 400
TOPICS = 20
FEEDS = 30
RUNS = 5
RULES_FILE = Path(__file__).resolve().parent.parent / "seeds" / "alert_rules.csv"


def build(db: Path) -> int:
    """Fill a warehouse with synthetic coverage; people follow a Zipf-like popularity. Returns mention rows."""
    generator = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(PEOPLE)]
    people = [f"person-{number:04d}" for number in range(PEOPLE)]
    articles, mentions, topics = [], [], []
    for number in range(DAYS * STORIES_PER_DAY):
        article_id = f"a{number}"
        published = AS_OF - timedelta(seconds=generator.uniform(0, DAYS * 86400))
        articles.append({"article_id": article_id, "source_id": f"feed-{number % FEEDS}",
                         "url": f"https://news.example/{article_id}", "title": f"Story {number}",
                         "published_at": published, "first_seen_at": published, "fetch_outcome": "ok",
                         "extraction_method": "trafilatura", "quality": "good", "story_id": article_id,
                         "run_id": "bench"})
        for position, person in enumerate(set(generator.choices(people, weights, k=3))):
            mentions.append({"article_id": article_id, "person_id": person, "char_start": position * 40,
                             "char_end": position * 40 + 10, "matched_text": person, "kind": "full",
                             "sentence_index": position % 2, "snippet": f"{person} spoke.", "run_id": "bench",
                             "published_at": published})
        topics.append({"article_id": article_id, "topic_id": f"topic-{generator.randrange(TOPICS)}",
                       "char_start": 0, "char_end": 5, "matched_text": "t", "sentence_index": 0,
                       "snippet": "A topic sentence.", "run_id": "bench", "published_at": published})
    feed_state = [{"source_id": f"feed-{number}", "consecutive_failures": 4 if number == 0 else 0,
                   "failing_since": AS_OF - timedelta(hours=4) if number == 0 else None, "updated_at": AS_OF}
                  for number in range(FEEDS)]
    # Through the load path, which stamps occurrences with their article's time and keeps subject_hours.
    frames: dict[str, list[Any]] = {
        "articles": articles, "mentions": mentions, "topic_mentions": topics, "feed_state": feed_state,
    }
    with database.opened(db) as con:
        load_run(con, RunTables.from_frames({table: pl.DataFrame(rows) for table, rows in frames.items()}))
        con.execute("checkpoint")
    return len(mentions)


def median_seconds(action: Callable[[], object]) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def loop_spikes(counts: pl.DataFrame, volume: pl.DataFrame, rule: SpikeRule) -> int:
    """The baseline: one filter per subject, as the first spike rule did."""
    total = float(volume.filter(pl.col("window") > 0)["stories"].sum())
    current_volume = float(volume.filter(pl.col("window") == 0)["stories"].sum())
    fired = 0
    for _, rows in counts.group_by("subject"):
        current = float(rows.filter(pl.col("window") == 0)["stories"].sum())
        history = float(rows.filter(pl.col("window") > 0)["stories"].sum())
        expected = max(history / total * current_volume, 0.5)
        if current >= rule.min_stories and current / expected >= rule.min_ratio and (
            (current - expected) / math.sqrt(expected) >= rule.min_zscore
        ):
            fired += 1
    return fired


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "bench.duckdb"
        started = time.perf_counter()
        mention_rows = build(db)
        print(f"built {DAYS} days, {DAYS * STORIES_PER_DAY:,} stories, {mention_rows:,} mentions, "
              f"{PEOPLE:,} people in {time.perf_counter() - started:.1f}s")
        rules = [rule for rule in read_rules(RULES_FILE)]
        with database.opened(db) as con:
            decision = decide(con, rules, AS_OF)
            all_rules = median_seconds(lambda: decide(con, rules, AS_OF))
            rule = SpikeRule(name="spike-person-day", baseline_windows=6)
            parameters = {"as_of": AS_OF, "window_hours": 24, "windows": list(range(7)), "max_window": 6}
            counts = database.query_frame(con, "alert_counts", {**parameters, "subject_kind": "person"})
            volume = database.query_frame(con, "alert_volume", parameters)
        vectorised = median_seconds(lambda: find_spikes(counts, volume, as_of=AS_OF, rule=rule,
                                                        subject_kind="person"))
        looped = median_seconds(lambda: loop_spikes(counts, volume, rule))
    print(f"rules: {', '.join(rule.rule_id for rule in rules)}; fired {len(decision.fired)}")
    print()
    print(f"{'measure (median of 5)':<46}{'seconds':>10}{'ratio':>10}")
    print(f"{'evaluate all enabled rules (SQL + scoring)':<46}{all_rules:>10.3f}{'':>10}")
    print(f"{'spike scoring, per-subject loop (baseline)':<46}{looped:>10.4f}{1.0:>10.1f}")
    print(f"{'spike scoring, vectorised (ours)':<46}{vectorised:>10.4f}{looped / vectorised:>9.1f}x")


if __name__ == "__main__":
    main()
