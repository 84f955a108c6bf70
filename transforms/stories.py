"""Group articles that carry the same story (wire copies, lightly edited rewrites) under one story id.

MinHash/LSH over word 5-shingles finds candidate pairs cheaply; each candidate is then confirmed with the exact
shingle Jaccard, relaxed when the normalised headlines agree. Articles are assigned in time order to the story of
their best match, so a chain of weak links cannot merge two stories. docs/extraction.md has the measurements.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from datasketch import MinHash, MinHashLSH

SHINGLE_WORDS = 5
PERMUTATIONS = 128
LSH_THRESHOLD = 0.2  # recall-oriented candidate search; the exact check below decides
SAME_TEXT = 0.45  # shingle Jaccard at which two texts are the same story whatever their headlines
SAME_TEXT_WITH_TITLE = 0.25  # shingle Jaccard enough when the headlines also agree
SAME_TITLE = 0.5  # Jaccard of normalised headline words
MAX_DAYS_APART = 4.0  # copies run within days; a later article repeating background is a new story
SEED = 1  # fixed so story ids never depend on the run

WORD = re.compile(r"\w+")
TITLE_NOISE = re.compile(r"\s+[-|\u2013\u2014:]\s+[^-|\u2013\u2014:]{1,40}$")  # " - latest", " | Outlet"
TITLE_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "as",
        "from",
        "after",
        "over",
        "is",
        "are",
        "was",
        "be",
        "will",
        "live",
        "latest",
        "explained",
        "update",
        "updated",
        "breaking",
        "watch",
        "video",
    }
)


@dataclass(frozen=True)
class StoryInput:
    """What story assignment needs to know about one article."""

    article_id: str
    title: str
    text: str
    published_at: datetime
    source_id: str


@dataclass(frozen=True)
class _Fingerprint:
    shingles: frozenset[str]
    title_words: frozenset[str]
    minhash: MinHash


def assign_stories(new: Sequence[StoryInput], recent: Sequence[tuple[StoryInput, str]]) -> dict[str, str]:
    """Map each new article id to the story id of its nearest earlier duplicate (stored or new), else its own id."""
    index = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=PERMUTATIONS)
    known: dict[str, tuple[StoryInput, _Fingerprint, str]] = {}
    for article, story_id in sorted(recent, key=lambda pair: _order(pair[0])):
        _remember(index, known, article, story_id)

    assigned: dict[str, str] = {}
    for article in sorted(new, key=_order):
        if article.article_id in known:  # already stored under a story: keep it
            assigned[article.article_id] = known[article.article_id][2]
            continue
        fingerprint = fingerprint_of(article)
        story_id = _best_match(article, fingerprint, index, known) or article.article_id
        assigned[article.article_id] = story_id
        _remember(index, known, article, story_id, fingerprint)
    return assigned


def fingerprint_of(article: StoryInput) -> _Fingerprint:
    shingles = shingles_of(article.text)
    minhash = MinHash(num_perm=PERMUTATIONS, seed=SEED)
    minhash.update_batch([shingle.encode() for shingle in sorted(shingles)])
    return _Fingerprint(shingles, title_words(article.title), minhash)


def shingles_of(text: str) -> frozenset[str]:
    """Overlapping runs of five lower-case words; a text shorter than that is one shingle."""
    words = WORD.findall(text.lower())
    if len(words) <= SHINGLE_WORDS:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1))


def title_words(title: str) -> frozenset[str]:
    """Headline words without case, outlet suffixes ("| Outlet", "- latest") or filler words."""
    stripped = TITLE_NOISE.sub("", title.strip())
    return frozenset(word for word in WORD.findall(stripped.lower()) if word not in TITLE_STOPWORDS)


def is_same_story(text_similarity: float, title_similarity: float) -> bool:
    """The decision rule, separate so the eval can report it: identical text, or similar text and headline."""
    if text_similarity >= SAME_TEXT:
        return True
    return text_similarity >= SAME_TEXT_WITH_TITLE and title_similarity >= SAME_TITLE


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _best_match(
    article: StoryInput,
    fingerprint: _Fingerprint,
    index: MinHashLSH,
    known: dict[str, tuple[StoryInput, _Fingerprint, str]],
) -> str | None:
    best: tuple[float, str] | None = None
    for candidate_id in sorted(index.query(fingerprint.minhash)):
        other, other_fingerprint, story_id = known[candidate_id]
        if abs((article.published_at - other.published_at).total_seconds()) > MAX_DAYS_APART * 86400:
            continue
        text_similarity = jaccard(fingerprint.shingles, other_fingerprint.shingles)
        title_similarity = jaccard(fingerprint.title_words, other_fingerprint.title_words)
        if is_same_story(text_similarity, title_similarity) and (best is None or text_similarity > best[0]):
            best = (text_similarity, story_id)
    return best[1] if best else None


def _remember(
    index: MinHashLSH,
    known: dict[str, tuple[StoryInput, _Fingerprint, str]],
    article: StoryInput,
    story_id: str,
    fingerprint: _Fingerprint | None = None,
) -> None:
    if article.article_id in known:
        return
    fingerprint = fingerprint or fingerprint_of(article)
    known[article.article_id] = (article, fingerprint, story_id)
    if fingerprint.shingles:
        index.insert(article.article_id, fingerprint.minhash)


def _order(article: StoryInput) -> tuple[datetime, str]:
    return (article.published_at, article.article_id)
