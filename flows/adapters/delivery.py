"""Sending digest messages to the team's channels, with retries that know a 503 from a 404.

Channels written as apprise URLs. Slack incoming webhooks, Discord webhooks, Teams Workflows and generic JSON
webhooks (json://, jsons://) are posted directly with httpx, in the service's own rich format (Block Kit, embeds,
an Adaptive Card, structured JSON; see transforms/channel_formats.py): apprise would format them itself and
reports only success or failure, while we need the status code to retry 5xx, wait out a 429's Retry-After and
give up at once on other 4xx. apprise is still the parser of those URLs (tokens, hosts, options). Every other
scheme (mailto://, Slack bot tokens, Mattermost, Telegram, ...) goes through apprise, as presswatch rather than
"Apprise"; its failures carry no status, so they are retried with backoff.
Channel URLs are secrets: they appear only masked, in logs, tables and error texts alike.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

import httpx

from transforms.channel_formats import SENDER_NAME, json_payload, notice_payload
from transforms.retry_after import parse_retry_after

if TYPE_CHECKING:
    import apprise

LOGGER = logging.getLogger("presswatch.delivery")
WEBHOOK_SCHEMES = frozenset({"json", "jsons"})
MARKDOWN_SCHEMES = frozenset({
    "slack", "discord", "msteams", "workflow", "workflows", "mmost", "mmosts", "gchat", "rocket", "rockets",
    "matrix", "matrixs", "zulip", "tgram",
})
DEFAULT_BODY_LIMIT = 30_000
SLACK_HOOK_MODES = {"hook": "https://hooks.slack.com/services", "gov-hook": "https://hooks.slack-gov.com/services"}
DISCORD_WEBHOOKS = "https://discord.com/api/webhooks"
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@cache
def presswatch_asset() -> apprise.AppriseAsset:
    """apprise names itself in user agents, bot names, e-mail senders and icons; this names us instead. Imported
    here, when a channel is used: a shard's process never sends and need not pay for apprise's plugins."""
    import apprise

    return apprise.AppriseAsset(
        app_id=SENDER_NAME, app_desc="presswatch media monitoring", app_url="", image_url_mask="", image_url_logo=""
    )


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
    """A configured channel; the URL (and the endpoint made from it) is kept out of repr so logging the object
    cannot leak it."""

    url: str = field(repr=False)
    key: str  # sha256 of the URL: a stable identity for delivery records
    masked: str
    format: str  # one of transforms.channel_formats.FORMATS
    transport: str  # webhook (posted by us) or apprise
    body_limit: int
    target: str = field(default="", repr=False)  # the endpoint we post to, for the webhook transport
    sender: str = SENDER_NAME  # the name shown as the poster, where the service lets the poster choose

    @property
    def flavour(self) -> str:
        """The text flavour of this channel's apprise body: markdown for chat services, html for email."""
        return {"email": "html", "text": "text", "json": "text"}.get(self.format, "markdown")


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


# --- channels ---------------------------------------------------------------------------------------------


def channel_for(url: str) -> Channel:
    """Describe a channel: how to send to it, in which format, and how long a text message may be."""
    url = url.strip()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in WEBHOOK_SCHEMES:
        return Channel(url=url, key=channel_key(url), masked=mask_url(url), format="json", transport="webhook",
                       body_limit=DEFAULT_BODY_LIMIT - 40, target=json_target(url))
    import apprise

    with secrets_scrubbed([url]):
        plugin = apprise.Apprise.instantiate(url, asset=presswatch_asset())
    native = native_channel(url, plugin)
    if native is not None:
        return native
    limit = DEFAULT_BODY_LIMIT
    if plugin is not None:
        limit = min(int(getattr(plugin, "body_maxlen", limit) or limit), limit)
        title_limit = int(getattr(plugin, "title_maxlen", 250) or 0)
        # Discord counts the title inside its 2,000 characters.
        if getattr(plugin, "overflow_amalgamate_title", False) or title_limit == 0:
            limit -= 120
    channel_format = "email" if scheme in {"mailto", "mailtos"} else "markdown" if scheme in MARKDOWN_SCHEMES \
        else "text"
    return Channel(url=url, key=channel_key(url), masked=mask_url(url), format=channel_format, transport="apprise",
                   body_limit=max(limit - 40, 500))


