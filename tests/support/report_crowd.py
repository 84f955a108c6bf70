"""A busier warehouse for the report's layout tests: the fourteen people of the watchlist over a week, eight
outlets (one with a long name, one with markup in its name), four topics, a surge for one person on the last day,
syndicated stories, hostile feed text, and feeds in every state the fetch layer can leave them in."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from report_warehouse import article, build_report_warehouse, mention

from flows.fetching import is_feed_failure
from warehouse.loads import RunTables

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)
PEOPLE_FILE = Path(__file__).resolve().parents[2] / "seeds" / "people.csv"
SURGING = "nigel-farage"  # not among the most covered people of the week, so not first in the page's order
HOSTILE_OUTLET = '</script><script>alert("outlet")</script> Gazette'
HOSTILE_TITLE = '<img src=x onerror="alert(5)"> Farage rally'
LONG_OUTLET = "The Northgate Herald and Harrowby Evening Chronicle (Sunday edition)"
OUTLETS = ("herald", "courier", "wire", "gazette", "chronicle", "post", "mercury", "bulletin")
OUTLET_NAMES = {
    "herald": LONG_OUTLET,
    "courier": "The Civic Courier",
    "wire": "Meridian Wire",
    "gazette": HOSTILE_OUTLET,
    "chronicle": "Eastfield Chronicle",
    "post": "The Morning Post",
    "mercury": "Riverside Mercury",
    "bulletin": "Market Town Bulletin",
}
TOPICS = ("nhs", "grooming-gangs", "social-media", "national-inquiry")
# Each feed's fetches, oldest first: (outcome, HTTP status, entries). One state per feed.
FETCHES: dict[str, tuple[tuple[str, int | None, int], ...]] = {
    "herald": (("ok", 200, 12),),
    "courier": (("parse-error", 200, 5),),  # damaged, but its entries were read
    "wire": (("parse-error", 200, 0),),  # damaged and nothing readable: a failure
    "gazette": (("http-4xx", 404, 0),),
    "chronicle": (("not-modified", 304, 0),),
    "post": (("retry-later", 429, 0),),  # a pause the host asked for: neither success nor failure
    "mercury": (("http-4xx", 410, 0), ("ok", 200, 8)),  # recovered
    "bulletin": tuple(("dns", None, 0) for _ in range(5)),  # dead
}
Row = dict[str, Any]


def watchlist() -> list[tuple[str, str]]:
    with PEOPLE_FILE.open(encoding="utf-8") as file:
        return [(row["person_id"], row["name"]) for row in csv.DictReader(file)]


def daily_stories(index: int, day: int, person_id: str) -> int:
    """How many stories name the person on day 0..6 of the week: a steady level, the surge on the last day."""
    if person_id == SURGING:
        return 12 if day == 6 else 1
    usual = (4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1)[index]
    return usual + (1 if (index + day) % 3 == 0 else 0)


def crowd_tables() -> RunTables:
    """The rows described in the module docstring: five hourly runs up to AS_OF, the articles in the last one."""
    people = watchlist()
    stamp = {"updated_at": AS_OF}
    articles: list[Row] = []
    mentions: list[Row] = []
    topic_mentions: list[Row] = []
    first_day = AS_OF.replace(hour=0) - timedelta(days=6)
    for index, (person_id, name) in enumerate(people):
        for day in range(7):
            for number in range(daily_stories(index, day, person_id)):
                serial = len(articles)
                published = first_day + timedelta(days=day, hours=7 + (number * 5 + index) % 13)
                story = f"story{serial}"
                outlet = OUTLETS[serial % len(OUTLETS)]
                title = HOSTILE_TITLE if person_id == SURGING and day == 6 and number == 0 else f"{name} story {serial}"
                copies = [article(story, published, outlet, story_id=story, title=title)]
                if serial % 5 == 0:  # syndicated: a second outlet runs the same story an hour later
                    other = OUTLETS[(serial + 3) % len(OUTLETS)]
                    copies.append(article(f"{story}b", published + timedelta(hours=1), other, story_id=story))
                for copy in copies:
                    articles.append(copy)
                    mentions.append(mention(copy["article_id"], person_id, name))
                    if serial % 4 == 0:  # named alongside someone else
                        other_id, other_name = people[(index + 1 + serial) % len(people)]
                        if other_id != person_id:
                            mentions.append(mention(copy["article_id"], other_id, other_name))
                    topic_mentions.append(
                        {"article_id": copy["article_id"], "topic_id": TOPICS[serial % len(TOPICS)], "char_start": 0,
                         "char_end": 3, "matched_text": "NHS", "sentence_index": 0, "snippet": "The NHS plan.",
                         "run_id": "run-5"}
                    )
    runs = [f"run-{number}" for number in range(1, 6)]
    run_rows = [
        {"run_id": run_id, "started_at": AS_OF - timedelta(hours=4 - offset),
         "finished_at": AS_OF - timedelta(hours=4 - offset) + timedelta(minutes=2), "status": "completed",
         "mode": "scheduled", "as_of": AS_OF - timedelta(hours=4 - offset), "feeds_total": len(OUTLETS),
         "feeds_failed": 0, "entries_seen": 0, "articles_new": 0, "articles_failed": 0, "mentions_new": 0,
         "topic_mentions_new": 0, "alerts_fired": 0, "load_method": "direct", "error": None}
        for offset, run_id in enumerate(runs)
    ]
    fetches, states = feed_rows(runs)
    frames = {
        "sources": pl.DataFrame([
            {"source_id": source, "name": OUTLET_NAMES[source], "feed_url": f"https://{source}.example/feed",
             "respect_robots": True, **stamp}
            for source in OUTLETS
        ]),
        "people": pl.DataFrame([{"person_id": person_id, "name": name, **stamp} for person_id, name in people]),
        "topics": pl.DataFrame([{"topic_id": topic, "name": topic.replace("-", " ").capitalize(), **stamp}
                                for topic in TOPICS]),
        "articles": pl.DataFrame([{**row, "run_id": "run-5"} for row in articles]),
        "mentions": pl.DataFrame([{**row, "run_id": "run-5"} for row in mentions]),
        "topic_mentions": pl.DataFrame(topic_mentions),
        "feed_fetches": pl.DataFrame(
            fetches, schema_overrides={"http_status": pl.Int32(), "error": pl.String(), "failed": pl.Boolean()}
        ),
        "feed_state": pl.DataFrame(states, schema_overrides={"failing_since": pl.Datetime("us", "UTC")}),
        "runs": pl.DataFrame(run_rows, schema_overrides={"error": pl.String()}),
    }
    return RunTables.from_frames(frames)


def feed_rows(runs: list[str]) -> tuple[list[Row], list[Row]]:
    """Each feed's fetches (the newest in the last run) and the state the fetch layer would have left."""
    fetches: list[Row] = []
    states: list[Row] = []
    for source, history in FETCHES.items():
        streak, since = 0, None
        for run_id, (outcome, status, entries) in zip(runs[-len(history):], history, strict=True):
            started = AS_OF - timedelta(hours=4 - runs.index(run_id))
            failed = is_feed_failure(outcome, has_entries=entries > 0)
            fetches.append(
                {"run_id": run_id, "source_id": source, "started_at": started, "duration_s": 0.1,
                 "http_status": status, "outcome": outcome, "entries_total": entries, "entries_new": 0,
                 "size_bytes": 100, "error": f"{outcome} <b>detail</b>" if outcome != "ok" else None,
                 "failed": failed}
            )
            if failed:
                streak, since = streak + 1, since or started
            elif outcome not in {"retry-later", "skipped-backoff"}:
                streak, since = 0, None
        states.append({"source_id": source, "consecutive_failures": streak, "failing_since": since,
                       "updated_at": AS_OF})
    return fetches, states


def build_crowd_warehouse(path: Path) -> Path:
    """A real warehouse file at `path` holding the crowd's rows; closed when returned."""
    return build_report_warehouse(path, crowd_tables())
