"""What a watchlist change costs a run (issue 25 item 2): re-deriving the stored history for one added person.

    .venv/bin/python benchmarks/bench_rederive.py [--articles 1000 4000] [--samples 3]

Per size: a warehouse file holding N stored articles (about 1,600 characters each, naming tracked people and the
added one, loaded through `warehouse.loads.load_run`) whose watchlist entries are recorded; then a person is added
and the run's watchlist stage (`flows.backfill.rederive_watchlist_changes`: read, detect, replace the occurrences,
record the entries) runs on a fresh copy, against `flows.backfill.derive` alone over the same rows (the detectors'
share). Medians of --samples. Ratios: largest size / smallest (linear is the size ratio). Asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flows import seeds
from flows.backfill import derive, rederive_watchlist_changes, save_entries
from transforms.run_rows import RunContext
from transforms.watchlist import Person
from warehouse import database
from warehouse.loads import RunTables, load_run

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
AS_OF = datetime(2026, 12, 1, 12, tzinfo=UTC)
PARAGRAPHS = (
    "Keir Starmer told MPs on Tuesday that the plan would be published before the summer recess, and that the "
    "Chancellor had agreed the numbers. Kemi Badenoch said the government had broken its word on the budget.",
    "Councillor Angela Rayner visited the flood defences in the afternoon and met families who had been moved out "
    "of their homes. \"We will not leave anyone behind,\" she said, standing beside the sea wall.",
    "Elon Musk posted again about the grooming gangs inquiry, and ministers were asked whether they would respond. "
    "Wes Streeting said the NHS waiting lists had fallen for a third month in a row.",
    "The council met again on Monday to discuss the schools plan in detail; officers said the numbers would be "
    "ready by the end of the month, and the opposition asked for a vote before then.",
)


def stored_tables(count: int) -> RunTables:
    articles = [
        {"article_id": f"a{n}", "source_id": f"outlet-{n % 12}", "url": f"https://outlet.example/{n}",
         "title": f"Story {n}", "published_at": AS_OF - timedelta(minutes=7 * n), "first_seen_at": AS_OF,
         "text": " ".join(PARAGRAPHS[(n + k) % 4] for k in range(4)), "fetch_outcome": "ok",
         "extraction_method": "trafilatura", "quality": "ok", "story_id": f"a{n}", "revision_count": 0,
         "run_id": "history"}
        for n in range(count)
    ]
    frames = {"articles": pl.DataFrame(articles)}
    return RunTables.from_frames(frames)


def build(directory: Path, count: int) -> Path:
    db = directory / f"w{count}.duckdb"
    watchlist = seeds.load_watchlist(SEEDS)
    with database.opened(db) as con:
        load_run(con, stored_tables(count))
        save_entries(con, watchlist, "history", AS_OF)
        con.execute("checkpoint")
    return db


def measure(db: Path, samples: int) -> tuple[float, float, int]:
    watchlist = seeds.load_watchlist(SEEDS)
    added = replace(watchlist, people=(*watchlist.people, Person("angela-rayner", "Angela Rayner", "Angela", "Rayner")))
    with database.opened(db, read_only=True) as con:
        stored = database.query_frame(con, "rederive_articles", {"limit": 10**9})
    stored = stored.select("article_id", "text", "published_at")
    stage, detect, rederived = [], [], 0
    for sample in range(samples):
        copy = db.with_name(f"copy-{sample}-{db.name}")
        shutil.copy(db, copy)
        context = RunContext(run_id=f"run-{sample}", started_at=AS_OF, as_of=AS_OF, mode="live")
        started = time.perf_counter()
        change = rederive_watchlist_changes(copy, context, added, SEEDS, {"angela-rayner": "Angela Rayner"})
        stage.append(time.perf_counter() - started)
        started = time.perf_counter()
        derive(stored, added, SEEDS, "run-x")
        detect.append(time.perf_counter() - started)
        rederived = change.articles
        copy.unlink()
    return statistics.median(stage), statistics.median(detect), rederived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--samples", type=int, default=3)
    arguments = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for count in arguments.articles:
            rows.append((count, *measure(build(Path(folder), count), arguments.samples)))
    print(f"{'stored':>8} {'re-derived':>10} {'stage s':>8} {'detect s':>9} {'ms/article':>10} {'detect share':>12}")
    for count, stage, detect, rederived in rows:
        print(f"{count:>8} {rederived:>10} {stage:>8.2f} {detect:>9.2f} {1000 * stage / count:>10.2f} "
              f"{detect / stage:>12.0%}")
    smallest, largest = rows[0], rows[-1]
    print(f"largest/smallest: size {largest[0] / smallest[0]:.2f}x, stage {largest[1] / smallest[1]:.2f}x")


if __name__ == "__main__":
    main()
