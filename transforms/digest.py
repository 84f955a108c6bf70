"""The alert digest: who moved, by how much against what usual level, and the evidence, rendered per channel.

Feed text is untrusted: it is escaped for each channel's markup so a headline cannot ping a whole channel or
smuggle a link, and messages are packed within each channel's size limit ("and N more" beyond it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import quote, urlsplit

import polars as pl

from transforms.alerts import Alert

FLAVOURS = ("text", "markdown")
TITLE_LIMIT = 200
SNIPPET_LIMIT = 280
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
# "@everyone", "<@U123>", "<@&123>", "@here": a zero-width space after "@" keeps the text readable and inert.
MENTION = re.compile(r"@(?=[\w&!])")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]|#])")
ZERO_WIDTH_SPACE = "\u200b"


@dataclass(frozen=True)
class Evidence:
    """One headline backing an alert, with its link and a sentence that names the subject."""

    title: str
    url: str
    outlet: str
    snippet: str


@dataclass(frozen=True)
class AlertContext:
    """What the warehouse says around an alert: its outlets, headlines and who else was named."""

    headlines: tuple[Evidence, ...] = ()
    outlets: tuple[tuple[str, int], ...] = ()
    co_mentioned: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class DigestEntry:
    """One alert in a digest; delayed_since marks a retry of an alert an earlier run could not deliver."""

    alert: Alert
    context: AlertContext = field(default_factory=AlertContext)
    delayed_since: datetime | None = None


@dataclass(frozen=True)
class DigestMessage:
    """One message to send: its title, its body, and the alerts it carries (for per-alert delivery records)."""

    title: str
    body: str
    alert_ids: tuple[str, ...] = field(default_factory=tuple)


# --- escaping ---------------------------------------------------------------------------------------------


def clean_untrusted(text: str, limit: int) -> str:
    """Feed text made inert for any channel: no control characters, no pings, no markup brackets, bounded."""
    text = CONTROL_CHARACTERS.sub("", text or "")
    text = " ".join(text.split())
    text = text.replace("<", "\u2039").replace(">", "\u203a")
    text = MENTION.sub("@" + ZERO_WIDTH_SPACE, text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text


def escape_for(text: str, flavour: str, limit: int = TITLE_LIMIT) -> str:
    """Untrusted text escaped for a flavour: markdown also loses its emphasis, link and code characters."""
    cleaned = clean_untrusted(text, limit)
    return MARKDOWN_SPECIAL.sub(r"\\\1", cleaned) if flavour == "markdown" else cleaned


def safe_link(url: str) -> str | None:
    """The URL if it is http(s) with a host, percent-encoded so it cannot break out of a markdown link."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


# --- wording ----------------------------------------------------------------------------------------------


def name_of(identifier: str, names: Mapping[str, str]) -> str:
    """Display name of a person/topic id, or of a pair/watch subject made of ids."""
    return " + ".join(names.get(part, part) for part in identifier.split("+"))


def describe_alert(alert: Alert, display_name: str) -> str:
    """One line saying what moved and against which baseline."""
    when = f"{alert.window_end:%Y-%m-%d %H:%M} UTC"
    label = f", {alert.baseline_label}" if alert.baseline_label else ""
    if alert.event == "new-pairing":
        text = (
            f"{display_name} named in the same sentence in {alert.value:g} stories in the "
            f"{alert.window_hours_label()} to {when} ({alert.baseline_label})"
        )
    elif alert.event == "watch-term":
        text = (
            f"{display_name}: {alert.value:g} stories in the {alert.window_hours_label()} to {when} "
            f"(threshold {alert.expected:g}, usual {alert.baseline:g}/window)"
        )
    elif alert.event == "feed-dead":
        text = (
            f"feed {display_name} has failed {alert.value:g} runs in a row since "
            f"{alert.window_start:%Y-%m-%d %H:%M} UTC ({alert.note})"
        )
    elif alert.event == "feed-recovered":
        text = f"feed {display_name} recovered: {alert.note}"
    else:
        text = (
            f"{display_name}: {alert.value:g} stories in the {alert.window_hours_label()} to {when}, "
            f"{alert.ratio:g}x the {alert.expected:g} expected at this volume "
            f"(usual {alert.baseline:g}/window{label}, z={alert.zscore:g})"
        )
    if alert.escalation and alert.previous_value is not None:
        text += f" [escalation: up from {alert.previous_value:g}]"
    return text


def render_entry(entry: DigestEntry, names: Mapping[str, str], flavour: str) -> str:
    """One alert's block: headline line, outlets, co-mentioned people, up to 3 headlines with a sentence each."""
    alert, context = entry.alert, entry.context
    markdown = flavour == "markdown"
    display = escape_for(name_of(alert.subject, names), flavour)
    line = describe_alert(alert, f"**{display}**" if markdown else display)
    if alert.event in {"feed-dead", "feed-recovered"}:
        # The note quotes a fetch error, which may carry feed text.
        line = describe_alert(
            replace(alert, note=escape_for(alert.note, flavour, SNIPPET_LIMIT)),
            f"**{display}**" if markdown else display,
        )
    lines = [f"{'•' if markdown else '*'} {line}  [{alert.rule}]"]
    if entry.delayed_since is not None:
        lines.append(f"  (delayed: first fired {entry.delayed_since:%Y-%m-%d %H:%M} UTC)")
    if context.outlets:
        outlets = ", ".join(f"{escape_for(outlet, flavour)} ({count})" for outlet, count in context.outlets)
        lines.append(f"  Top outlets: {outlets}")
    if context.co_mentioned:
        people = ", ".join(
            f"{escape_for(name_of(person, names), flavour)} ({count})" for person, count in context.co_mentioned
        )
        lines.append(f"  Also named: {people}")
    for item in context.headlines[:3]:
        title = escape_for(item.title, flavour)
        outlet = escape_for(item.outlet, flavour)
        link = safe_link(item.url)
        headline = link_line(title, link, markdown)
        lines.append(f"  - {headline}" + (f" ({outlet})" if outlet else ""))
        if item.snippet:
            lines.append(f'    "{escape_for(item.snippet, flavour, SNIPPET_LIMIT)}"')
    return "\n".join(lines)


