"""Feed and article-page fetching: conditional GET, feed health, backoff, robots.txt, politeness.

One cohesive module (about 450 lines): feeds, news sitemaps and pages share the conditional-GET and back-off
bookkeeping; the records it returns and the failure rule are pure and live in transforms/feed_state.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from protego import Protego

from flows.adapters.http import (
    DeadlineReached,
    FetchResult,
    FetchSettings,
    GuardedClient,
    UrlGuard,
    run_async,
    scrubbed,
)
from transforms.backoff import next_attempt_at
from transforms.feed_state import FeedFetch, FeedSource, FeedState, SitemapState, is_feed_failure
from transforms.feeds import parse_feed, root_element
from transforms.records import FeedEntry
from transforms.sitemaps import (
    MAX_CHILD_SITEMAPS,
    ParsedSitemap,
    SitemapLink,
    choose_sitemaps,
    document_kind,
    gunzip_capped,
    parse_sitemap,
    robots_sitemaps,
)
from transforms.urls import redact_credentials

ROBOTS_MAX_BYTES = 500_000


@dataclass(frozen=True)
class PageFetch:
    """One article page request, keyed by the URL the caller asked for."""

    url: str
    result: FetchResult


def fetch_feeds(
    sources: Sequence[FeedSource],
    states: Mapping[str, FeedState],
    *,
    settings: FetchSettings,
    guard: UrlGuard,
    now: datetime,
) -> list[FeedFetch]:
    """Fetch every feed concurrently (per-host caps apply); one FeedFetch per source, in input order."""
    feed_settings = replace(settings, per_host_delay_s=min(settings.per_host_delay_s, settings.feed_per_host_delay_s))

    async def run() -> list[FeedFetch]:
        async with GuardedClient(feed_settings, guard) as client:
            tasks = []
            for source in sources:
                state = states.get(source.source_id) or FeedState(source.source_id)
                tasks.append(isolated(source, state, now, _fetch_feed(client, source, state, now)))
            return list(await asyncio.gather(*tasks))

    return run_async(run)


async def isolated(source: FeedSource, state: FeedState, now: datetime, work: Awaitable[FeedFetch]) -> FeedFetch:
    """`work`'s fetch, or, when reading this source raised, the source's own failed fetch saying why.

    A source is its own failure domain: whatever its document makes our code or a parser raise is recorded as
    its parse-error (so back-off applies and feed health shows it) and the other sources of the run go on.
    """
    try:
        return await work
    except Exception as error:
        return failed_fetch(source, state, now, error)


def failed_fetch(source: FeedSource, state: FeedState, now: datetime, error: BaseException) -> FeedFetch:
    """The source's parse-error fetch for an exception its reading raised, counted as a failure."""
    reason = f"could not read this source: {type(error).__name__}: {error}"[:500]
    result = FetchResult(source.feed_url, source.feed_url, None, "parse-error", started_at=now)
    failed = _health(state, failed=True, now=now, retry_after_s=None)
    return _fetch(source, result, "parse-error", (), reason, failed)


async def _fetch_feed(client: GuardedClient, source: FeedSource, state: FeedState, now: datetime) -> FeedFetch:
    if state.next_attempt_at is not None and state.next_attempt_at > now:
        return FeedFetch(
            source.source_id,
            now,
            0.0,
            None,
            "skipped-backoff",
            (),
            0,
            f"backing off until {state.next_attempt_at.isoformat()}",
            state,
        )
    settings = client.settings
    audit_due = state.last_full_fetch_at is None or (
        now - state.last_full_fetch_at >= timedelta(seconds=settings.full_fetch_interval_s)
    )
    result = await client.fetch(source.feed_url, kind="feed", headers=_validators(state))
    full_fetch = not _validators(state)
    note: str | None = None
    if result.outcome == "not-modified" and audit_due and not full_fetch:
        # Audit the 304 at once: if the full body differs from what we hold, the server's validators lie.
        audit = await client.fetch(source.feed_url, kind="feed")
        if audit.outcome == "ok" and state.body_sha256 and _sha256(audit.body) != state.body_sha256:
            state = replace(state, validators_trusted=False)
            note = "server answered 304 although the feed changed: validators ignored from now on"
            result = replace(audit, duration_s=result.duration_s + audit.duration_s)
        elif audit.outcome == "ok":
            state = replace(state, last_full_fetch_at=now)
        full_fetch = audit.outcome == "ok" and note is not None
    return await read_fetched(client, source, state, result, now, full_fetch=full_fetch, note=note)


