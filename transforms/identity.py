"""Stable identifiers derived from natural keys, so a re-run or retry produces the same keys and upserts."""

from __future__ import annotations

import hashlib


def article_id_for(canonical_url: str) -> str:
    """An article's id: a short hash of its canonical URL (the same story URL in two feeds is one article)."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:20]


def text_digest(text: str) -> str:
    """A digest of article text, used to notice revisions."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def alert_id_for(rule: str, subject: str, window_start: str) -> str:
    """An alert's id from rule, subject and window: the same alert cannot be stored or sent twice."""
    return hashlib.sha256(f"{rule}|{subject}|{window_start}".encode()).hexdigest()[:20]


def quote_id_for(article_id: str, char_start: int, char_end: int) -> str:
    """A quote's id from its article and offsets: re-deriving the same article gives the same ids."""
    return hashlib.sha256(f"{article_id}|{char_start}|{char_end}".encode()).hexdigest()[:20]


def quote_key_digest(quote_key: str) -> str:
    """A short digest of a quote's folded words, to name one quote in an alert (SQL: left(sha256(key), 12))."""
    return hashlib.sha256(quote_key.encode("utf-8")).hexdigest()[:12]
