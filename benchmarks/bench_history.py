"""History benchmark (issue 14): does the same new hour cost the same on an empty warehouse, a week and 90 days of
history (300,000 articles)?

    .venv/bin/python benchmarks/bench_history.py [--days 0 7 90] [--per-day 3333] [--hour 200] [--samples 5]
        [--rounds 3] [--keep DIR | --reuse DIR]

History: one warehouse per size, built oldest day first through the load path (`warehouse.loads.load_run`, a day
of 24 hourly runs per load): `--per-day` articles with text (paragraphs of the demo newsroom's pages), mentions,
topic mentions and a quote each, a story signature, a fetch of each of 40 feeds per hour, the runs and a few
alerts; then its snapshot is published (a full copy, as a first publish makes it). Every size ends at the same hour.
Where a paragraph names two tracked people in one sentence (as detection finds them in its demo page), the article
names them together too, so history pairs people as the new hour's pages do and a long history does not see every
pair of the new hour as new (else only the 90-day warehouse, the one covering the new-pairing rule's look-back,
would fire alerts for them: different work). The run's alerts are printed for each size.
The week is there because the report and the alerts show a period (7 days, a day's window): on an empty warehouse
that period is empty too, so 90 days against 7 is what isolates the history's own cost for them.

Measured on a fresh copy of each warehouse and its snapshot:
- publish alone: `--samples` times, an hour of `--hour` articles is loaded and checkpointed (the load), then the
  snapshot is brought up to date as a run's publish stage does (`publish_snapshot`: the sync), then the same file
  is rebuilt whole as a snapshot missing, of another schema or format is (`replace_snapshot`: the warehouse copied
  into a new file in DuckDB 1.4's storage format, fsync, rename; the fallback).
  Medians.
- the whole run: `--rounds` rounds, each size in turn, of a `presswatch run` without Prefect (`pipeline.monitor_run`
  with the plain runner, in a child process) fetching `--hour` new articles from a synthetic loopback newsroom
  (tests/support/synthetic_newsroom.py), the report's Vega bundle cached beside the copy as any run after the first
  finds it: its wall seconds, its stages' seconds from its runs row, and the full copy timed on the same file right
  after it. Medians.
Ratios are the longest history / each shorter one, and full copy / sync. Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import html
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from flows import seeds, stages  # noqa: E402
from flows.quoting import quotes_frame  # noqa: E402
from transforms import run_rows  # noqa: E402
from transforms.identity import article_id_for, quote_id_for  # noqa: E402
from transforms.mentions import MentionDetector  # noqa: E402
from transforms.watchlist import Watchlist  # noqa: E402
from warehouse import database  # noqa: E402
from warehouse.loads import RunTables, load_run  # noqa: E402
from warehouse.snapshot import publish_snapshot, replace_snapshot  # noqa: E402
from warehouse.spool import fsync_file  # noqa: E402

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)  # the synthetic newsroom dates its items on 6 January 2025
SEED = 20250106
OUTLETS = [f"outlet-{number:02d}" for number in range(40)]
MENTIONS_PER_ARTICLE = 8
TOPICS_PER_ARTICLE = 2
ALERTS_PER_DAY = 4
PARAGRAPH = re.compile(r"<p[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
STAGES = ("feeds", "pages", "extract", "detect", "load", "alerts", "report", "publish")
FILES = ("presswatch.duckdb", "presswatch.snapshot.duckdb")


def page_paragraphs() -> list[list[str]]:
    """Each demo newsroom page's article paragraphs as plain text, in order."""
    pages = []
    for page in sorted((ROOT / "seeds" / "demo" / "site").rglob("*.html")):
        found = PARAGRAPH.finditer(page.read_text(encoding="utf-8", errors="replace"))
        pages.append([" ".join(html.unescape(TAG.sub("", match.group(1))).split()) for match in found])
    return pages


def paragraphs() -> list[str]:
    """The demo newsroom's article paragraphs as plain text: the words history's articles are made of."""
    return sorted({text for page in page_paragraphs() for text in page if len(text) > 60})


