"""The quote stage's I/O: the team's speech cues file and rows for the quotes table.

Extraction itself is pure (transforms/quotes.py); the detect stage (flows/stages.py) runs it on the mentions it
already found, so quotes cost no second pass of the mention detector.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from transforms.identity import quote_id_for
from transforms.quotes import SpeechCues, parse_speech_cues
from transforms.records import Quote
from transforms.watchlist import SeedError

if TYPE_CHECKING:
    from transforms.run_rows import ArticleRecord

CUES_FILE = "speech_cues.csv"
SHIPPED_CUES = Path(__file__).resolve().parent.parent / "seeds" / CUES_FILE
QUOTE_SCHEMA = {
    "quote_id": pl.String,
    "article_id": pl.String,
    "person_id": pl.String,
    "quote_text": pl.String,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "cue": pl.String,
    "speaker": pl.String,
    "attribution": pl.String,
    "sentence_index": pl.Int32,
    "quote_key": pl.String,
    "run_id": pl.String,
}


def load_speech_cues(seeds_dir: Path | None = None) -> SpeechCues:
    """The cues in the seeds folder's speech_cues.csv; a folder without one gets the shipped list."""
    path = seeds_dir / CUES_FILE if seeds_dir is not None else SHIPPED_CUES
    if not path.is_file():
        path = SHIPPED_CUES
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SeedError(f"{path.parent.name}/{CUES_FILE}", None, f"not UTF-8 text ({error.reason})") from None
    return parse_speech_cues(text, file=f"{path.parent.name}/{CUES_FILE}")


def quote_rows(article_id: str, quotes: Sequence[Quote], run_id: str) -> list[dict[str, object]]:
    """Rows for the quotes table: the record's fields, the article and a stable id."""
    return [
        {
            "quote_id": quote_id_for(article_id, quote.char_start, quote.char_end),
            "article_id": article_id,
            "person_id": quote.person_id,
            "quote_text": quote.quote_text,
            "char_start": quote.char_start,
            "char_end": quote.char_end,
            "cue": quote.cue,
            "speaker": quote.speaker,
            "attribution": quote.attribution,
            "sentence_index": quote.sentence_index,
            "quote_key": quote.quote_key,
            "run_id": run_id,
        }
        for quote in quotes
    ]


def quotes_frame(rows: Sequence[dict[str, object]]) -> pl.DataFrame:
    """The quotes table's rows as one frame with fixed types (a run may hold no attributed quote at all)."""
    return pl.DataFrame(list(rows), schema=QUOTE_SCHEMA)


def quotes_table(articles: Sequence[ArticleRecord], run_id: str) -> pl.DataFrame:
    """The quotes of this run's articles, as the quotes table's rows."""
    return quotes_frame([row for article in articles for row in quote_rows(article.article_id, article.quotes, run_id)])
