"""The one guarded HTTP client: safe-URL checks on every hop, per-host politeness, hard limits per request.

Everything that leaves the process for a feed, a page or a robots.txt goes through `GuardedClient.fetch`.
Kept as one module (over 400 lines) on purpose: the guard, the redirect walk and the limits are one security
boundary, and splitting them would let a hop be made without the checks that must surround it.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import ipaddress
import logging
import re
import socket
import ssl
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import certifi
import httpx
from charset_normalizer import from_bytes

from flows.config import FetchSettings
from transforms.addresses import address_problem
from transforms.retry_after import parse_retry_after
from transforms.urls import origin_text, redact_credentials, split_origin, url_origin, without_credentials

Resolver = Callable[[str, int], list[str]]
T = TypeVar("T")

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    # Sitemaps are often gzip files (sitemap.xml.gz) served as such; the fetch layer inflates them, capped.
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
)
PAGE_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
    "robots": "text/plain, */*;q=0.1",
}
# Python text codecs no browser reads a page in (the WHATWG Encoding Standard has no label for them).
NOT_PAGE_CHARSETS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7"})
# WHATWG: labels for Latin-1 mean Windows-1252, which is what such pages really contain.
CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
}


@dataclass(frozen=True)
class FetchResult:
    """What one request (with its redirects) produced; `outcome` is the class the warehouse records."""

    url: str
    final_url: str
    status: int | None
    outcome: str  # ok, not-modified, http-4xx, http-5xx, http-other, timeout, dns, connect-error, too-large,
    # refused-unsafe, bad-content-type, robots-disallowed, too-many-redirects, redirect-loop, retry-later,
    # error; deadline (not requested: the run's deadline came first; never stored, the entry is deferred)
    body: bytes = b""
    text: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after_s: float | None = None
    error: str | None = None
    duration_s: float = 0.0
    size_bytes: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Verdict:
    """The guard's answer for one URL: allowed with the addresses to connect to, or refused with a reason."""

    outcome: str  # "allowed", "refused-unsafe" or "dns"
    reason: str | None = None
    addresses: tuple[str, ...] = ()


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve `host` with the operating system, every address family."""
    return list(dict.fromkeys(str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


class UrlGuard:
    """Refuses non-http(s) URLs and hosts with a non-public address, except at the origins the operator named.

    `allowed_origins` are URLs (the feeds file's feed URLs): their exact origin, scheme, host and port with
    default ports filled in, may resolve to loopback or private addresses. Another port or scheme on the same
    host is another origin, so a feed on 127.0.0.1:9910 cannot lead a fetch to the Prefect API on :4200.
    """

    def __init__(
        self, allowed_origins: Iterable[str], resolver: Resolver | None = None, *, named_by: str = "the feeds file"
    ) -> None:
        origins = set()
        for url in allowed_origins:
            origin = url_origin(url)
            if origin is None:
                raise ValueError(f"not an http(s) URL with a host: {redact_credentials(url)!r}")
            origins.add(origin)
        self.allowed_origins = frozenset(origins)
        self.resolver = resolver or system_resolver
        self.named_by = named_by  # who named the allowed origins, for refusals: "the feeds file", "the address given"

    def check(self, url: str) -> str | None:
        """None when `url` may be fetched, else why not; resolves DNS first."""
        return self.inspect(url).reason

    def inspect(self, url: str) -> Verdict:
        """Full verdict for `url`, including the checked addresses a connection must use."""
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            return Verdict("refused-unsafe", f"malformed URL: {error}")
        if parts.scheme not in ("http", "https"):
            return Verdict("refused-unsafe", f"scheme not allowed: {parts.scheme or 'none'}")
        host = (parts.hostname or "").lower()
        origin = split_origin(parts)
        if not host or origin is None:
            return Verdict("refused-unsafe", "URL has no host")
        literal = True
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            literal = False
            try:
                addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self.resolver(host, port)]
            except (OSError, UnicodeError, ValueError) as error:
                return Verdict("dns", f"cannot resolve {host}: {error}")
        if not addresses:
            return Verdict("dns", f"no address for {host}")
        if origin not in self.allowed_origins:
            # Every answer is judged: one private address among public ones is how DNS rebinding starts.
            for address in addresses:
                problem = address_problem(address)
                if problem is not None:
                    subject = str(address) if literal else f"{host} resolves to {address}, which"
                    return Verdict("refused-unsafe", self._refusal(f"{subject} is {problem}", origin))
        return Verdict("allowed", None, tuple(str(a) for a in addresses))

    def _refusal(self, reason: str, origin: tuple[str, str, int]) -> str:
        named = sorted(origin_text(other) for other in self.allowed_origins if other[1] == origin[1])
        if named:
            allowed = ", ".join(named)
            reason += f"; only {allowed} ({self.named_by}) may be reached on this host, not {origin_text(origin)}"
        return reason


class HostDeferred(Exception):
    """The host asked for a pause longer than a run may wait: try it next run."""


class DeadlineReached(Exception):
    """The run's deadline comes before this request's turn: it is not made, and the run defers its entry."""


class HostGate:
    """Per-host politeness: at most N requests in flight, a minimum gap between starts, Retry-After pauses, and
    no start at or after `stop_at` (a time.monotonic() value: the run's deadline)."""

    def __init__(self, settings: FetchSettings, stop_at: float | None = None) -> None:
        self.settings = settings
        self.stop_at = stop_at
        self.global_slots = asyncio.Semaphore(settings.global_concurrency)
        self.host_slots: dict[str, asyncio.Semaphore] = {}
        self.next_start: dict[str, float] = {}
        self.delays: dict[str, float] = {}
        self.blocked_until: dict[str, float] = {}
        self.lock = asyncio.Lock()

    def set_delay(self, host: str, delay_s: float) -> None:
        """Raise the gap between requests to `host` (robots.txt Crawl-delay)."""
        self.delays[host] = max(self.settings.per_host_delay_s, min(delay_s, self.settings.max_crawl_delay_s))

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to `host` (and only that host) for `seconds`."""
        self.blocked_until[host] = max(self.blocked_until.get(host, 0.0), time.monotonic() + seconds)

    def past_deadline(self) -> bool:
        return self.stop_at is not None and time.monotonic() >= self.stop_at

    def pause_remaining(self, host: str) -> float:
        """Seconds until `host` may be contacted again after a Retry-After."""
        return max(0.0, self.blocked_until.get(host, 0.0) - time.monotonic())

    async def slot(self, host: str) -> _HostSlot:
        """Wait for this host's turn; the caller releases it through the returned context manager."""
        semaphore = self.host_slots.setdefault(host, asyncio.Semaphore(self.settings.per_host_concurrency))
        await semaphore.acquire()
        try:
            async with self.lock:
                now = time.monotonic()
                paused = self.blocked_until.get(host, 0.0) - now
                if paused > self.settings.max_retry_after_wait_s:
                    raise HostDeferred(f"{host} asked us to wait {paused:.0f}s more (Retry-After)")
                start = max(now, self.next_start.get(host, 0.0), self.blocked_until.get(host, 0.0))
                if self.stop_at is not None and start >= self.stop_at:
                    raise DeadlineReached(f"the run's deadline came before {host}'s turn")
                self.next_start[host] = start + self.delays.get(host, self.settings.per_host_delay_s)
            await asyncio.sleep(start - now)
            await self.global_slots.acquire()
        except BaseException:
            semaphore.release()
            raise
        return _HostSlot(semaphore, self.global_slots)


class _HostSlot:
    def __init__(self, host_semaphore: asyncio.Semaphore, global_semaphore: asyncio.Semaphore) -> None:
        self.host_semaphore = host_semaphore
        self.global_semaphore = global_semaphore

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        self.global_semaphore.release()
        self.host_semaphore.release()


def scrub_credentials_from_logs() -> None:
    """From now on, remove URL user info from every log record as it is made; installed once per process.

    httpcore logs each response's headers at DEBUG, a redirect's `Location: http://user:password@...` included,
    and any handler (a debug log file, Prefect's API logger) could write it out.
    """
    global _SCRUBBING_LOGS
    if _SCRUBBING_LOGS:
        return
    previous = logging.getLogRecordFactory()

    def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call is the logging module's to report, not ours
            return record
        if "@" in message:
            cleaned = redact_credentials(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return record

    logging.setLogRecordFactory(scrubbing_factory)
    _SCRUBBING_LOGS = True


_SCRUBBING_LOGS = False


class GuardedClient:
    """httpx.AsyncClient plus the guard and gate; use inside `async with`, one per fetch call."""

    def __init__(self, settings: FetchSettings, guard: UrlGuard, *, stop_at: float | None = None) -> None:
        scrub_credentials_from_logs()
        self.settings = settings
        self.guard = guard
        self.gate = HostGate(settings, stop_at)
        self.timeout = httpx.Timeout(
            connect=settings.connect_timeout_s,
            read=settings.read_timeout_s,
            write=settings.read_timeout_s,
            pool=settings.deadline_s,
        )
        # One TLS context for all hosts: loading the CA bundle per client would cost ~20 ms each.
        self.tls = ssl.create_default_context(cafile=certifi.where())
        self.clients: dict[str, httpx.AsyncClient] = {}
        # Like curl's --connect-to: requests for an origin go to another (the demo newsroom's stable URLs to the
        # port that serves them). The URL, its checks and its Host header stay those of the origin asked for.
        self.connect_to = {url_origin(origin): urlsplit(target) for origin, target in settings.connect_to}

    def client_for(self, host: str) -> httpx.AsyncClient:
        """The connection pool for one host name.

        Pools are per name, not per address: with pinned addresses, a shared pool would reuse a TLS
        connection verified for one site (say on a CDN address) for another site's requests.
        """
        if host not in self.clients:
            # Keep open as many as may be in flight: with fewer, httpx closed one on nearly every page and opened
            # another (196 connections for 200 pages at concurrency 8), a connection's CPU each time.
            most = self.settings.per_host_concurrency
            limits = httpx.Limits(max_connections=most, max_keepalive_connections=most)
            # trust_env=False: an environment proxy would connect by name and undo the address pinning.
            self.clients[host] = httpx.AsyncClient(
                timeout=self.timeout, limits=limits, follow_redirects=False, trust_env=False, verify=self.tls
            )
        return self.clients[host]

    async def __aenter__(self) -> GuardedClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(client.aclose() for client in self.clients.values()))

    async def fetch(self, url: str, *, kind: str = "page", headers: Mapping[str, str] | None = None) -> FetchResult:
        """GET `url` following up to max_redirects hops, each checked by the guard; never raises for faults.

        The deadline covers time on the wire across all hops; waiting for the host's turn does not count,
        so a long queue for one polite host never turns into timeouts.
        """
        started_at = datetime.now(UTC)
        state = _Progress(url=url, remaining_s=self.settings.deadline_s)
        try:
            result = await self._follow(url, kind, dict(headers or {}), state)
        except HostDeferred as deferred:
            result = _failure(url, state.current, "retry-later", str(deferred), None)
        except DeadlineReached as late:
            result = _failure(url, state.current, "deadline", str(late), None)
        except TimeoutError:
            result = _failure(
                url,
                state.current,
                "timeout",
                f"deadline of {self.settings.deadline_s}s exceeded",
                state.status,
            )
        except httpx.TimeoutException as error:
            result = _failure(url, state.current, "timeout", f"{type(error).__name__}: {error}", state.status)
        except httpx.ConnectError as error:
            result = _failure(url, state.current, "connect-error", f"{error}" or "connection failed", None)
        except Exception as error:  # one hostile response must not end the run
            result = _failure(url, state.current, "error", f"{type(error).__name__}: {error}", state.status)
        return _stamp(scrubbed(result), started_at, self.settings.deadline_s - state.remaining_s)

    async def _follow(self, url: str, kind: str, headers: dict[str, str], state: _Progress) -> FetchResult:
        visited: set[str] = set()
        current = url
        for _ in range(self.settings.max_redirects + 1):
            state.current = current
            if current in visited:
                return _failure(url, current, "redirect-loop", f"redirect loop back to {current}", state.status)
            visited.add(current)
            verdict = await asyncio.to_thread(self.guard.inspect, current)
            if verdict.outcome != "allowed":
                return _failure(url, current, verdict.outcome, verdict.reason, None)
            host = (urlsplit(current).hostname or "").lower()
            async with await self.gate.slot(host):
                if state.remaining_s <= 0:
                    raise TimeoutError
                hop_started = time.monotonic()
                try:
                    async with asyncio.timeout(state.remaining_s):
                        request = self._request(current, verdict, kind, headers)
                        response = await self.client_for(host).send(request, stream=True)
                        try:
                            state.status = response.status_code
                            location = response.headers.get("location")
                            if response.status_code in REDIRECT_STATUSES and location:
                                current = urljoin(current, location.strip())
                                continue
                            return await self._read(url, current, kind, response, host)
                        finally:
                            await response.aclose()
                finally:
                    state.remaining_s -= time.monotonic() - hop_started
        return _failure(
            url,
            current,
            "too-many-redirects",
            f"more than {self.settings.max_redirects} redirects",
            state.status,
        )

    def _request(self, url: str, verdict: Verdict, kind: str, headers: Mapping[str, str]) -> httpx.Request:
        parts = urlsplit(url)
        address = verdict.addresses[0]
        pinned_host = f"[{address}]" if ":" in address else address
        netloc = f"{pinned_host}:{parts.port}" if parts.port else pinned_host
        target = self.connect_to.get(url_origin(url))
        if target is not None:
            netloc = target.netloc
        pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        host_header = parts.netloc.rpartition("@")[2]
        request_headers = {
            "User-Agent": self.settings.user_agent_header,
            "Host": host_header,
            "Accept": ACCEPT.get(kind, "*/*"),
            "Accept-Encoding": "gzip, deflate, br",
            **headers,
        }
        # Connect to the address the guard checked (no second lookup to rebind); TLS still verifies the name.
        return self.client_for((parts.hostname or "").lower()).build_request(
            "GET", pinned, headers=request_headers, extensions={"sni_hostname": parts.hostname or ""}
        )

    async def _read(self, url: str, final_url: str, kind: str, response: httpx.Response, host: str) -> FetchResult:
        status = response.status_code
        content_type = response.headers.get("content-type")
        common: dict[str, Any] = {
            "url": url,
            "final_url": final_url,
            "status": status,
            "content_type": content_type,
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
        }
        if status == 304:
            return FetchResult(outcome="not-modified", **common)
        if status >= 400 or status < 200 or status >= 300:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if status in (429, 503) and retry_after is not None:
                self.gate.pause(host, retry_after)
            outcome = "http-4xx" if 400 <= status < 500 else "http-5xx" if status >= 500 else "http-other"
            return FetchResult(outcome=outcome, retry_after_s=retry_after, error=f"HTTP {status}", **common)
        if not content_type_allowed(content_type, kind):
            return FetchResult(outcome="bad-content-type", error=f"content type {content_type} refused", **common)
        declared = _content_length(response)
        if declared is not None and declared > self.settings.max_bytes:
            return FetchResult(
                outcome="too-large",
                size_bytes=declared,
                error=f"declared {declared} bytes > {self.settings.max_bytes}",
                **common,
            )
        body, truncated = await _read_capped(response, self.settings.max_bytes)
        if truncated:
            return FetchResult(
                outcome="too-large",
                body=body,
                size_bytes=len(body),
                error=f"body cut at {self.settings.max_bytes} bytes",
                **common,
            )
        text = decode_html(body, content_type) if kind == "page" else None
        return FetchResult(outcome="ok", body=body, text=text, size_bytes=len(body), **common)


@dataclass
class _Progress:
    url: str
    remaining_s: float
    current: str = ""
    status: int | None = None


async def _read_capped(response: httpx.Response, max_bytes: int) -> tuple[bytes, bool]:
    # Counting decoded bytes also caps gzip/brotli bombs.
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return b"".join(chunks)[:max_bytes], True
    return b"".join(chunks), False


def _content_length(response: httpx.Response) -> int | None:
    if response.headers.get("content-encoding"):
        return None
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None


def _failure(url: str, final_url: str, outcome: str, error: str | None, status: int | None) -> FetchResult:
    return FetchResult(url=url, final_url=final_url or url, status=status, outcome=outcome, error=error)


def _stamp(result: FetchResult, started_at: datetime, duration_s: float) -> FetchResult:
    return replace(result, started_at=started_at, duration_s=round(duration_s, 6))


def scrubbed(result: FetchResult) -> FetchResult:
    """`result` without user info in its URLs or error: a redirect's Location may carry credentials."""
    return replace(
        result,
        url=without_credentials(result.url),
        final_url=without_credentials(result.final_url),
        error=redact_credentials(result.error) if result.error else result.error,
    )


def content_type_allowed(content_type: str | None, kind: str) -> bool:
    """Feeds accept XML, HTML (so it can be reported as not-a-feed) and text/plain; pages accept HTML only."""
    if not content_type or kind == "robots":
        return True
    media = content_type.split(";")[0].strip().lower()
    allowed = FEED_TYPES if kind == "feed" else PAGE_TYPES
    return media in allowed or (kind == "feed" and media.endswith("+xml"))


def charset_of(body: bytes, content_type: str | None) -> str | None:
    """The declared charset: Content-Type header first, then a meta tag in the first 4 KB."""
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
        if match:
            return match.group(1)
    meta = META_CHARSET.search(body[:4096])
    return meta.group(1).decode("ascii", "replace") if meta else None


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode an HTML page: declared charset, else UTF-8 if valid, else detection; bad bytes become U+FFFD."""
    declared = charset_of(body, content_type)
    if declared:
        name = CHARSET_ALIASES.get(declared.lower(), declared)
        # A codec that fails, is not a text codec (base64) or is no page charset (idna) counts as undeclared.
        with contextlib.suppress(LookupError, UnicodeError, ValueError):
            if codecs.lookup(name).name not in NOT_PAGE_CHARSETS:
                return body.decode(name, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[:200_000]).best()
    with contextlib.suppress(LookupError, UnicodeError, ValueError):
        if best is not None and codecs.lookup(best.encoding).name not in NOT_PAGE_CHARSETS:
            return body.decode(best.encoding, errors="replace")
    return body.decode("utf-8", errors="replace")


def fetch_url(
    url: str,
    *,
    settings: FetchSettings,
    guard: UrlGuard,
    kind: str = "page",
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """Fetch one URL synchronously through the guarded client (for one-off requests and tests)."""

    async def run() -> FetchResult:
        async with GuardedClient(settings, guard) as client:
            return await client.fetch(url, kind=kind, headers=headers)

    return run_async(run)


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine from sync code, also when the calling thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="presswatch-fetch") as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()
