"""Sending digest messages to the team's channels, with retries that know a 503 from a 404.

Generic JSON webhooks (json:// and jsons://) are posted with httpx in apprise's own payload shape, because
apprise reports only success or failure: we need the status code to retry 5xx, wait out a 429's Retry-After and
give up at once on other 4xx. Every other scheme (slack://, msteams://, discord://, mailto://, ...) goes through
apprise, which formats for the service; its failures carry no status, so they are retried with backoff.
Channel URLs are secrets: they appear only masked, in logs, tables and error texts alike.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import apprise
import httpx

LOGGER = logging.getLogger("presswatch.delivery")
ALERT_URLS_VARIABLE = "PRESSWATCH_ALERT_URLS"
SECRET_BLOCK_VARIABLE = "PRESSWATCH_ALERT_SECRET_BLOCK"
WEBHOOK_SCHEMES = frozenset({"json", "jsons"})
MARKDOWN_SCHEMES = frozenset({
    "slack", "discord", "msteams", "workflow", "workflows", "mmost", "mmosts", "gchat", "rocket", "rockets",
    "matrix", "matrixs", "zulip", "tgram",
})
DEFAULT_BODY_LIMIT = 30_000
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one run tries a channel before leaving the message for the next run."""

    attempts: int = 4
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    max_retry_after_s: float = 120.0  # a longer 429 wait is left to the next run rather than blocking this one
    timeout_s: float = 10.0

    def backoff(self, attempt: int) -> float:
        """Exponential delay with jitter before attempt number `attempt + 1`."""
        delay = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return delay * random.uniform(0.5, 1.0)


@dataclass(frozen=True)
class Channel:
    """A configured channel; the URL is kept out of repr so logging the object cannot leak it."""

    url: str = field(repr=False)
    key: str  # sha256 of the URL: a stable identity for delivery records
    masked: str
    flavour: str  # text or markdown
    transport: str  # webhook or apprise
    body_limit: int


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one message on one channel."""

    ok: bool
    attempts: int
    detail: str
    retry_later: bool  # False for a rejection (4xx) that will not succeed by repeating it


# --- secrets ----------------------------------------------------------------------------------------------


def mask_url(url: str) -> str:
    """`slack://***` style: the scheme only, so the token never appears anywhere we write."""
    scheme = url.split("://", 1)[0].strip().lower() if "://" in url else "unknown"
    scheme = re.sub(r"[^a-z0-9+.-]", "", scheme) or "unknown"
    return f"{scheme}://***"


def channel_key(url: str) -> str:
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()


def secret_fragments(url: str) -> list[str]:
    """Parts of a URL that may be secret (user, password, path segments, query values), longest first."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return [url]
    pieces = {url, parts.netloc, parts.path, parts.query, parts.username or "", parts.password or ""}
    pieces.update(segment for segment in parts.path.split("/") if len(segment) >= 4)
    pieces.update(value for item in parts.query.split("&") for value in item.split("=")[1:] if len(value) >= 4)
    pieces.update({unquote(piece) for piece in list(pieces)})
    return sorted((piece for piece in pieces if len(piece) >= 4), key=len, reverse=True)


def scrub(text: str, urls: Sequence[str]) -> str:
    """Remove every secret-looking fragment of the channel URLs from a message before it is logged or stored."""
    for url in urls:
        for fragment in secret_fragments(url):
            text = text.replace(fragment, "***")
    return text


