"""Finding and probing sources through the guarded client: `presswatch feeds add` and `presswatch check --online`.

Each address is fetched once and judged by the same code a run uses (`fetching.read_fetched`), so what discovery
reports as a feed with 25 items is what the next run will read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from flows.adapters.fetching import failed_fetch, isolated, read_fetched
from flows.adapters.http import FetchSettings, GuardedClient, UrlGuard, decode_html, run_async
from transforms.discovery import advertised_feeds, common_feed_urls, page_name
from transforms.feed_state import FeedFetch, FeedSource, FeedState
from transforms.sitemaps import choose_sitemaps, robots_sitemaps

SOURCE_DOCUMENTS = frozenset({"feed", "sitemap", "sitemap-index", "robots"})
MAX_ROBOTS_SITEMAPS = 5
# A page may advertise thousands of feeds: probe at most this many (its own site's first), within this time.
MAX_PROBED = 20
PROBING_DEADLINE_S = 60.0
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
    not_probed: str | None = None  # the addresses found but left unprobed, and why, in one line


def discovery_settings(settings: FetchSettings) -> FetchSettings:
    """Discovery asks a few addresses of one site in a row, politely spaced like feed polls."""
    return replace(settings, per_host_delay_s=min(settings.per_host_delay_s, settings.feed_per_host_delay_s))


def discover(
    url: str,
    *,
    settings: FetchSettings,
    now: datetime,
    guard: UrlGuard | None = None,
    deadline_s: float = PROBING_DEADLINE_S,
) -> Discovery:
    """The feeds and news sitemaps an outlet's home or section page leads to, usable ones first, newest first.

    A feed or sitemap address is its own candidate. For a web page: the feeds it advertises, the sitemaps its
    site's robots.txt names (news ones first, at most five), and, when the page advertises nothing, the usual
    addresses (`/feed`, `/rss.xml`, `/news-sitemap.xml`, ...), of which only those that answer are kept. At most
    MAX_PROBED addresses are probed, those on the page's own site first, and only within `deadline_s` seconds
    of the start; `not_probed` says how many were left and why.
    """
    guard = guard or UrlGuard([url], named_by="the address given")

    async def run() -> Discovery:
        deadline = asyncio.get_running_loop().time() + deadline_s
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
            unique = _own_site_first(dict.fromkeys(address for address, _ in found), url)
            how = {address: why for address, why in reversed(found)}
            chosen, skipped = unique[:MAX_PROBED], len(unique) - MAX_PROBED
            probes, late = await _probe_until(client, chosen, now, deadline)
            candidates = [
                Candidate(probe, how[probe.url])
                for probe in probes
                if probe.usable or how[probe.url] != FOUND_USUAL  # a missing usual address is no news
            ]
            notes = []
            if skipped > 0:
                notes.append(f"{skipped} more address(es) not probed (at most {MAX_PROBED}, the page's own site first)")
            if late:
                notes.append(f"{late} address(es) not probed within {deadline_s:g} s")
            return Discovery(start, tuple(sorted(candidates, key=_rank)), "; ".join(notes) or None)

    return run_async(run)


def _own_site_first(addresses: Iterable[str], page_url: str) -> list[str]:
    """The addresses in page order, those on the page's host (with or without www.) before the others."""
    host = (urlsplit(page_url).hostname or "").removeprefix("www.")
    ordered = list(addresses)
    return sorted(ordered, key=lambda address: (urlsplit(address).hostname or "").removeprefix("www.") != host)


async def _probe_until(
    client: GuardedClient, addresses: Sequence[str], now: datetime, deadline: float
) -> tuple[list[Probe], int]:
    """The probes finished by `deadline` (loop time), in address order, and how many were cancelled at it."""
    if not addresses:
        return [], 0
    tasks = [asyncio.ensure_future(_probe(client, address, now)) for address in addresses]
    remaining = max(deadline - asyncio.get_running_loop().time(), 0.0)
    _, pending = await asyncio.wait(tasks, timeout=remaining)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    probes = []
    for address, task in zip(addresses, tasks, strict=True):
        if task in pending:
            continue
        error = task.exception()
        if error is None:
            probes.append(task.result())
        else:  # one address's failure is its own line, never the command's
            source = FeedSource("probe", address, address)
            probes.append(Probe(address, failed_fetch(source, FeedState("probe"), now, error)))
    return probes, len(pending)


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