async def read_fetched(
    client: GuardedClient,
    source: FeedSource,
    state: FeedState,
    result: FetchResult,
    now: datetime,
    *,
    full_fetch: bool = True,
    note: str | None = None,
) -> FeedFetch:
    """What a fetched feed row yields: a feed's entries, or a sitemap's (reading the sitemaps an index names).

    Also used by feed discovery and `presswatch check --online`, which fetch a URL once and judge it the way a
    run would.
    """
    settings = client.settings
    body = b""
    if result.outcome == "ok":
        # A sitemap is often served as a gzip file (sitemap.xml.gz) rather than gzip-encoded: inflate it, capped.
        body, cut = gunzip_capped(result.body, settings.max_bytes)
        if cut:
            result = replace(result, outcome="too-large", error=f"gzip body inflates beyond {settings.max_bytes} bytes")
    if result.outcome == "ok":
        state = replace(
            state,
            etag=result.etag,
            last_modified=result.last_modified,
            last_full_fetch_at=now if full_fetch else state.last_full_fetch_at,
        )
        unchanged = _sha256(result.body) == state.body_sha256
        kind = None if unchanged else document_kind(body)
        if kind is not None or (unchanged and state.sitemaps):
            return await _read_sitemaps(client, source, state, result, body if kind else None, kind, now, note)
    elif result.outcome == "not-modified" and state.sitemaps:
        return await _read_sitemaps(client, source, state, result, None, None, now, note)
    return _record(source, state, result, body, now, note=note)


def _record(
    source: FeedSource,
    state: FeedState,
    result: FetchResult,
    body: bytes,
    now: datetime,
    *,
    note: str | None,
) -> FeedFetch:
    entries: tuple[FeedEntry, ...] = ()
    outcome, error = result.outcome, result.error
    if result.outcome == "ok":
        body_hash = _sha256(result.body)
        if body_hash == state.body_sha256:
            outcome = "unchanged"
        else:
            parsed = parse_feed(body, base_url=result.final_url, content_type=result.content_type, now=now)
            outcome, entries, error = parsed.outcome, parsed.entries, parsed.problem
            state = replace(state, body_sha256=body_hash if parsed.outcome != "not-a-feed" else None, sitemaps=())
            failed = is_feed_failure(outcome, has_entries=bool(entries))
            state = _health(state, failed=failed, now=now, retry_after_s=None)
            document = _document(body, result.content_type, parsed.outcome)
            return _fetch(
                source, result, outcome, entries, _join(note, error), state, document=document, title=parsed.title
            )
    if outcome == "retry-later":  # the host asked for a pause: not the feed's failure, try next run
        return _fetch(source, result, outcome, entries, _join(note, error), state)
    failed = is_feed_failure(outcome, has_entries=bool(entries))
    state = _health(state, failed=failed, now=now, retry_after_s=result.retry_after_s)
    return _fetch(source, result, outcome, entries, _join(note, error), state)


def _document(body: bytes, content_type: str | None, outcome: str) -> str:
    if outcome != "not-a-feed":
        return "feed"
    media = (content_type or "").split(";")[0].strip().lower()
    if root_element(body) == "html" or media in ("text/html", "application/xhtml+xml"):
        return "html"
    return ""


@dataclass(frozen=True)
class _SitemapRead:
    """One sitemap below an index: what it yielded and the state to keep for it."""

    state: SitemapState
    outcome: str
    entries: tuple[FeedEntry, ...] = ()
    links: tuple[SitemapLink, ...] = ()
    size_bytes: int = 0
    error: str | None = None