@contextmanager
def secrets_scrubbed(urls: Sequence[str]) -> Iterator[None]:
    """While channels are in use, every log record (ours, httpx's, apprise's, urllib3's) is scrubbed as it is
    made: those libraries log full request URLs at INFO/DEBUG, and a handler anywhere could write them out."""
    secrets = [url for url in urls if url]
    if not secrets:
        yield
        return
    previous = logging.getLogRecordFactory()

    def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        message = record.getMessage()
        cleaned = scrub(message, secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    logging.setLogRecordFactory(scrubbing_factory)
    try:
        yield
    finally:
        logging.setLogRecordFactory(previous)


def split_urls(raw: str) -> list[str]:
    """Apprise URLs separated by spaces, commas or new lines."""
    return [part for part in re.split(r"[\s,]+", raw or "") if part]


def alert_urls_from_environment(environ: Mapping[str, str] | None = None) -> list[str]:
    """Channel URLs from the Prefect Secret block named in PRESSWATCH_ALERT_SECRET_BLOCK when set, else from
    PRESSWATCH_ALERT_URLS. The block is loaded only when asked for, so runs without Prefect's server work."""
    environ = os.environ if environ is None else environ
    block = environ.get(SECRET_BLOCK_VARIABLE, "").strip()
    if block:
        from prefect.blocks.system import Secret

        value = Secret.load(block).get()  # type: ignore[union-attr]
        if isinstance(value, list | tuple):
            return [str(item) for item in value if item]
        if isinstance(value, dict):
            return [str(item) for item in value.get("urls", []) if item]
        return split_urls(str(value))
    return split_urls(environ.get(ALERT_URLS_VARIABLE, ""))


# --- channels ---------------------------------------------------------------------------------------------


def channel_for(url: str) -> Channel:
    """Describe a channel: how to send to it, which markup it gets and how long a message may be."""
    url = url.strip()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    transport = "webhook" if scheme in WEBHOOK_SCHEMES else "apprise"
    limit = DEFAULT_BODY_LIMIT
    title_limit = 250
    if transport == "apprise":
        with secrets_scrubbed([url]):
            plugin = apprise.Apprise.instantiate(url)
        if plugin is not None:
            limit = min(int(getattr(plugin, "body_maxlen", limit) or limit), limit)
            title_limit = int(getattr(plugin, "title_maxlen", title_limit) or 0)
            # Discord counts the title inside its 2,000 characters.
            if getattr(plugin, "overflow_amalgamate_title", False) or title_limit == 0:
                limit -= 120
    return Channel(
        url=url,
        key=channel_key(url),
        masked=mask_url(url),
        flavour="markdown" if scheme in MARKDOWN_SCHEMES else "text",
        transport=transport,
        body_limit=max(limit - 40, 500),
    )


# --- sending ----------------------------------------------------------------------------------------------


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def webhook_request(url: str, title: str, body: str) -> tuple[str, dict[str, str], bytes, tuple[str, str] | None]:
    """The POST apprise's json:// would make: target, headers, payload and basic auth from the URL."""
    from apprise.plugins.custom_json import NotifyJSON

    parsed = NotifyJSON.parse_url(url)
    if not parsed or not parsed.get("host"):
        raise ValueError("not a valid json:// URL")
    scheme = "https" if parsed.get("secure") else "http"
    host = parsed["host"]
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = f":{parsed['port']}" if parsed.get("port") else ""
    params = parsed.get("params") or {}
    query = "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in params.items())
    target = f"{scheme}://{host}{port}{parsed.get('fullpath') or '/'}" + (f"?{query}" if query else "")
    payload: dict[str, object] = {"version": "1.0", "title": title, "message": body, "attachments": [],
                                  "type": "info"}
    for key, value in (parsed.get("payload") or {}).items():
        if key in payload:
            moved = payload.pop(key)
            if value:
                payload[value] = moved
        else:
            payload[key] = value
    headers = {"User-Agent": "presswatch", "Content-Type": "application/json", **(parsed.get("headers") or {})}
    auth = (unquote(parsed["user"]), unquote(parsed.get("password") or "")) if parsed.get("user") else None
    return target, headers, json.dumps(payload).encode("utf-8"), auth


def send_webhook(
    channel: Channel, title: str, body: str, policy: RetryPolicy, sleep: Callable[[float], None]
) -> SendOutcome:
    """POST with retries: 5xx, 408 and network errors back off; 429 waits its Retry-After; other 4xx stop."""
    try:
        target, headers, payload, auth = webhook_request(channel.url, title, body)
    except ValueError as error:
        return SendOutcome(False, 0, f"invalid channel URL: {error}", retry_later=False)
    detail = ""
    attempt = 0
    with httpx.Client(timeout=policy.timeout_s, follow_redirects=False, trust_env=False) as client:
        while attempt < policy.attempts:
            attempt += 1
            try:
                response = client.post(target, content=payload, headers=headers,
                                       auth=httpx.BasicAuth(*auth) if auth else httpx.USE_CLIENT_DEFAULT)
            except httpx.TransportError as error:
                detail = f"network error: {type(error).__name__}"
                wait = policy.backoff(attempt)
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return SendOutcome(True, attempt, f"http {status}", retry_later=False)
                detail = f"http {status}"
                if status == 429:
                    wait_for = retry_after_seconds(response.headers.get("Retry-After"))
                    wait = policy.backoff(attempt) if wait_for is None else wait_for
                    if wait > policy.max_retry_after_s:
                        return SendOutcome(False, attempt, f"{detail}: rate limited for {wait:.0f}s", True)
                elif status in RETRYABLE_STATUSES or status >= 500:
                    wait = policy.backoff(attempt)
                else:
                    return SendOutcome(False, attempt, f"{detail}: rejected, not retried", retry_later=False)
            if attempt < policy.attempts:
                LOGGER.info("delivery to %s failed (%s); retrying in %.1fs", channel.masked, detail, wait)
                sleep(wait)
    return SendOutcome(False, attempt, detail, retry_later=True)


def send_apprise(
    channel: Channel, title: str, body: str, policy: RetryPolicy, sleep: Callable[[float], None]
) -> SendOutcome:
    """Send through apprise, which hides status codes: every failure is retried with backoff."""
    notifier = apprise.Apprise()
    if not notifier.add(channel.url):
        return SendOutcome(False, 0, "apprise does not recognise this URL", retry_later=False)
    body_format = apprise.NotifyFormat.MARKDOWN if channel.flavour == "markdown" else apprise.NotifyFormat.TEXT
    detail = ""
    for attempt in range(1, policy.attempts + 1):
        result = notifier.notify(body=body, title=title, body_format=body_format, timeout=policy.timeout_s * 2)
        if result:
            return SendOutcome(True, attempt, "sent", retry_later=False)
        messages = [entry.message for entry in result.logs()] if hasattr(result, "logs") else []
        detail = scrub(f"apprise: {messages[-1] if messages else 'notification failed'}", [channel.url])
        if attempt < policy.attempts:
            wait = policy.backoff(attempt)
            LOGGER.info("delivery to %s failed; retrying in %.1fs", channel.masked, wait)
            sleep(wait)
    return SendOutcome(False, policy.attempts, detail[:300], retry_later=True)


def send_message(
    channel: Channel, title: str, body: str, policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendOutcome:
    """Deliver one message with retries; never raises, and the outcome's text never holds the URL."""
    policy = policy or RetryPolicy()
    sender = send_webhook if channel.transport == "webhook" else send_apprise
    try:
        with secrets_scrubbed([channel.url]):
            outcome = sender(channel, title, body, policy, sleep)
    except Exception as error:  # a crash in a sender must become a recorded failure, not a lost alert
        outcome = SendOutcome(False, 1, f"error: {type(error).__name__}: {error}", retry_later=True)
    return SendOutcome(outcome.ok, outcome.attempts, scrub(outcome.detail, [channel.url]), outcome.retry_later)


def send_notice(
    alert_urls: Sequence[str], title: str, body: str, policy: RetryPolicy | None = None
) -> list[tuple[str, bool, str]]:
    """One short message to every channel, outside the digest: (masked channel, ok, detail)."""
    results = []
    for url in alert_urls:
        channel = channel_for(url)
        outcome = send_message(channel, title, body, policy or RetryPolicy(attempts=2))
        results.append((channel.masked, outcome.ok, outcome.detail))
    return results


def send_test_message(
    alert_urls: Sequence[str], policy: RetryPolicy | None = None
) -> list[tuple[str, bool, str]]:
    """A short test message to each channel: (masked channel, ok, detail)."""
    return send_notice(
        alert_urls, "presswatch: test message", "This channel will receive presswatch alert digests.", policy
    )