def native_channel(url: str, plugin: Any) -> Channel | None:
    """Slack incoming webhooks, Discord webhooks and Teams Workflows, posted by us in their rich formats; None
    for every other apprise service (a Slack bot token, for one, stays with apprise)."""
    name = type(plugin).__name__ if plugin is not None else ""
    common: dict[str, Any] = {"url": url, "key": channel_key(url), "masked": mask_url(url), "transport": "webhook",
                              "body_limit": DEFAULT_BODY_LIMIT - 40}
    # A Slack webhook URL naming channels (`slack://A/B/C/#room`) stays with apprise, which posts to each.
    if name == "NotifySlack" and plugin.mode in SLACK_HOOK_MODES and not any(plugin.channels):
        target = f"{SLACK_HOOK_MODES[plugin.mode]}/{plugin.token_a}/{plugin.token_b}/{plugin.token_c}"
        return Channel(**common, format="slack", target=target, sender=plugin.user or SENDER_NAME)
    if name == "NotifyDiscord":
        target = f"{DISCORD_WEBHOOKS}/{plugin.webhook_id}/{plugin.webhook_token}"
        if plugin.thread_id:
            target += f"?thread_id={quote(str(plugin.thread_id))}"
        return Channel(**common, format="discord", target=target, sender=plugin.user or SENDER_NAME)
    if name == "NotifyWorkflows":
        path = "/powerautomate/automations/direct" if plugin.power_automate else ""
        if path and plugin.routing_id:
            path += f"/cu/{plugin.routing_id}"
        port = f":{plugin.port}" if plugin.port else ""
        query = "&".join(f"{key}={quote(value, safe='')}" for key, value in (
            ("api-version", plugin.api_version), ("sp", "/triggers/manual/run"), ("sv", "1.0"),
            ("sig", plugin.signature)))
        target = f"https://{plugin.host}{port}{path}/workflows/{plugin.workflow}/triggers/manual/paths/invoke?{query}"
        return Channel(**common, format="teams", target=target)
    return None


def json_target(url: str) -> str:
    try:
        return webhook_request(url, json_payload("", "", [], None, None))[0]
    except ValueError:
        return ""


# --- sending ----------------------------------------------------------------------------------------------


def webhook_request(
    url: str, payload: dict[str, Any]
) -> tuple[str, dict[str, str], dict[str, Any], tuple[str, str] | None]:
    """The POST apprise's json:// would make: target, headers, payload (with the URL's `:field` renames) and
    basic auth from the URL."""
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
    payload = dict(payload)
    for key, value in (parsed.get("payload") or {}).items():
        if key in payload:
            moved = payload.pop(key)
            if value:
                payload[value] = moved
        else:
            payload[key] = value
    headers = {"User-Agent": SENDER_NAME, "Content-Type": "application/json", **(parsed.get("headers") or {})}
    auth = (unquote(parsed["user"]), unquote(parsed.get("password") or "")) if parsed.get("user") else None
    return target, headers, payload, auth


def native_request(
    channel: Channel, payload: dict[str, Any]
) -> tuple[str, dict[str, str], bytes, tuple[str, str] | None]:
    """Where and what to POST for a channel we post to ourselves."""
    if channel.format == "json":
        _, headers, payload, auth = webhook_request(channel.url, payload)
    else:
        headers, auth = {"User-Agent": SENDER_NAME, "Content-Type": "application/json"}, None
        if channel.format in {"slack", "discord"}:
            payload = {**payload, "username": channel.sender}
    if not channel.target:
        raise ValueError(f"no endpoint for {channel.masked}")
    return channel.target, headers, json.dumps(payload).encode("utf-8"), auth


def send_webhook(
    channel: Channel, payload: dict[str, Any], policy: RetryPolicy, sleep: Callable[[float], None]
) -> SendOutcome:
    """POST with retries: 5xx, 408 and network errors back off; 429 waits its Retry-After; other 4xx stop."""
    try:
        target, headers, body, auth = native_request(channel, payload)
    except ValueError as error:
        return SendOutcome(False, 0, f"invalid channel URL: {error}", retry_later=False)
    detail = ""
    attempt = 0
    with httpx.Client(timeout=policy.timeout_s, follow_redirects=False, trust_env=False) as client:
        while attempt < policy.attempts:
            attempt += 1
            try:
                response = client.post(target, content=body, headers=headers,
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
                    wait_for = parse_retry_after(response.headers.get("Retry-After"))
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
    import apprise

    notifier = apprise.Apprise(asset=presswatch_asset())
    if not notifier.add(channel.url):
        return SendOutcome(False, 0, "apprise does not recognise this URL", retry_later=False)
    body_format = {"markdown": apprise.NotifyFormat.MARKDOWN, "html": apprise.NotifyFormat.HTML}.get(
        channel.flavour, apprise.NotifyFormat.TEXT
    )
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
    sleep: Callable[[float], None] = time.sleep, payload: Mapping[str, Any] | None = None,
) -> SendOutcome:
    """Deliver one message with retries; never raises, and the outcome's text never holds the URL.

    Channels we post to get `payload` (a digest message in their format) or, without one, title and body as a
    short notice in their format."""
    policy = policy or RetryPolicy()
    try:
        with secrets_scrubbed([channel.url]):
            if channel.transport == "webhook":
                content = dict(payload) if payload is not None else notice_payload(channel.format, title, body)
                outcome = send_webhook(channel, content, policy, sleep)
            else:
                outcome = send_apprise(channel, title, body, policy, sleep)
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