Named = tuple[str, int, int, int]  # person, start and end in the paragraph, the sentence's number in it


def shared_sentences(watchlist: Watchlist) -> tuple[dict[str, list[Named]], float]:
    """The people the demo pages name together in one sentence, by paragraph (each page read whole, as a run
    reads it, so a surname finds its introduction), and how many such sentences a page has on average: the new
    hour's pages are these pages, so history's articles made of their paragraphs name the same people together."""
    detector = MentionDetector(watchlist)
    named: dict[str, list[Named]] = {}
    sentences = 0
    pages = page_paragraphs()
    for page in pages:
        text = "\n".join(page)
        offsets = list(itertools.accumulate((len(part) + 1 for part in page), initial=0))
        found = detector.detect(text, AS_OF)
        people = {
            sentence: {mention.person_id for mention in found if mention.sentence_index == sentence}
            for sentence in {mention.sentence_index for mention in found}
        }
        shared = {sentence for sentence, who in people.items() if len(who) > 1}
        sentences += len(shared)
        for mention in found:
            if mention.sentence_index in shared:
                number = bisect.bisect_right(offsets, mention.char_start) - 1
                start = mention.char_start - offsets[number]
                end = start + mention.char_end - mention.char_start
                named.setdefault(page[number], []).append((mention.person_id, start, end, mention.sentence_index))
    return {text: sorted(set(where)) for text, where in named.items()}, sentences / max(len(pages), 1)


