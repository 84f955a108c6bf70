"""A small warehouse of quotes for the report, view and alert tests. TEST TEXT: the people, outlets and quoted words
are fictional (the eval watchlist's Helena Marsh and Tobias Wren).

- One quote of Helena Marsh run by three outlets on the clock's day, the third without naming her.
- An older quote of hers in the report period, and one before it.
- A quote of Tobias Wren with hostile text and a link that is not http(s).
- "Yes." from Tobias Wren in two outlets: too short to group across outlets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from flows.quoting import quotes_frame
from transforms.identity import quote_id_for
from transforms.quotes import quote_key
from warehouse import database
from warehouse.loads import RunTables, load_run

AS_OF = datetime(2031, 3, 6, 21, tzinfo=UTC)
PICKED_UP = "We will not be bullied by anyone, not by the markets and not by the press."
OLDER = "Every child in this country deserves better than a statistic."
BEFORE_PERIOD = "This quote ran before the report period began."
HOSTILE_QUOTE = "<script>alert(1)</script> We will act on the railways now."
HOSTILE_URL = "javascript:alert(2)"
OUTLETS = {"herald": "The Herald", "courier": "The Courier", "wire": "Wire Service"}
Row = dict[str, Any]


def article(article_id: str, source_id: str, published_at: datetime, quoted: str, url: str = "") -> Row:
    return {
        "article_id": article_id, "source_id": source_id, "url": url or f"https://{source_id}.example/{article_id}",
        "title": f"Headline {article_id}", "published_at": published_at, "first_seen_at": published_at,
        "text": f"Headline {article_id}\n\n‘{quoted}’ she said.", "fetch_outcome": "ok",
        "extraction_method": "trafilatura", "quality": "ok", "story_id": article_id, "revision_count": 0,
        "run_id": "run-1",
    }  # fmt: skip


def quote(article_id: str, person_id: str | None, quoted: str) -> Row:
    start = len(f"Headline {article_id}\n\n‘")
    return {
        "quote_id": quote_id_for(article_id, start, start + len(quoted)), "article_id": article_id,
        "person_id": person_id, "quote_text": quoted, "char_start": start, "char_end": start + len(quoted),
        "cue": "said", "speaker": "she", "attribution": "pronoun" if person_id else "none", "sentence_index": 1,
        "quote_key": quote_key(quoted), "run_id": "run-1",
    }  # fmt: skip


def quote_tables(as_of: datetime = AS_OF) -> RunTables:
    """The rows described in the module docstring, as one run whose clock is as_of."""
    day = as_of.replace(hour=0)
    stamp = {"updated_at": as_of}
    placed = [
        ("m1", "herald", day + timedelta(hours=8), "helena-marsh", PICKED_UP, ""),
        ("m2", "courier", day + timedelta(hours=10), "helena-marsh", PICKED_UP, ""),
        ("m3", "wire", day + timedelta(hours=12), None, PICKED_UP, ""),
        ("m4", "herald", day - timedelta(days=4), "helena-marsh", OLDER, ""),
        ("m5", "herald", day - timedelta(days=14), "helena-marsh", BEFORE_PERIOD, ""),
        ("w1", "courier", day - timedelta(days=1), "tobias-wren", HOSTILE_QUOTE, HOSTILE_URL),
        ("w2", "herald", day - timedelta(hours=5), "tobias-wren", "Yes.", ""),
        ("w3", "courier", day - timedelta(hours=4), "tobias-wren", "Yes.", ""),
    ]
    sources = [
        {"source_id": source, "name": name, "feed_url": f"https://{source}.example/feed", "respect_robots": True,
         **stamp}
        for source, name in OUTLETS.items()
    ]  # fmt: skip
    people = [
        {"person_id": "helena-marsh", "name": "Helena Marsh", **stamp},
        {"person_id": "tobias-wren", "name": "Tobias Wren", **stamp},
    ]
    runs = [
        {"run_id": "run-1", "started_at": as_of, "finished_at": as_of, "status": "completed", "mode": "live",
         "as_of": as_of, "load_method": "direct"}
    ]  # fmt: skip
    frames = {
        "sources": pl.DataFrame(sources),
        "people": pl.DataFrame(people),
        "articles": pl.DataFrame([article(aid, source, when, text, url) for aid, source, when, _, text, url in placed]),
        "quotes": quotes_frame([quote(aid, person, text) for aid, _, _, person, text, _ in placed]),
        "runs": pl.DataFrame(runs),
    }
    return RunTables.from_frames(frames)


def build_quote_warehouse(path: Path, as_of: datetime = AS_OF) -> Path:
    """A real warehouse file at path holding the quote rows; closed when returned."""
    with database.opened(path) as con:
        load_run(con, quote_tables(as_of))
    return path
