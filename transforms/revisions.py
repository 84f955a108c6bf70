"""Which feed entries a run fetches: the new ones, and stored ones whose headline the feed has changed.

Pure: the entries of every feed (in the feeds file's order) and what the warehouse knows of their URLs in, the
picked entries out, so the rule is tested without a run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from transforms.records import FeedEntry


@dataclass(frozen=True)
class StoredArticle:
    """What the warehouse holds for a URL: the article's id, the feed's headline when it was stored, revisions, and
    when it was first seen (a revision keeps that time)."""

    article_id: str
    feed_title: str | None
    revision_count: int = 0
    first_seen_at: datetime | None = None


@dataclass(frozen=True)
class NewEntry:
    """A feed entry picked for fetching: never seen, or seen with a changed headline (a revision)."""

    source_id: str
    entry: FeedEntry
    known_article_id: str | None = None
    revision_count: int = 0
    first_seen_at: datetime | None = None  # a revision's: when the article was first seen


def first_entry_per_url(feeds: Sequence[tuple[str, Sequence[FeedEntry]]]) -> dict[str, tuple[str, FeedEntry]]:
    """Each URL once, with the feed that listed it first: an article syndicated to two feeds belongs to one."""
    first: dict[str, tuple[str, FeedEntry]] = {}
    for source_id, entries in feeds:
        for entry in entries:
            first.setdefault(entry.url, (source_id, entry))
    return first


def pick_new_entries(
    first_by_url: Mapping[str, tuple[str, FeedEntry]], stored: Mapping[str, StoredArticle]
) -> list[NewEntry]:
    """Entries whose URL was never stored, plus stored ones whose feed headline changed (a revision).

    Only the feed's own headline counts: outlets title their pages differently from their feed items, so comparing
    with the page's title would refetch such an article every time its feed changed.
    """
    picked = []
    for url, (source_id, entry) in first_by_url.items():
        known = stored.get(url)
        if known is None:
            picked.append(NewEntry(source_id=source_id, entry=entry))
        elif headline_changed(entry.title, known):
            picked.append(
                NewEntry(
                    source_id=source_id,
                    entry=entry,
                    known_article_id=known.article_id,
                    revision_count=known.revision_count + 1,
                    first_seen_at=known.first_seen_at,
                )
            )
    return picked


def headline_changed(feed_title: str | None, known: StoredArticle) -> bool:
    """Whether a feed's headline for a stored article differs from the stored one (a revision); without either
    headline there is nothing to compare, so the article is known as stored."""
    return bool(feed_title and known.feed_title and feed_title.strip() != known.feed_title.strip())