async def _read_sitemaps(
    client: GuardedClient,
    source: FeedSource,
    state: FeedState,
    result: FetchResult,
    body: bytes | None,
    kind: str | None,
    now: datetime,
    note: str | None,
) -> FeedFetch:
    """A feed row naming a news sitemap, a sitemap index or a robots.txt: read it and the sitemaps below it.

    `body` is None when the top document is unchanged (304 or the same bytes): the sitemaps it named last time
    are read again, each with its own validators, since an index rarely changes when its news sitemap does.
    """
    started = time.monotonic()
    notes = [note]
    if kind == "sitemap":
        assert body is not None
        parsed = parse_sitemap(body, base_url=result.final_url, now=now, window=_window(client))
        state = replace(state, body_sha256=_sha256(result.body), sitemaps=())
        failed = is_feed_failure(parsed.outcome, has_entries=bool(parsed.entries))
        state = _health(state, failed=failed, now=now, retry_after_s=None)
        error = _join(note, parsed.problem)
        return _fetch(source, result, parsed.outcome, parsed.entries, error, state, document="sitemap")
    top_outcome = result.outcome if body is not None else ("unchanged" if result.outcome == "ok" else result.outcome)
    if body is not None and kind == "robots":
        links = robots_sitemaps(body.decode("utf-8", "replace"), base_url=result.final_url)
        state = replace(state, body_sha256=_sha256(result.body))
    elif body is not None:
        index = parse_sitemap(body, base_url=result.final_url, now=now, window=_window(client))
        links, top_outcome = index.links, index.outcome
        notes.append(index.problem)
        state = replace(state, body_sha256=_sha256(result.body))
    else:
        links = tuple(SitemapLink(item.url, item.lastmod) for item in state.sitemaps)
    document = kind or "sitemap-index"
    known = {item.url: item for item in state.sitemaps}
    reads: list[_SitemapRead] = []
    budget = MAX_CHILD_SITEMAPS
    for _depth in range(2):  # an index may name indexes (sitemaps.org says it should not); one level of that
        chosen, left_out = choose_sitemaps(links, now=now, window=_window(client), limit=budget)
        if left_out:
            notes.append(f"{left_out} more recent sitemaps left for later runs (at most {MAX_CHILD_SITEMAPS} a run)")
        level = await asyncio.gather(
            *(_read_sitemap(client, known.get(link.url) or SitemapState(link.url), link, now) for link in chosen)
        )
        reads.extend(level)
        budget -= len(chosen)
        done = {read.state.url for read in reads}
        links = tuple(link for read in level for link in read.links if link.url not in done)
        if not links or budget <= 0:
            break
    entries = _merge_entries(read.entries for read in reads)
    outcome, child_error = _combined_outcome(top_outcome, reads)
    notes.append(child_error)
    state = replace(state, sitemaps=tuple(read.state for read in reads))
    failed = is_feed_failure(outcome, has_entries=bool(entries))
    state = _health(state, failed=failed, now=now, retry_after_s=None)
    fetch = _fetch(source, result, outcome, entries, _join(*notes), state, document=document)
    return replace(
        fetch,
        duration_s=round(result.duration_s + time.monotonic() - started, 6),
        size_bytes=result.size_bytes + sum(read.size_bytes for read in reads),
    )


