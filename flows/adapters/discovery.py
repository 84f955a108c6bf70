"""Finding and probing sources through the guarded client: `presswatch feeds add` and `presswatch check --online`.

Each address is fetched once and judged by the same code a run uses (`fetching.read_fetched`), so what discovery
reports as a feed with 25 items is what the next run will read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from flows.adapters.fetching import isolated, read_fetched
from flows.adapters.http import FetchSettings, GuardedClient, UrlGuard, decode_html, run_async
from transforms.discovery import advertised_feeds, common_feed_urls, page_name
from transforms.feed_state import FeedFetch, FeedSource, FeedState
from transforms.sitemaps import choose_sitemaps, robots_sitemaps

SOURCE_DOCUMENTS = frozenset({"feed", "sitemap", "sitemap-index", "robots"})
MAX_ROBOTS_SITEMAPS = 5
FOUND_ITSELF = "the address itself"
FOUND_ADVERTISED = "advertised by the page"
FOUND_ROBOTS = "robots.txt Sitemap line"
FOUND_USUAL = "usual address"


@dataclass(frozen=True)
class Probe:
    """One address fetched once: what it is and, for a web page, its name and the feeds it advertises."""

    url: str
    fetch: FeedFetch
    page_name: str | None = None
    advertised: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """feed, sitemap, sitemap-index, robots, html, or unreachable."""
        if self.fetch.document:
            return self.fetch.document
        return "unreachable" if self.fetch.failed else "unknown"

    @property
    def items(self) -> int:
        return len(self.fetch.entries)

    @property
    def newest(self) -> datetime | None:
        dates = [entry.published_at for entry in self.fetch.entries if entry.published_at is not None]
        return max(dates) if dates else None

    @property
    def usable(self) -> bool:
        """Whether a feeds row naming this address would yield entries the way it answered now."""
        return self.fetch.document in SOURCE_DOCUMENTS and not self.fetch.failed


@dataclass(frozen=True)
class Candidate:
    """A source found for an outlet, how it was found, and what reading it gave."""

    probe: Probe
    found_by: str

    @property
    def url(self) -> str:
        return self.probe.url


@dataclass(frozen=True)
class Discovery:
    """What an outlet's address led to."""

    start: Probe
    candidates: tuple[Candidate, ...]


def discovery_settings(settings: FetchSettings) -> FetchSettings:
    """Discovery asks a few addresses of one site in a row, politely spaced like feed polls."""
    return replace(settings, per_host_delay_s=min(settings.per_host_delay_s, settings.feed_per_host_delay_s))


def discover(url: str, *, settings: FetchSettings, now: datetime, guard: UrlGuard | None = None) -> Discovery:
    """The feeds and news sitemaps an outlet's home or section page leads to, usable ones first, newest first.

    A feed or sitemap address is its own candidate. For a web page: the feeds it advertises, the sitemaps its
    site's robots.txt names (news ones first, at most five), and, when the page advertises nothing, the usual
    addresses (`/feed`, `/rss.xml`, `/news-sitemap.xml`, ...), of which only those that answer are kept.
    """
    guard = guard or UrlGuard([url])

    async def run() -> Discovery:
        async with GuardedClient(discovery_settings(settings), guard) as client:
            start = await _probe(client, url, now)
            if start.kind in SOURCE_DOCUMENTS:
                return Discovery(start, (Candidate(start, FOUND_ITSELF),))
            if start.kind != "html":
                return Discovery(start, ())
            found = [(address, FOUND_ADVERTISED) for address in start.advertised]
            found += [(address, FOUND_ROBOTS) for address in await _robots_sitemaps(client, url, now)]
            if not start.advertised:
                found += [(address, FOUND_USUAL) for address in common_feed_urls(url)]
            unique = list(dict.fromkeys(address for address, _ in found))
            how = {address: why for address, why in reversed(found)}
            probes = await asyncio.gather(*(_probe(client, address, now) for address in unique))
            candidates = [
                Candidate(probe, how[probe.url])
                for probe in probes
                if probe.usable or how[probe.url] != FOUND_USUAL  # a missing usual address is no news
            ]
            return Discovery(start, tuple(sorted(candidates, key=_rank)))

    return run_async(run)


def probe_sources(sources: Sequence[FeedSource], *, settings: FetchSettings, now: datetime) -> list[Probe]:
    """Each feeds row fetched once and judged as a run would, for `presswatch check --online`."""
    guard = UrlGuard(source.feed_url for source in sources)

    async def run() -> list[Probe]:
        async with GuardedClient(discovery_settings(settings), guard) as client:
            return list(await asyncio.gather(*(_probe(client, source.feed_url, now) for source in sources)))

    return run_async(run)


async def _probe(client: GuardedClient, url: str, now: datetime) -> Probe:
    result = await client.fetch(url, kind="feed")
    source, state = FeedSource("probe", url, url), FeedState("probe")
    fetch = await isolated(source, state, now, read_fetched(client, source, state, result, now))
    if fetch.document != "html":
        return Probe(url, fetch)
    page = decode_html(result.body, result.content_type)
    return Probe(url, fetch, page_name(page), advertised_feeds(page, base_url=result.final_url))


async def _robots_sitemaps(client: GuardedClient, url: str, now: datetime) -> list[str]:
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/robots.txt"
    result = await client.fetch(robots_url, kind="robots")
    if result.outcome != "ok" or result.status != 200:
        return []
    links = robots_sitemaps(result.body[:500_000].decode("utf-8", "replace"), base_url=robots_url)
    chosen, _ = choose_sitemaps(links, now=now, window=None, limit=MAX_ROBOTS_SITEMAPS)
    return [link.url for link in chosen]


def _rank(candidate: Candidate) -> tuple[bool, float, int]:
    newest = candidate.probe.newest
    return (not candidate.probe.usable, -(newest.timestamp() if newest else 0.0), -candidate.probe.items)
