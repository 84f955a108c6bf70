"""What a feed fetch found and what a feed carries from one run to the next: the records the fetch layer returns,
the one rule for whether a fetch counts as a failure, and feed_state's stored sitemaps as JSON. Pure data, so the
rows built from it (transforms/run_rows.py) are tested without a network."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from transforms.records import FeedEntry
from transforms.sitemaps import parse_w3c_datetime

HEALTHY_OUTCOMES = frozenset({"ok", "not-modified", "unchanged"})
# A pause the host asked for, or our own back-off: the feed was not really asked, so it neither failed nor worked.
NOT_ATTEMPTED_OUTCOMES = frozenset({"retry-later", "skipped-backoff"})


def is_feed_failure(outcome: str, *, has_entries: bool) -> bool:
    """The one rule for whether a fetch counts against its feed (back-off, health, the run's failed count)."""
    if outcome in HEALTHY_OUTCOMES or outcome in NOT_ATTEMPTED_OUTCOMES:
        return False
    # A damaged feed that still yields entries is working; one that yields nothing is failing.
    return not (outcome == "parse-error" and has_entries)


@dataclass(frozen=True)
class FeedSource:
    """One feed from the operator's feeds file."""

    source_id: str
    name: str
    feed_url: str
    respect_robots: bool = True


@dataclass(frozen=True)
class SitemapState:
    """A sitemap read below a sitemap index (or a robots.txt): its lastmod in the index and its validators."""

    url: str
    lastmod: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None


@dataclass(frozen=True)
class FeedState:
    """What a feed's previous fetches left behind: validators, body hash, and its failure streak.

    For a sitemap index, `sitemaps` are the sitemaps it named that were read last time, so a 304 for the
    index still lets this run read them (with their own validators).
    """

    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    validators_trusted: bool = True
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    next_attempt_at: datetime | None = None
    last_full_fetch_at: datetime | None = None
    sitemaps: tuple[SitemapState, ...] = ()


def sitemaps_to_json(sitemaps: Sequence[SitemapState]) -> str | None:
    """The sitemaps of a feed's state as the JSON text stored in feed_state.sitemaps (None when there are none)."""
    if not sitemaps:
        return None
    return json.dumps(
        [
            {
                "url": item.url,
                "lastmod": item.lastmod.isoformat() if item.lastmod else None,
                "etag": item.etag,
                "last_modified": item.last_modified,
                "body_sha256": item.body_sha256,
            }
            for item in sitemaps
        ]
    )


def sitemaps_from_json(text: str | None) -> tuple[SitemapState, ...]:
    """The stored sitemaps back from feed_state.sitemaps; anything unreadable is forgotten (they are re-read)."""
    try:
        rows = json.loads(text) if text else []
        return tuple(
            SitemapState(
                url=str(row["url"]),
                lastmod=parse_w3c_datetime(row.get("lastmod") or ""),
                etag=row.get("etag"),
                last_modified=row.get("last_modified"),
                body_sha256=row.get("body_sha256"),
            )
            for row in rows
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return ()


@dataclass(frozen=True)
class FeedFetch:
    """One feed fetch, as recorded in feed_fetches, with the state to store for next time."""

    source_id: str
    started_at: datetime
    duration_s: float
    http_status: int | None
    outcome: str  # FetchResult outcomes, parse-error, not-a-feed, unchanged or skipped-backoff
    entries: tuple[FeedEntry, ...]
    size_bytes: int
    error: str | None
    state: FeedState
    # What the document was: "feed", "sitemap", "sitemap-index", "robots" (a robots.txt naming sitemaps),
    # "html" (a web page), or "" when nothing was read.
    document: str = ""
    title: str | None = None  # the feed's own title, when it has one

    @property
    def failed(self) -> bool:
        return is_feed_failure(self.outcome, has_entries=bool(self.entries))