async def _read_sitemap(client: GuardedClient, known: SitemapState, link: SitemapLink, now: datetime) -> _SitemapRead:
    state = replace(known, lastmod=link.lastmod or known.lastmod)
    validators = _validators(FeedState("", etag=state.etag, last_modified=state.last_modified))
    result = await client.fetch(link.url, kind="feed", headers=validators)
    if result.outcome != "ok":
        return _SitemapRead(state, result.outcome, error=f"{link.url}: {result.error or result.outcome}")
    body, cut = gunzip_capped(result.body, client.settings.max_bytes)
    if cut:
        return _SitemapRead(state, "too-large", size_bytes=result.size_bytes, error=f"{link.url}: gzip body too large")
    body_hash = _sha256(result.body)
    fresh = replace(state, etag=result.etag, last_modified=result.last_modified, body_sha256=body_hash)
    if body_hash == state.body_sha256:
        return _SitemapRead(fresh, "unchanged", size_bytes=result.size_bytes)
    if document_kind(body) not in ("sitemap", "sitemap-index"):
        # An index may point at an RSS feed (some CMSs do): read it as one.
        feed = parse_feed(body, base_url=result.final_url, content_type=result.content_type, now=now)
        problem = f"{link.url}: {feed.problem}" if feed.problem else None
        return _SitemapRead(fresh, feed.outcome, feed.entries, size_bytes=result.size_bytes, error=problem)
    parsed: ParsedSitemap = parse_sitemap(body, base_url=result.final_url, now=now, window=_window(client))
    problem = f"{link.url}: {parsed.problem}" if parsed.problem and parsed.outcome != "ok" else None
    return _SitemapRead(fresh, parsed.outcome, parsed.entries, parsed.links, result.size_bytes, problem)


def _window(client: GuardedClient) -> timedelta | None:
    seconds = client.settings.news_window_s
    return timedelta(seconds=seconds) if seconds > 0 else None


def _merge_entries(groups: Iterable[Sequence[FeedEntry]]) -> tuple[FeedEntry, ...]:
    merged: dict[str, FeedEntry] = {}
    for group in groups:
        for entry in group:
            merged.setdefault(entry.url, entry)
    return tuple(merged.values())


def _combined_outcome(top_outcome: str, reads: Sequence[_SitemapRead]) -> tuple[str, str | None]:
    """The index's outcome from its sitemaps': failing only when every sitemap read failed."""
    failures = [read for read in reads if is_feed_failure(read.outcome, has_entries=bool(read.entries))]
    error = "; ".join(read.error for read in reads if read.error) or None
    if reads and len(failures) == len(reads):
        return failures[0].outcome, error
    if any(read.outcome in ("ok", "parse-error") for read in reads):
        return ("parse-error" if top_outcome == "parse-error" else "ok"), error
    return top_outcome, error


def _health(state: FeedState, *, failed: bool, now: datetime, retry_after_s: float | None) -> FeedState:
    if not failed:
        return replace(state, consecutive_failures=0, failing_since=None, next_attempt_at=None)
    failures = state.consecutive_failures + 1
    return replace(
        state,
        consecutive_failures=failures,
        failing_since=state.failing_since or now,
        next_attempt_at=next_attempt_at(now, failures, key=state.source_id, retry_after_s=retry_after_s),
    )


def _fetch(
    source: FeedSource,
    result: FetchResult,
    outcome: str,
    entries: tuple[FeedEntry, ...],
    error: str | None,
    state: FeedState,
    *,
    document: str = "",
    title: str | None = None,
) -> FeedFetch:
    return FeedFetch(
        source_id=source.source_id,
        started_at=result.started_at,
        duration_s=result.duration_s,
        http_status=result.status,
        outcome=outcome,
        entries=entries,
        size_bytes=result.size_bytes,
        error=redact_credentials(error) if error else error,
        state=state,
        document=document,
        title=title,
    )


def _validators(state: FeedState) -> dict[str, str]:
    if not state.validators_trusted:
        return {}
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _join(*parts: str | None) -> str | None:
    present = [part for part in parts if part]
    return "; ".join(present) if present else None


def fetch_pages(
    urls: Sequence[str],
    *,
    settings: FetchSettings,
    guard: UrlGuard,
    respect_robots: Callable[[str], bool],
    stop_at: float | None = None,
) -> list[PageFetch]:
    """Fetch article pages politely; results come back in input order and one bad URL never raises.

    A URL listed twice is fetched once. robots.txt is read once per host per call, for URLs whose
    `respect_robots(url)` is true. A host that answers 429/503 with a long Retry-After gets no more
    requests in this call (outcome "retry-later"); a short one is waited out and the request retried once.
    No request starts at or after `stop_at` (a time.monotonic() value: the run's deadline): those URLs come back
    with outcome "deadline", and requests already under way finish.
    """

    async def run() -> list[PageFetch]:
        async with GuardedClient(settings, guard, stop_at=stop_at) as client:
            robots = _RobotsCache(client)
            unique = list(dict.fromkeys(urls))
            results = await asyncio.gather(*(_fetch_page(client, robots, url, respect_robots) for url in unique))
            by_url = dict(zip(unique, results, strict=True))
            return [PageFetch(url=url, result=by_url[url]) for url in urls]

    return run_async(run)


