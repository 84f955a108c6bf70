"""Small row builders for warehouse tests: only the columns a test cares about, the rest filled sensibly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from warehouse.loads import RunTables

AS_OF = datetime(2025, 1, 6, 12, tzinfo=UTC)
Row = dict[str, Any]


def source(source_id: str, name: str) -> Row:
    return {"source_id": source_id, "name": name, "feed_url": f"https://{source_id}.example/feed",
            "respect_robots": True, "updated_at": AS_OF}


def article(article_id: str, published_at: datetime, *, source_id: str = "herald", story_id: str | None = None,
            first_seen_at: datetime = AS_OF, run_id: str = "run-1") -> Row:
    return {"article_id": article_id, "source_id": source_id, "url": f"https://{source_id}.example/{article_id}",
            "title": f"Headline {article_id}", "published_at": published_at, "first_seen_at": first_seen_at,
            "text": f"Full text of {article_id}.", "fetch_outcome": "ok", "extraction_method": "trafilatura",
            "quality": "ok", "story_id": story_id or article_id, "revision_count": 0, "run_id": run_id}


def mention(article_id: str, person_id: str, start: int, *, sentence: int = 0, kind: str = "full",
            run_id: str = "run-1") -> Row:
    return {"article_id": article_id, "person_id": person_id, "char_start": start, "char_end": start + 5,
            "matched_text": person_id.split("-")[-1].title(), "kind": kind, "sentence_index": sentence,
            "snippet": f"Sentence {sentence} of {article_id}.", "run_id": run_id}


def topic_mention(article_id: str, topic_id: str, start: int, *, sentence: int = 0, run_id: str = "run-1") -> Row:
    return {"article_id": article_id, "topic_id": topic_id, "char_start": start, "char_end": start + 3,
            "matched_text": topic_id, "sentence_index": sentence, "snippet": f"Sentence {sentence}.",
            "run_id": run_id}


def fetch(run_id: str, source_id: str, started_at: datetime, outcome: str, *, http_status: int | None = None,
          entries_total: int = 0) -> Row:
    return {"run_id": run_id, "source_id": source_id, "started_at": started_at, "duration_s": 0.1,
            "http_status": http_status, "outcome": outcome, "entries_total": entries_total, "entries_new": 0,
            "size_bytes": 100, "error": None if outcome in {"ok", "unchanged"} else f"{outcome} happened"}


def feed_state(source_id: str, failures: int = 0, failing_since: datetime | None = None) -> Row:
    """A feed's stored state as the fetch layer leaves it: failures in a row and since when."""
    return {"source_id": source_id, "consecutive_failures": failures, "failing_since": failing_since,
            "validators_trusted": True, "updated_at": AS_OF}


def run(run_id: str, as_of: datetime, *, status: str = "completed", minutes: int = 2) -> Row:
    return {"run_id": run_id, "started_at": as_of, "finished_at": as_of + timedelta(minutes=minutes),
            "status": status, "mode": "demo", "as_of": as_of, "feeds_total": 2, "feeds_failed": 0,
            "entries_seen": 4, "articles_new": 2, "articles_failed": 0, "mentions_new": 3,
            "topic_mentions_new": 1, "alerts_fired": 0, "load_method": "direct", "error": None}


def frame(rows: list[Row], **schema: pl.DataType) -> pl.DataFrame:
    return pl.DataFrame(rows, schema_overrides=schema) if rows else pl.DataFrame()


def run_tables(**tables: list[Row]) -> RunTables:
    """RunTables from lists of rows; tables not named are empty."""
    overrides: dict[str, dict[str, pl.DataType]] = {
        "feed_fetches": {"http_status": pl.Int32(), "error": pl.String()},
        "runs": {"error": pl.String()},
        "feed_state": {"failing_since": pl.Datetime("us", "UTC")},
    }
    return RunTables.from_frames({name: frame(rows, **overrides.get(name, {})) for name, rows in tables.items()})


def mention_rows(count: int, *, articles: int = 50, run_id: str = "run-1") -> RunTables:
    """A run with `count` mentions spread over `articles` articles, for exact-count checks."""
    article_rows = [article(f"a{index}", AS_OF - timedelta(hours=index), run_id=run_id) for index in range(articles)]
    mentions = [mention(f"a{index % articles}", "keir-starmer", index, run_id=run_id) for index in range(count)]
    return run_tables(sources=[source("herald", "Herald")], articles=article_rows, mentions=mentions,
                      runs=[run(run_id, AS_OF)])
