"""Feed and article-page fetching: conditional GET, feed health, backoff, robots.txt, politeness."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from protego import Protego

from flows.http import FetchResult, FetchSettings, GuardedClient, UrlGuard, run_async, scrubbed
from transforms.backoff import next_attempt_at
from transforms.feeds import parse_feed
from transforms.records import FeedEntry
from transforms.urls import redact_credentials

HEALTHY_OUTCOMES = frozenset({"ok", "not-modified", "unchanged"})
# A pause the host asked for, or our own back-off: the feed was not really asked, so it neither failed nor worked.
NOT_ATTEMPTED_OUTCOMES = frozenset({"retry-later", "skipped-backoff"})


def is_feed_failure(outcome: str, *, has_entries: bool) -> bool:
    """The one rule for whether a fetch counts against its feed (back-off, health, the run's failed count)."""
    if outcome in HEALTHY_OUTCOMES or outcome in NOT_ATTEMPTED_OUTCOMES:
        return False
    # A damaged feed that still yields entries is working; one that yields nothing is failing.
    return not (outcome == "parse-error" and has_entries)


ROBOTS_MAX_BYTES = 500_000


@dataclass(frozen=True)
class FeedSource:
    """One feed from the operator's feeds file."""

    source_id: str
    name: str
    feed_url: str
    respect_robots: bool = True


@dataclass(frozen=True)
class FeedState:
    """What a feed's previous fetches left behind: validators, body hash, and its failure streak."""

    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    validators_trusted: bool = True
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    next_attempt_at: datetime | None = None
    last_full_fetch_at: datetime | None = None


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

    @property
    def failed(self) -> bool:
        return is_feed_failure(self.outcome, has_entries=bool(self.entries))


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
            tasks = [
                _fetch_feed(client, source, states.get(source.source_id) or FeedState(source.source_id), now)
                for source in sources
            ]
            return list(await asyncio.gather(*tasks))

    return run_async(run)


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
    return _record(source, state, result, now, full_fetch=full_fetch, note=note)


def _record(
    source: FeedSource,
    state: FeedState,
    result: FetchResult,
    now: datetime,
    *,
    full_fetch: bool,
    note: str | None,
) -> FeedFetch:
    entries: tuple[FeedEntry, ...] = ()
    outcome, error = result.outcome, result.error
    if result.outcome == "ok":
        body_hash = _sha256(result.body)
        state = replace(
            state,
            etag=result.etag,
            last_modified=result.last_modified,
            last_full_fetch_at=now if full_fetch else state.last_full_fetch_at,
        )
        if body_hash == state.body_sha256:
            outcome = "unchanged"
        else:
            parsed = parse_feed(result.body, base_url=result.final_url, content_type=result.content_type, now=now)
            outcome, entries, error = parsed.outcome, parsed.entries, parsed.problem
            state = replace(state, body_sha256=body_hash if parsed.outcome != "not-a-feed" else None)
            failed = is_feed_failure(outcome, has_entries=bool(entries))
            state = _health(state, failed=failed, now=now, retry_after_s=None)
            return _fetch(source, result, outcome, entries, _join(note, error), state)
    if outcome == "retry-later":  # the host asked for a pause: not the feed's failure, try next run
        return _fetch(source, result, outcome, entries, _join(note, error), state)
    failed = is_feed_failure(outcome, has_entries=bool(entries))
    state = _health(state, failed=failed, now=now, retry_after_s=result.retry_after_s)
    return _fetch(source, result, outcome, entries, _join(note, error), state)


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
    urls: Sequence[str], *, settings: FetchSettings, guard: UrlGuard, respect_robots: Callable[[str], bool]
) -> list[PageFetch]:
    """Fetch article pages politely; results come back in input order and one bad URL never raises.

    A URL listed twice is fetched once. robots.txt is read once per host per call, for URLs whose
    `respect_robots(url)` is true. A host that answers 429/503 with a long Retry-After gets no more
    requests in this call (outcome "retry-later"); a short one is waited out and the request retried once.
    """

    async def run() -> list[PageFetch]:
        async with GuardedClient(settings, guard) as client:
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
        refusal = await asyncio.to_thread(client.guard.inspect, url)
        if refusal.outcome != "allowed":
            return FetchResult(url=url, final_url=url, status=None, outcome=refusal.outcome, error=refusal.reason)
        if respect_robots(url):
            allowed, why = await robots.allows(url)
            if not allowed:
                return FetchResult(url=url, final_url=url, status=None, outcome="robots-disallowed", error=why)
        return await _fetch_with_retry_after(client, url)
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