def link_line(title: str, link: str | None, markdown: bool) -> str:
    """A headline with its link in the flavour's form; without a safe link, the headline alone."""
    if not link:
        return title
    return f"[{title}]({link})" if markdown else f"{title} {link}"


def digest_title(count: int, as_of: datetime) -> str:
    return f"presswatch: {count} alert{'s' if count != 1 else ''} as of {as_of:%Y-%m-%d %H:%M} UTC"


# --- packing ----------------------------------------------------------------------------------------------


def truncate_block(block: str, limit: int) -> str:
    """Cut a block that alone exceeds the limit, saying so."""
    marker = "\n  (cut to fit the channel)"
    return block if len(block) <= limit else block[: max(limit - len(marker), 0)].rstrip() + marker


def pack_messages(
    entries: Sequence[DigestEntry],
    names: Mapping[str, str],
    *,
    flavour: str,
    as_of: datetime,
    body_limit: int,
    max_messages: int = 5,
) -> list[DigestMessage]:
    """The digest split into messages of at most body_limit characters; alerts beyond max_messages are listed
    by name in a closing "and N more" line, which counts as delivering them."""
    if not entries:
        return []
    title = digest_title(len(entries), as_of)
    blocks = [(entry.alert.alert_id, render_entry(entry, names, flavour)) for entry in entries]
    reserve = 200  # room for the closing "and N more" line
    messages: list[DigestMessage] = []
    body: list[str] = []
    ids: list[str] = []
    index = 0
    while index < len(blocks):
        alert_id, block = blocks[index]
        last_message = len(messages) == max_messages - 1
        room = body_limit - (reserve if last_message else 0)
        block = truncate_block(block, room)
        candidate = "\n\n".join([*body, block])
        if len(candidate) <= room:
            body.append(block)
            ids.append(alert_id)
            index += 1
            continue
        if not body:  # cannot happen after truncation, but never loop forever
            body.append(block[:room])
            ids.append(alert_id)
            index += 1
            continue
        if last_message:
            break
        messages.append(DigestMessage(title=title, body="\n\n".join(body), alert_ids=tuple(ids)))
        body, ids = [], []
    rest = entries[index:]
    if rest:
        shown = ", ".join(escape_for(name_of(entry.alert.subject, names), flavour) for entry in rest[:5])
        more = f"\n\n... and {len(rest)} more alert{'s' if len(rest) != 1 else ''}: {shown}"
        more += " (see the alerts table)" if len(rest) <= 5 else ", ... (see the alerts table)"
        body.append(more.strip()[: reserve - 2])
        ids.extend(entry.alert.alert_id for entry in rest)
    messages.append(DigestMessage(title=title, body="\n\n".join(body), alert_ids=tuple(ids)))
    if len(messages) > 1:
        messages = [
            DigestMessage(
                title=f"{message.title} ({number}/{len(messages)})", body=message.body, alert_ids=message.alert_ids
            )
            for number, message in enumerate(messages, start=1)
        ]
    return messages


def plain_digest(entries: Sequence[DigestEntry], names: Mapping[str, str], as_of: datetime) -> str:
    """The whole digest as plain text for the console; empty when nothing fired."""
    if not entries:
        return ""
    blocks = [render_entry(entry, names, "text") for entry in entries]
    return "\n\n".join([digest_title(len(entries), as_of), *blocks])


# --- evidence from article rows ---------------------------------------------------------------------------


def pick_headlines(articles: pl.DataFrame, limit: int = 3) -> tuple[Evidence, ...]:
    """Up to `limit` headlines, one per story, from the outlets with most stories first, newest within.

    articles: story_id, title, url, outlet, published_at, snippet.
    """
    if articles.is_empty():
        return ()
    outlet_weight = articles.group_by("outlet").agg(pl.col("story_id").n_unique().alias("outlet_stories"))
    # One story per outlet before a second from any: the digest should show who drove the spike, not one paper.
    ranked = (
        articles.join(outlet_weight, on="outlet", how="left")
        .sort(["published_at"], descending=True)
        .unique(subset=["story_id"], keep="first", maintain_order=True)
        .with_columns(pl.col("published_at").rank("ordinal", descending=True).over("outlet").alias("turn"))
        .sort(["turn", "outlet_stories", "published_at"], descending=[False, True, True])
        .head(limit)
    )
    return tuple(
        Evidence(
            title=row["title"] or "", url=row["url"] or "", outlet=row["outlet"] or "", snippet=row["snippet"] or ""
        )
        for row in ranked.iter_rows(named=True)
    )
