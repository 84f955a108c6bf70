"""A small warehouse for report tests: a Starmer surge on the run's day, Musk stories before it, a story picked up
by two outlets, an old story outside the default period, and hostile text from a feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from transforms.alerts import parse_alert_rules, rule_rows
from warehouse import database
from warehouse.loads import RunTables, load_run
from warehouse.rules import save_alert_rules

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)
RULES_FILE = Path(__file__).resolve().parents[2] / "seeds" / "alert_rules.csv"
HOSTILE_TITLE = "<script>alert(1)</script> Starmer under fire"
HOSTILE_SNIPPET = '<img src=x onerror="alert(3)"> Keir Starmer said nothing.'
HOSTILE_URL = "javascript:alert(2)"
OLD_TITLE = "Old story from before the period"
Row = dict[str, Any]


def article(article_id: str, published_at: datetime, source_id: str, *, story_id: str = "", title: str = "",
            url: str = "") -> Row:
    return {"article_id": article_id, "source_id": source_id,
            "url": url or f"https://{source_id}.example/{article_id}", "title": title or f"Headline {article_id}",
            "published_at": published_at, "first_seen_at": published_at, "text": f"Text of {article_id}.",
            "fetch_outcome": "ok", "extraction_method": "trafilatura", "quality": "ok",
            "story_id": story_id or article_id, "revision_count": 0, "run_id": "run-1"}


def mention(article_id: str, person_id: str, matched: str, snippet: str = "") -> Row:
    return {"article_id": article_id, "person_id": person_id, "char_start": 0, "char_end": len(matched),
            "matched_text": matched, "kind": "full", "sentence_index": 0,
            "snippet": snippet or f"{matched} was named in {article_id}.", "run_id": "run-1"}


def report_tables() -> RunTables:
    """The rows described in the module docstring, as one run."""
    stamp = {"updated_at": AS_OF}
    surge = [article(f"surge{hour}", datetime(2025, 1, 6, hour, tzinfo=UTC), "herald" if hour % 2 else "courier")
             for hour in range(8, 14)]
    musk = [article(f"musk{day}", datetime(2025, 1, day, 9, tzinfo=UTC), "courier") for day in range(1, 5)]
    articles = [
        article("h1", datetime(2025, 1, 3, 10, tzinfo=UTC), "herald", story_id="s1", title=HOSTILE_TITLE),
        article("c1", datetime(2025, 1, 3, 11, tzinfo=UTC), "courier", story_id="s1", title="Starmer under fire"),
        article("h2", datetime(2025, 1, 5, 9, tzinfo=UTC), "herald", title="Musk posts again", url=HOSTILE_URL),
        article("old1", datetime(2024, 12, 27, 9, tzinfo=UTC), "herald", title=OLD_TITLE),
        *surge,
        *musk,
    ]
    mentions = [
        mention("h1", "keir-starmer", "Keir Starmer", HOSTILE_SNIPPET),
        mention("h1", "elon-musk", "Elon Musk"),
        mention("c1", "keir-starmer", "Keir Starmer"),
        mention("h2", "elon-musk", "Elon Musk"),
        mention("old1", "jess-phillips", "Jess Phillips"),
        *[mention(row["article_id"], "keir-starmer", "Keir Starmer") for row in surge],
        *[mention(row["article_id"], "elon-musk", "Elon Musk") for row in musk],
    ]
    topic_mentions = [
        {"article_id": row["article_id"], "topic_id": "nhs", "char_start": 20, "char_end": 23, "matched_text": "NHS",
         "sentence_index": 0, "snippet": "The NHS plan.", "run_id": "run-1"}
        for row in surge
    ]
    fetches = [
        {"run_id": "run-1", "source_id": "herald", "started_at": AS_OF, "duration_s": 0.1, "http_status": 200,
         "outcome": "ok", "entries_total": 5, "entries_new": 5, "size_bytes": 100, "error": None},
        {"run_id": "run-1", "source_id": "courier", "started_at": AS_OF, "duration_s": 0.1, "http_status": 404,
         "outcome": "http-4xx", "entries_total": 0, "entries_new": 0, "size_bytes": 0, "error": "<b>gone</b>"},
    ]
    feed_state = [
        {"source_id": "herald", "consecutive_failures": 0, "failing_since": None, "updated_at": AS_OF},
        {"source_id": "courier", "consecutive_failures": 1, "failing_since": AS_OF, "updated_at": AS_OF},
    ]
    runs = [{"run_id": "run-1", "started_at": AS_OF, "finished_at": AS_OF + timedelta(minutes=2),
             "status": "completed", "mode": "demo", "as_of": AS_OF, "feeds_total": 2, "feeds_failed": 1,
             "entries_seen": 5, "articles_new": len(articles), "articles_failed": 0, "mentions_new": len(mentions),
             "topic_mentions_new": len(topic_mentions), "alerts_fired": 0, "load_method": "direct", "error": None}]
    frames = {
        "sources": pl.DataFrame([
            {"source_id": "herald", "name": "The Herald", "feed_url": "https://herald.example/feed",
             "respect_robots": True, **stamp},
            {"source_id": "courier", "name": "The Courier", "feed_url": "https://courier.example/feed",
             "respect_robots": True, **stamp},
        ]),
        "people": pl.DataFrame([
            {"person_id": "keir-starmer", "name": "Keir Starmer", **stamp},
            {"person_id": "elon-musk", "name": "Elon Musk", **stamp},
            {"person_id": "jess-phillips", "name": "Jess Phillips", **stamp},
        ]),
        "topics": pl.DataFrame([{"topic_id": "nhs", "name": "NHS", **stamp}]),
        "articles": pl.DataFrame(articles),
        "mentions": pl.DataFrame(mentions),
        "topic_mentions": pl.DataFrame(topic_mentions),
        "feed_fetches": pl.DataFrame(fetches, schema_overrides={"http_status": pl.Int32(), "error": pl.String()}),
        "feed_state": pl.DataFrame(feed_state, schema_overrides={"failing_since": pl.Datetime("us", "UTC")}),
        "runs": pl.DataFrame(runs, schema_overrides={"error": pl.String()}),
    }
    return RunTables.from_frames(frames)


def store_shipped_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Store seeds/alert_rules.csv as a run's alert stage does, so the views judge by the shipped thresholds."""
    save_alert_rules(con, rule_rows(parse_alert_rules(RULES_FILE.read_text(encoding="utf-8")), AS_OF))


def build_report_warehouse(path: Path, tables: RunTables | None = None) -> Path:
    """A real warehouse file at `path` holding the report rows (or the given tables) and the shipped alert rules."""
    with database.opened(path) as con:
        load_run(con, report_tables() if tables is None else tables)
        store_shipped_rules(con)
    return path
