"""Typed records that cross stage boundaries.

Every loose structure from a library (feedparser's dicts, trafilatura's documents) becomes one of these at the
boundary, so later stages and the warehouse never guess at keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, with its link already canonicalised."""

    url: str
    guid: str | None
    title: str
    published_at: datetime | None  # timezone-aware UTC, or None when the feed gave no usable date
    summary: str
    language: str | None = None  # as the source declares it (a news sitemap's <news:language>), else None


@dataclass(frozen=True)
class ParsedFeed:
    """What a feed document yielded: its entries plus whether it was a clean feed, a damaged one or not a feed."""

    entries: tuple[FeedEntry, ...]
    outcome: str  # "ok", "parse-error" (damaged but maybe partly readable) or "not-a-feed"
    problem: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class StoryPrint:
    """An article text's near-duplicate fingerprint (transforms.stories.print_text), made once beside the text."""

    text_sha256: str  # the text it describes: a print made for another text is never used
    signature: bytes  # MinHash of the shingles, little-endian uint32s; stored as articles.story_signature
    shingles: bytes  # the distinct hashes of the text's word 5-shingles, sorted little-endian uint32s


@dataclass(frozen=True)
class ExtractedPage:
    """Clean article text and metadata taken from one HTML page."""

    text: str
    title: str | None
    author: str | None
    published_at: datetime | None
    site_name: str | None
    language: str | None
    canonical_url: str | None
    method: str  # "trafilatura", "fallback", "feed-summary" or "failed"
    quality: str  # "ok", "too-short", "paywall", "other-language" or "failed"
    error: str | None = None
    story_print: StoryPrint | None = None  # of the text the warehouse will store for this page (article_text)


@dataclass(frozen=True)
class Mention:
    """One occurrence of a tracked person in an article's text; offsets index that same text."""

    person_id: str
    matched_text: str
    kind: str  # "full", "honorific", "surname", "alias", "role" or "descriptor"
    sentence_index: int
    char_start: int
    char_end: int
    snippet: str


@dataclass(frozen=True)
class TopicMention:
    """One occurrence of a topic's term in an article's text."""

    topic_id: str
    matched_text: str
    sentence_index: int
    char_start: int
    char_end: int
    snippet: str


@dataclass(frozen=True)
class Quote:
    """Words an article presents in quotation marks as said or written by someone; offsets index the article text.

    person_id is a tracked person only when the speaker was resolved through the mention rules, else None.
    """

    person_id: str | None
    quote_text: str
    char_start: int
    char_end: int
    cue: str | None  # the speech cue as written: "said", "told", "wrote on X", "according to"
    speaker: str | None  # the words naming the speaker: "Mr Musk", "she", "a spokesman for the Prime Minister"
    attribution: str  # how the speaker was found: "cue", "pronoun", "continued" or "none"
    sentence_index: int
    quote_key: str  # the words folded (case, accents, punctuation), so one quote groups across outlets