async def _fetch_page(
    client: GuardedClient, robots: _RobotsCache, url: str, respect_robots: Callable[[str], bool]
) -> FetchResult:
    return scrubbed(await _fetch_page_unscrubbed(client, robots, url, respect_robots))


async def _fetch_page_unscrubbed(
    client: GuardedClient, robots: _RobotsCache, url: str, respect_robots: Callable[[str], bool]
) -> FetchResult:
    try:
        if client.gate.past_deadline():  # nothing to ask the network: the entry waits for the next run
            raise DeadlineReached("the run's deadline came before this page's turn")
        refusal = await asyncio.to_thread(client.guard.inspect, url)
        if refusal.outcome != "allowed":
            return FetchResult(url=url, final_url=url, status=None, outcome=refusal.outcome, error=refusal.reason)
        if respect_robots(url):
            allowed, why = await robots.allows(url)
            if not allowed:
                return FetchResult(url=url, final_url=url, status=None, outcome="robots-disallowed", error=why)
        return await _fetch_with_retry_after(client, url)
    except DeadlineReached as late:
        return FetchResult(url=url, final_url=url, status=None, outcome="deadline", error=str(late))
    except Exception as error:  # a bug on one URL must not lose the other results
        return FetchResult(
            url=url, final_url=url, status=None, outcome="error", error=f"{type(error).__name__}: {error}"
        )


async def _fetch_with_retry_after(client: GuardedClient, url: str) -> FetchResult:
    host = (urlsplit(url).hostname or "").lower()
    limit = client.settings.max_retry_after_wait_s
    if client.gate.pause_remaining(host) > limit:
        return FetchResult(
            url=url,
            final_url=url,
            status=None,
            outcome="retry-later",
            error=f"{host} asked us to wait {client.gate.pause_remaining(host):.0f}s",
        )
    result = await client.fetch(url, kind="page")
    if result.status in (429, 503) and result.retry_after_s is not None and result.retry_after_s <= limit:
        return await client.fetch(url, kind="page")  # the gate already holds this host until Retry-After
    return result


class _RobotsCache:
    """robots.txt per scheme+host, fetched once per call even when many pages of the host are in flight."""

    def __init__(self, client: GuardedClient) -> None:
        self.client = client
        self.rules: dict[str, asyncio.Future[tuple[Protego | None, str | None]]] = {}

    async def allows(self, url: str) -> tuple[bool, str | None]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        if origin not in self.rules:
            self.rules[origin] = asyncio.ensure_future(self._load(origin, (parts.hostname or "").lower()))
        parser, problem = await self.rules[origin]
        if parser is None:
            return (problem is None), problem
        agent = self.client.settings.user_agent
        if parser.can_fetch(url, agent):
            return True, None
        return False, f"robots.txt of {origin} disallows it"

    async def _load(self, origin: str, host: str) -> tuple[Protego | None, str | None]:
        result = await self.client.fetch(f"{origin}/robots.txt", kind="robots")
        if result.outcome == "deadline":  # unread, not unavailable: the host's pages wait for the next run
            raise DeadlineReached(result.error or "the run's deadline came first")
        if result.outcome == "ok" and result.status == 200:
            parser = Protego.parse(result.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace"))
            delay = parser.crawl_delay(self.client.settings.user_agent)
            if delay:
                self.client.gate.set_delay(host, float(delay))
            return parser, None
        if result.outcome == "http-4xx" and result.status != 429:
            return None, None  # RFC 9309: no robots.txt means everything is allowed
        # RFC 9309: an unreachable robots.txt means assume complete disallow until it can be read.
        return None, f"robots.txt of {origin} unavailable ({result.outcome}): not fetching"