class History:
    """Deterministic synthetic days of news, each as one load of 24 hourly runs' rows."""

    def __init__(self, per_day: int) -> None:
        self.per_day = per_day
        self.pool = paragraphs()
        watchlist = seeds.load_watchlist(ROOT / "seeds")
        self.people = [person.person_id for person in watchlist.people]
        self.topics = [topic.topic_id for topic in watchlist.topics]
        self.watchlist = watchlist
        self.shared, self.shared_per_page = shared_sentences(watchlist)

    def day(self, days_back: int) -> RunTables:
        """The day that starts `days_back` days before AS_OF: the same rows whichever warehouse it goes into."""
        random = np.random.default_rng(SEED + days_back)
        start = AS_OF - timedelta(days=days_back)
        hours = [start + timedelta(hours=hour) for hour in range(24)]
        run_ids = [f"{hour:%Y%m%dT%H%M%S}-hist" for hour in hours]
        articles, mentions, topics, quotes = [], [], [], []
        for index in range(self.per_day):
            hour = int(random.integers(0, 24))
            outlet = OUTLETS[int(random.integers(0, len(OUTLETS)))]
            url = f"https://{outlet}.example/{start:%Y/%m/%d}/story-{index}.html"
            article_id = article_id_for(url)
            picked = random.integers(0, len(self.pool), int(random.integers(4, 11)))
            title = self.pool[int(picked[0])][:80]
            text = title + "\n\n" + "\n".join(self.pool[int(number)] for number in picked)
            mentions += self.named_together(text, article_id, run_ids[hour])
            seen_at = hours[hour] + timedelta(minutes=int(random.integers(0, 60)))
            articles.append({
                "article_id": article_id, "source_id": outlet, "url": url, "guid": url, "title": title,
                "published_at": seen_at - timedelta(minutes=30), "first_seen_at": seen_at, "fetched_at": seen_at,
                "extracted_at": seen_at, "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "site_name": outlet, "language": "en", "http_status": 200, "fetch_outcome": "ok",
                "extraction_method": "trafilatura", "quality": "ok", "story_id": article_id, "revision_count": 0,
                "run_id": run_ids[hour], "story_signature": random.bytes(512),
            })  # fmt: skip
            starts = np.sort(random.choice(len(text) - 20, MENTIONS_PER_ARTICLE + TOPICS_PER_ARTICLE + 1, False))
            for number, position in enumerate(int(value) for value in starts):
                span = {
                    "article_id": article_id,
                    "char_start": position,
                    "char_end": position + 12,
                    "matched_text": text[position : position + 12],
                    "sentence_index": number,
                    "run_id": run_ids[hour],
                }
                snippet = text[max(position - 80, 0) : position + 92]
                if number < MENTIONS_PER_ARTICLE:
                    person = self.people[int(random.integers(0, len(self.people)))]
                    mentions.append({**span, "person_id": person, "kind": "full", "snippet": snippet})
                elif number < MENTIONS_PER_ARTICLE + TOPICS_PER_ARTICLE:
                    topic = self.topics[int(random.integers(0, len(self.topics)))]
                    topics.append({**span, "topic_id": topic, "snippet": snippet})
                else:
                    words = text[position : position + 60]
                    quotes.append({
                        "quote_id": quote_id_for(article_id, position, position + 60), "article_id": article_id,
                        "person_id": mentions[-1]["person_id"], "quote_text": words, "char_start": position,
                        "char_end": position + 60, "cue": "said", "speaker": None, "attribution": "cue",
                        "sentence_index": number, "quote_key": words.lower(), "run_id": run_ids[hour],
                    })  # fmt: skip
        return RunTables.from_frames({
            "sources": pl.DataFrame([{"source_id": outlet, "name": outlet, "feed_url": f"https://{outlet}.example/feed",
                                      "respect_robots": True, "updated_at": hours[-1]} for outlet in OUTLETS]),
            "people": run_rows.people_frame(self.watchlist, hours[-1]),
            "topics": run_rows.topics_frame(self.watchlist, hours[-1]),
            "articles": pl.DataFrame(articles, schema_overrides={"story_signature": pl.Binary}),
            "feed_fetches": self.fetches(run_ids, hours),
            "mentions": pl.DataFrame(mentions).unique(["article_id", "person_id", "char_start"], keep="first"),
            "topic_mentions": pl.DataFrame(topics),
            "quotes": quotes_frame(quotes),
            "alerts": self.alerts(random, run_ids, hours),
            "runs": self.runs(run_ids, hours),
        })  # fmt: skip

    def named_together(self, text: str, article_id: str, run_id: str) -> list[dict[str, Any]]:
        """The mentions of people named together in one sentence of the demo paragraphs the text is made of, as
        detection finds them there (numbered past the one-person sentences so they never merge with one)."""
        rows = []
        at = text.find("\n\n") + 2
        for number, paragraph in enumerate(text[at:].split("\n")):
            for person, start, end, sentence in self.shared.get(paragraph, []):
                rows.append({
                    "article_id": article_id, "char_start": at + start, "char_end": at + end,
                    "matched_text": paragraph[start:end], "sentence_index": 1000 * (number + 1) + sentence,
                    "run_id": run_id, "person_id": person, "kind": "full",
                    "snippet": paragraph[max(start - 80, 0) : end + 80],
                })  # fmt: skip
            at += len(paragraph) + 1
        return rows

    @staticmethod
    def fetches(run_ids: list[str], hours: list[datetime]) -> pl.DataFrame:
        rows = [
            {
                "run_id": run_id,
                "source_id": outlet,
                "started_at": at,
                "duration_s": 0.2,
                "http_status": 200,
                "outcome": "ok",
                "entries_total": 30,
                "entries_new": 1,
                "size_bytes": 40_000,
                "error": None,
                "failed": False,
            }
            for run_id, at in zip(run_ids, hours, strict=True)
            for outlet in OUTLETS
        ]
        return pl.DataFrame(rows, schema_overrides={"http_status": pl.Int32, "error": pl.String})

    def alerts(self, random: np.random.Generator, run_ids: list[str], hours: list[datetime]) -> pl.DataFrame:
        rows = []
        for number in range(ALERTS_PER_DAY):
            hour = int(random.integers(0, 24))
            person = self.people[int(random.integers(0, len(self.people)))]
            rows.append(
                {
                    "alert_id": f"spike:{person}:{hours[hour]:%Y%m%d%H}:{number}",
                    "rule": "spike",
                    "subject": person,
                    "window_start": hours[hour] - timedelta(hours=1),
                    "window_end": hours[hour],
                    "value": 12.0,
                    "baseline": 3.0,
                    "ratio": 4.0,
                    "zscore": 3.5,
                    "fired_at": hours[hour],
                    "run_id": run_ids[hour],
                    "status": "delivered",
                    "attempts": 1,
                    "subject_kind": "person",
                    "event": "spike",
                }
            )
        return pl.DataFrame(rows)

    @staticmethod
    def runs(run_ids: list[str], hours: list[datetime]) -> pl.DataFrame:
        rows = [
            {
                "run_id": run_id,
                "started_at": at,
                "finished_at": at + timedelta(minutes=1),
                "status": "completed",
                "mode": "live",
                "as_of": at,
                "feeds_total": len(OUTLETS),
                "feeds_failed": 0,
                "load_method": "direct",
                "error": None,
                **{column: 1.0 for column in stages.STAGE_COLUMNS.values()},
            }
            for run_id, at in zip(run_ids, hours, strict=True)
        ]
        return pl.DataFrame(rows, schema_overrides={"error": pl.String})

    def hour_of_articles(self, count: int, sample: int) -> RunTables:
        """One more hour after the history (a different one per sample), `count` articles, as a run loads it."""
        day = self.day(1)  # the last day's rows, moved past AS_OF and given new ids
        at = AS_OF + timedelta(hours=sample)
        run_id = f"{at:%Y%m%dT%H%M%S}-bench"
        articles = day.articles.head(count)
        ids = articles["article_id"]
        renamed = {old: f"{old}-{sample}" for old in ids}

        def moved(frame: pl.DataFrame) -> pl.DataFrame:
            frame = frame.filter(pl.col("article_id").is_in(ids.implode()))
            return frame.with_columns(pl.col("article_id").replace(renamed), run_id=pl.lit(run_id))

        quotes = moved(day.quotes).with_columns(quote_id=pl.col("quote_id") + f"-{sample}")
        run = self.runs([run_id], [at]).with_columns(status=pl.lit("loading"))
        return RunTables.from_frames({
            "articles": moved(articles).with_columns(url=pl.col("url") + f"?{sample}", first_seen_at=pl.lit(at)),
            "feed_fetches": self.fetches([run_id], [at]),
            "mentions": moved(day.mentions), "topic_mentions": moved(day.topic_mentions), "quotes": quotes,
            "runs": run,
        })  # fmt: skip


def build(work: Path, sizes: list[int], per_day: int) -> None:
    """One warehouse per size (days of history up to AS_OF), each with its snapshot published."""
    history = History(per_day)
    for days in sizes:
        started = time.perf_counter()
        db = work / f"{days}-days" / FILES[0]
        db.parent.mkdir(parents=True, exist_ok=True)
        with database.opened(db) as con:
            for days_back in range(days, 0, -1):
                load_run(con, history.day(days_back))
            con.execute("checkpoint")
        publish_snapshot(db, db.with_name(FILES[1]))
        print(f"  built {days} days in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def fresh_copy(base: Path, scratch: Path) -> Path:
    """The warehouse and its snapshot copied to `scratch`, on disk (else the first checkpoint pays for the copy)."""
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(base / name, scratch / name)
        fsync_file(scratch / name)
    return scratch / FILES[0]


def full_copy_seconds(db: Path) -> float:
    """A rebuild: open the warehouse, copy it into a new file in the snapshot's format, fsync and rename it."""
    target = db.with_name("full-copy.duckdb")
    started = time.perf_counter()
    with database.opened(db) as con:
        replace_snapshot(con, target, None, started, held=False)
    seconds = time.perf_counter() - started
    target.unlink()
    return seconds


def publish_alone(work: Path, days: int, history: History, hour: int, samples: int) -> dict[str, list[float]]:
    """Load (with its checkpoint), sync and full-copy seconds, `samples` times, one more hour each time."""
    db = fresh_copy(work / f"{days}-days", work / "scratch")
    measured: dict[str, list[float]] = {"load": [], "sync": [], "full copy": []}
    for sample in range(samples):
        tables = history.hour_of_articles(hour, sample)
        with database.opened(db) as con:
            started = time.perf_counter()
            load_run(con, tables)
            con.execute("checkpoint")
            measured["load"].append(time.perf_counter() - started)
        started = time.perf_counter()
        published = publish_snapshot(db, db.with_name(FILES[1]), run_id=tables.run_id())
        measured["sync"].append(time.perf_counter() - started)
        if published.method != "synced":
            raise SystemExit(f"the publish did not sync in place: {published.reason}")
        measured["full copy"].append(full_copy_seconds(db))
    measured["MB"] = [db.stat().st_size / 2**20]
    return measured


def measure_run(folder: Path, feeds: Path) -> dict[str, Any]:
    """(In a child process.) One monitoring run as `presswatch run` makes it without Prefect, then the full copy."""
    import logging

    from flows.config import ExtractionSettings, FetchSettings, RunSettings, Settings
    from flows.pipeline import monitor_run, new_context, plain_runner

    logging.disable(logging.WARNING)
    db = folder / FILES[0]
    settings = Settings(
        db=db, report_dir=folder / "reports",
        fetch=FetchSettings(per_host_delay_s=0.0, feed_per_host_delay_s=0.0, per_host_concurrency=8),
        runs=RunSettings(task_retry_delay_s=0.0), extraction=ExtractionSettings(workers=2),
    )  # fmt: skip
    started = time.perf_counter()
    summary = monitor_run(settings, feeds, db, new_context("live", AS_OF), plain_runner(settings))
    total = time.perf_counter() - started
    with database.opened(db, read_only=True) as con:
        row = con.execute(
            f"select {', '.join(stages.STAGE_COLUMNS.values())}, articles_new from runs where run_id = ?",
            [summary.run_id],
        ).fetchall()[0]
        fired = con.execute("select event, subject from alerts where run_id = ? order by all", [summary.run_id])
        alerts = [f"{event} {subject}" for event, subject in fired.fetchall()]
    return {
        "seconds": dict(zip(STAGES, row[:-1], strict=True)),
        "articles": row[-1],
        "alerts": alerts,
        "total": total,
        "notice": summary.publish_notice,
        "full copy": full_copy_seconds(db),
    }


def whole_run(work: Path, days: int, feeds: Path) -> dict[str, Any]:
    """A fresh copy of the `days` warehouse measured by a new process, with the report's Vega bundle already built
    beside it as after any earlier run (else every measured report would build it, seconds of the same work)."""
    db = fresh_copy(work / f"{days}-days", work / "scratch")
    shutil.copytree(work / "vega-cache", db.parent / "cache")
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(db.parent), str(feeds)], check=True, capture_output=True, text=True
    )
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[0, 7, 90], metavar="DAYS")
    parser.add_argument("--per-day", type=int, default=3333)
    parser.add_argument("--hour", type=int, default=200)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", help="build the warehouses in this folder and leave them there")
    parser.add_argument("--reuse", help="measure on the warehouses an earlier --keep left in this folder")
    parser.add_argument("--measure", nargs=2, metavar=("FOLDER", "FEEDS"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure_run(Path(options.measure[0]), Path(options.measure[1]))))
        return
    from synthetic_newsroom import SyntheticNewsroom

    sizes = sorted(set(options.days))
    if len(sizes) < 2:
        parser.error("--days needs at least two sizes of history")
    long = sizes[-1]
    shorter = sizes[:-1]
    header = "".join(f"{f'{days} days':>12}" for days in sizes) + "".join(f"{f'{long}/{days}':>10}" for days in shorter)

    def line(name: str, values: dict[int, float], digits: int = 3) -> str:
        cells = "".join(f"{values[days]:>12.{digits}f}" for days in sizes)
        return f"{name:<26}{cells}" + "".join(f"{ratio(values[long], values[days]):>10}" for days in shorter)

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as temp:
        work = Path(options.keep or options.reuse or temp)
        started = time.perf_counter()
        if not options.reuse:
            build(work, sizes, options.per_day)
        built = time.perf_counter() - started
        for days in sizes:
            with database.opened(work / f"{days}-days" / FILES[0], read_only=True) as con:
                articles, mentions, fetches = con.execute(
                    "select (select count(*) from articles), (select count(*) from mentions), "
                    "(select count(*) from feed_fetches)"
                ).fetchall()[0]
            size = (work / f"{days}-days" / FILES[0]).stat().st_size / 2**20
            print(
                f"history {days:>4} days: {articles:>9,} articles {mentions:>10,} mentions {fetches:>9,} fetches "
                f"{size:>7,.0f} MB"
            )
        print(f"(built in {built:.0f} s; load average {os.getloadavg()[0]:.1f})", flush=True)

        history = History(options.per_day)
        together = history.day(1).mentions.filter(pl.col("sentence_index") >= 1000)
        per_article = together.select(pl.struct("article_id", "sentence_index").n_unique()).item() / options.per_day
        print(
            f"sentences naming two or more tracked people: {per_article:.2f} per article of history's last day, "
            f"{history.shared_per_page:.2f} per demo page (the new hour's pages)"
        )
        alone = {days: publish_alone(work, days, history, options.hour, options.samples) for days in sizes}
        print(f"\npublish alone, an hour of {options.hour} articles loaded before each (median of {options.samples}):")
        print(f"{'':<26}{header}")
        medians = {days: {name: statistics.median(values) for name, values in alone[days].items()} for days in alone}
        for name in ("load", "sync", "full copy"):
            print(line(name + " s", {days: medians[days][name] for days in sizes}))
        print(f"{'full copy / sync':<26}" + "".join(
            f"{ratio(medians[days]['full copy'], medians[days]['sync']):>12}" for days in sizes))  # fmt: skip

        from flows.report import vega_bundle

        vega_bundle(work / "vega-cache")
        newsroom = SyntheticNewsroom(feeds=20, articles=options.hour)
        runs: dict[int, list[dict[str, Any]]] = {days: [] for days in sizes}
        with newsroom.server:
            feeds = newsroom.write_feeds_file(work / "feeds.csv")
            for _ in range(options.rounds):
                for days in sizes:
                    runs[days].append(whole_run(work, days, feeds))
        shutil.rmtree(work / "scratch", ignore_errors=True)
        shutil.rmtree(work / "vega-cache", ignore_errors=True)
        print(
            f"\nthe whole run, {runs[sizes[0]][0]['articles']} new articles from a loopback newsroom "
            f"(median of {options.rounds}; stage seconds from the runs row):"
        )
        print(f"{'':<26}{header}")
        rows = [(f"{stage} s", lambda r, s=stage: r["seconds"][s] or 0.0) for stage in STAGES] + [
            ("whole run s", lambda r: r["total"]),
            ("full copy s (before)", lambda r: r["full copy"]),
        ]
        for name, value in rows:
            print(line(name, {days: statistics.median(value(r) for r in runs[days]) for days in sizes}))
        for days in sizes:
            before = statistics.median(
                r["total"] - (r["seconds"]["publish"] or 0.0) + r["full copy"] for r in runs[days]
            )
            now = statistics.median(r["total"] for r in runs[days])
            print(
                f"{days} days: the run with a full copy instead of the sync would take {before:.2f} s "
                f"({ratio(before, now)}x)"
            )
        print("alerts fired by the run (the same at every size, or the sizes compare different work):")
        for days in sizes:
            fired = {", ".join(r["alerts"]) or "none" for r in runs[days]}
            print(f"  {days:>4} days: " + " | ".join(sorted(fired)))
        same = len({tuple(r["alerts"]) for values in runs.values() for r in values}) == 1
        print("  the same alerts at every size" if same else "  NOT the same alerts at every size")
        notices = {r["notice"] for values in runs.values() for r in values} - {""}
        print("publish notices: " + ("; ".join(sorted(notices)) if notices else "none (every run synced in place)"))
        print(
            f"goal (issue 14): every stage's {long}-day / empty ratio <= 1.2, load and publish included. "
            f"Load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
