"""The alert digest: who moved, in plain words first and the figures second, with evidence, rendered per channel.

Feed text is untrusted: it is escaped for each channel's markup so a headline cannot ping a whole channel or
smuggle a link, and messages are packed within each channel's size limit ("and N more" beyond it). The rich
channel formats (Slack blocks, Teams cards, Discord embeds, email HTML, JSON) live in transforms/channel_formats.py
and are built from the same AlertView records, so every channel says the same thing.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import polars as pl

from transforms.alerts import Alert

FLAVOURS = ("text", "markdown")
TITLE_LIMIT = 200
SNIPPET_LIMIT = 280
EVIDENCE_PER_ALERT = 3
EVIDENCE_CANDIDATES = 12  # per alert, so an alert whose best stories an earlier alert showed still has its own
OVERFLOW_RESERVE = 200  # room kept in the last message for the "and N more" line
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
# "@everyone", "<@U123>", "<@&123>", "@here": a zero-width space after "@" keeps the text readable and inert.
MENTION = re.compile(r"@(?=[\w&!])")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]|#])")
# Slack's mrkdwn has no escape character: emphasis characters become look-alikes so feed text cannot format.
SLACK_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\u02cb"})
ZERO_WIDTH_SPACE = "\u200b"
# Discord and Teams link a bare `https://...` or `www.` on their own: a zero-width space after the scheme's colon
# (or after "www") leaves feed text readable but unlinked, so only the links we build are links.
BARE_LINK = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*:)(?=//)|\b(www)(?=\.)")
# Gmail, Outlook and Telegram link a bare domain name too ("evil-poll.com", "bbc.co.uk"): the same space before
# each of its dots. "e.g." and "3.5" are left alone (a label of two letters or more must follow the dot).
BARE_DOMAIN_DOT = re.compile(r"(?i)(?<=[a-z0-9-])(?=\.[a-z]{2,}\b)")


@dataclass(frozen=True)
class Evidence:
    """One headline backing an alert, with its link and a sentence that names the subject."""

    title: str
    url: str
    outlet: str
    snippet: str
    story_id: str = ""

    @property
    def key(self) -> str:
        """What makes two pieces of evidence the same story in one digest."""
        return self.story_id or self.url or self.title


@dataclass(frozen=True)
class AlertContext:
    """What the warehouse says around an alert: its outlets, candidate headlines and who else was named."""

    headlines: tuple[Evidence, ...] = ()
    outlets: tuple[tuple[str, int], ...] = ()
    co_mentioned: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class DigestEntry:
    """One alert in a digest; delayed_since marks an alert an earlier run fired (a retry, or a new channel)."""

    alert: Alert
    context: AlertContext = field(default_factory=AlertContext)
    delayed_since: datetime | None = None


@dataclass(frozen=True)
class AlertView:
    """One alert as every channel shows it: a sentence in plain words, the statistics, and the evidence.

    Strings are unescaped; each channel format escapes them for its own markup.
    """

    alert: Alert
    name: str  # display name of the subject
    headline: str  # "Keir Starmer: 11 stories in the last 24 hours, about 7 times a usual day"
    basis: str  # what "usual" is, in words whose figures agree with the headline: the channels' second line
    statistics: str  # the figures (expected, ratio, z) for the JSON record and the preview, never the channel text
    outlets: tuple[tuple[str, int], ...] = ()
    also_named: tuple[tuple[str, int], ...] = ()  # display names
    evidence: tuple[Evidence, ...] = ()
    delayed_since: datetime | None = None

    @property
    def alert_id(self) -> str:
        return self.alert.alert_id

    @property
    def delayed_note(self) -> str:
        if self.delayed_since is None:
            return ""
        return f"delayed: first fired {self.delayed_since:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class DigestMessage:
    """One message to send: its title, its body (text, Markdown or HTML), a JSON payload for channels posted
    directly, and the alerts it carries (for per-alert delivery records)."""

    title: str
    body: str
    alert_ids: tuple[str, ...] = field(default_factory=tuple)
    payload: Mapping[str, Any] | None = None


# --- escaping ---------------------------------------------------------------------------------------------


def clean_untrusted(text: str, limit: int) -> str:
    """Feed text made inert for any channel: no control characters, no pings, no markup brackets, bounded."""
    text = CONTROL_CHARACTERS.sub("", text or "")
    text = " ".join(text.split())
    text = text.replace("<", "\u2039").replace(">", "\u203a")
    text = MENTION.sub("@" + ZERO_WIDTH_SPACE, text)
    return cut(text, limit)


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when shortened."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "\u2026"


def escape_for(text: str, flavour: str, limit: int = TITLE_LIMIT) -> str:
    """Untrusted text escaped for a flavour: markdown loses its emphasis, link and code characters and its bare
    addresses are unlinked; slack (mrkdwn) gets look-alikes for them and `&` escaped (its text objects say
    verbatim, so Slack links nothing itself); html is entity-escaped."""
    cleaned = clean_untrusted(text, limit)
    if flavour == "markdown":
        return MARKDOWN_SPECIAL.sub(r"\\\1", unlinked(cleaned))
    if flavour == "slack":
        return cleaned.replace("&", "&amp;").translate(SLACK_LOOKALIKES)
    if flavour == "html":
        return html.escape(unlinked(cleaned), quote=True)
    return cleaned


def unlinked(text: str) -> str:
    """Text no mail or chat client links on its own: a zero-width space after a scheme's colon or "www", and
    before each dot of a bare domain name; it reads the same."""
    text = BARE_LINK.sub(lambda match: (match.group(1) or match.group(2)) + ZERO_WIDTH_SPACE, text)
    return BARE_DOMAIN_DOT.sub(ZERO_WIDTH_SPACE, text)


def safe_link(url: str) -> str | None:
    """The URL if it is http(s) with a host, percent-encoded so it cannot break out of a markdown link."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


# --- wording ----------------------------------------------------------------------------------------------


def name_of(identifier: str, names: Mapping[str, str], joiner: str = " + ") -> str:
    """Display name of a person/topic id, or of a pair/watch subject made of ids."""
    return joiner.join(names.get(part, part) for part in identifier.split("+"))


def window_hours(alert: Alert) -> int:
    return round((alert.window_end - alert.window_start).total_seconds() / 3600)


def period_words(alert: Alert) -> str:
    hours = window_hours(alert)
    return "in the last hour" if hours == 1 else f"in the last {hours} hours"


def unit_words(alert: Alert) -> str:
    hours = window_hours(alert)
    return "day" if hours == 24 else "hour" if hours == 1 else f"{hours} hours"


def usual_words(alert: Alert) -> str:
    """What "usual" means for this alert's baseline: the same weekday (and hour) when seasonal, else any day."""
    hours = window_hours(alert)
    if alert.baseline_label.startswith("same hour of week"):
        if hours == 1:
            return f"a usual {alert.window_start:%A} at {alert.window_start:%H}:00 UTC"
        return f"a usual {alert.window_end:%A}"
    return "a usual day" if hours == 24 else "a usual hour" if hours == 1 else f"a usual {hours}-hour period"


def times_words(ratio: float) -> str:
    """"about 7 times" for big ratios, "about 2.4 times" below 3 where the decimal matters."""
    return f"about {round(ratio)} times" if ratio >= 2.95 else f"about {ratio:.1f} times"


def usual_count_words(usual: float) -> str:
    """A usual count as a press officer says it: the whole numbers around it ("1 to 2 stories"), so the
    headline's multiple (count / usual) always lies between the count over each end."""
    if usual < 1:
        return "less than one story"
    low, high = math.floor(usual), math.ceil(usual)
    stories = "story" if high == 1 else "stories"
    return f"about {low} {stories}" if low == high else f"{low} to {high} {stories}"


def headline_for(alert: Alert, name: str) -> str:
    """The alert in one plain sentence a reader understands without the statistics."""
    if alert.event == "new-pairing":
        text = f"{name}: named together in {alert.value:g} stories {period_words(alert)}, for the first time"
    elif alert.event == "watch-term":
        text = f"{name}: {alert.value:g} stories {period_words(alert)}"
    elif alert.event == "feed-dead":
        text = f"Feed {name} is failing: {alert.value:g} runs in a row since {alert.window_start:%Y-%m-%d %H:%M} UTC"
    elif alert.event == "feed-recovered":
        text = f"Feed {name} is fetching again"
    elif alert.event == "quote-pickup":
        text = f"{name}: quote run by {alert.value:g} outlets {period_words(alert)}: “{alert.note}”"
    else:
        text = f"{name}: {alert.value:g} stories {period_words(alert)}, {times_words(alert.ratio)} {usual_words(alert)}"
    if alert.escalation and alert.previous_value is not None:
        text += f", up from {alert.previous_value:g} at the last alert"
    return text


def basis_for(alert: Alert) -> str:
    """The line under the headline in every channel: what the headline compares with, in words and in figures a
    reader can check against it (a spike's "usual" is at today's news volume, as its multiple is)."""
    usual = usual_words(alert)
    if alert.event == "new-pairing":
        parts = [alert.baseline_label]
    elif alert.event == "watch-term":
        parts = [f"alerts at {alert.expected:g} stories or more", f"{usual} brings {usual_count_words(alert.baseline)}"]
    elif alert.event in {"feed-dead", "feed-recovered"}:
        parts = [alert.note]
    elif alert.event == "quote-pickup":
        parts = [f"{alert.value:g} outlets, {alert.baseline:g} articles", alert.baseline_label]
    else:
        judged = f" (judged on the {alert.baseline_label})" if alert.baseline_label else ""
        parts = [f"{usual} brings {usual_count_words(alert.expected)} at today's news volume{judged}"]
    text = "; ".join([*(part for part in parts if part), f"rule {alert.rule}"])
    return text[:1].upper() + text[1:]


def statistics_for(alert: Alert) -> str:
    """The figures behind the headline, for readers who want to check it (the preview and the JSON record)."""
    if alert.event not in {"spike", ""}:
        return basis_for(alert)
    label = f" ({alert.baseline_label})" if alert.baseline_label else ""
    parts = [
        f"{alert.value:g} stories against {alert.expected:g} expected at this volume",
        f"usual {alert.baseline:g} a {unit_words(alert)} at any volume{label}",
        f"ratio {alert.ratio:g}, z={alert.zscore:g}",
    ]
    return "; ".join([*parts, f"rule {alert.rule}"])


# The digest's one order, for the console and every channel: people's news before feed housekeeping, the
# biggest move first, then the subject so equal moves never swap between two renderings.
EVENT_ORDER = ("spike", "watch-term", "new-pairing", "quote-pickup", "feed-dead", "feed-recovered")


def digest_order(entry: DigestEntry) -> tuple[int, float, float, str, str]:
    alert = entry.alert
    rank = EVENT_ORDER.index(alert.event) if alert.event in EVENT_ORDER else len(EVENT_ORDER)
    return rank, -alert.ratio, -alert.value, alert.subject, alert.alert_id


def alert_views(
    entries: Sequence[DigestEntry], names: Mapping[str, str], evidence_limit: int = EVIDENCE_PER_ALERT
) -> list[AlertView]:
    """Every entry as a view, in the digest's order (digest_order, wherever the entries came from); a story
    shown as evidence for one alert is not shown again for a later one."""
    shown: set[str] = set()
    views = []
    for entry in sorted(entries, key=digest_order):
        alert, context = entry.alert, entry.context
        joiner = " and " if alert.subject_kind == "pair" else " with " if alert.subject_kind == "watch" else " + "
        # A quote's subject is "person_id:digest of its words"; its reader wants the person
        name = name_of(alert.members[0] if alert.subject_kind == "quote" else alert.subject, names, joiner)
        evidence: list[Evidence] = []
        for item in context.headlines:
            if len(evidence) == evidence_limit:
                break
            if item.key not in shown:
                shown.add(item.key)
                evidence.append(item)
        views.append(
            AlertView(
                alert=alert,
                name=name,
                headline=headline_for(alert, name),
                basis=basis_for(alert),
                statistics=statistics_for(alert),
                outlets=context.outlets,
                also_named=tuple((name_of(person, names), count) for person, count in context.co_mentioned),
                evidence=tuple(evidence),
                delayed_since=entry.delayed_since,
            )
        )
    return views


def digest_title(count: int, as_of: datetime) -> str:
    return f"presswatch: {count} alert{'s' if count != 1 else ''} as of {as_of:%Y-%m-%d %H:%M} UTC"


def more_alerts_line(rest: Sequence[AlertView], flavour: str) -> str:
    """The closing line naming alerts that did not fit in the message cap; they are all in the alerts table."""
    shown = ", ".join(escape_for(view.name, flavour) for view in rest[:5])
    line = f"... and {len(rest)} more alert{'s' if len(rest) != 1 else ''}: {shown}"
    line += " (see the alerts table)" if len(rest) <= 5 else ", ... (see the alerts table)"
    return line[: OVERFLOW_RESERVE - 2]


# --- text and markdown ------------------------------------------------------------------------------------


def render_view(view: AlertView, flavour: str, statistics: bool = False) -> str:
    """One alert's block: the plain sentence, what it compares with, outlets, co-mentioned people, evidence; the
    statistics only when asked (the preview), never in a channel."""
    markdown = flavour == "markdown"
    headline = escape_for(view.headline, flavour, SNIPPET_LIMIT)
    lines = [f"• **{headline}**" if markdown else f"* {headline}"]
    lines.append(f"  {escape_for(view.basis, flavour, 2 * SNIPPET_LIMIT)}")
    if statistics and view.statistics != view.basis:
        lines.append(f"  Figures: {escape_for(view.statistics, flavour, 2 * SNIPPET_LIMIT)}")
    if view.delayed_since is not None:
        lines.append(f"  ({view.delayed_note})")
    if view.outlets:
        outlets = ", ".join(f"{escape_for(outlet, flavour)} ({count})" for outlet, count in view.outlets)
        lines.append(f"  Top outlets: {outlets}")
    if view.also_named:
        people = ", ".join(f"{escape_for(person, flavour)} ({count})" for person, count in view.also_named)
        lines.append(f"  Also named: {people}")
    for item in view.evidence:
        title = escape_for(item.title, flavour)
        outlet = escape_for(item.outlet, flavour)
        headline_line = link_line(title, safe_link(item.url), markdown)
        lines.append(f"  - {headline_line}" + (f" ({outlet})" if outlet else ""))
        if item.snippet:
            lines.append(f'    "{escape_for(item.snippet, flavour, SNIPPET_LIMIT)}"')
    return "\n".join(lines)


def render_entry(entry: DigestEntry, names: Mapping[str, str], flavour: str) -> str:
    """One entry on its own, rendered as text or markdown."""
    return render_view(alert_views([entry], names)[0], flavour)


def link_line(title: str, link: str | None, markdown: bool) -> str:
    """A headline with its link in the flavour's form; without a safe link, the headline alone."""
    if not link:
        return title
    return f"[{title}]({link})" if markdown else f"{title} {link}"


def report_line(report_url: str, flavour: str) -> str:
    link = safe_link(report_url)
    if not link:
        return ""
    return f"[Open the full report]({link})" if flavour == "markdown" else f"Full report: {link}"


# --- packing ----------------------------------------------------------------------------------------------

Unit = TypeVar("Unit")


def pack_units(
    units: Sequence[tuple[AlertView, Unit]],
    fits: Callable[[list[Unit]], bool],
    overflow: Callable[[Sequence[AlertView]], Unit],
    max_messages: int,
) -> list[tuple[list[Unit], tuple[str, ...]]]:
    """Group rendered alerts into at most max_messages messages that each `fit`; alerts beyond the last message
    become one overflow unit in it, and count as carried by it (listed after the shown ones). Every unit must fit
    a message on its own."""
    groups: list[tuple[list[Unit], list[str]]] = []
    current: list[Unit] = []
    ids: list[str] = []
    index = 0
    while index < len(units):
        view, unit = units[index]
        if not current or fits([*current, unit]):
            current.append(unit)
            ids.append(view.alert_id)
            index += 1
            continue
        if len(groups) == max_messages - 1:
            break
        groups.append((current, ids))
        current, ids = [], []
    if index < len(units):
        # The overflow line must fit the last message too: hand back its last alerts until it does.
        while current and not fits([*current, overflow([view for view, _ in units[index:]])]):
            current.pop()
            ids.pop()
            index -= 1
        rest = [view for view, _ in units[index:]]
        current.append(overflow(rest))
        ids.extend(view.alert_id for view in rest)
    groups.append((current, ids))
    return [(group, tuple(group_ids)) for group, group_ids in groups]


def numbered(messages: list[DigestMessage]) -> list[DigestMessage]:
    """"(1/3)" after each title when a digest takes more than one message."""
    if len(messages) < 2:
        return messages
    return [
        DigestMessage(f"{message.title} ({number}/{len(messages)})", message.body, message.alert_ids, message.payload)
        for number, message in enumerate(messages, start=1)
    ]


def truncate_block(block: str, limit: int) -> str:
    """Cut a block that alone exceeds the limit, saying so."""
    marker = "\n  (cut to fit the channel)"
    return block if len(block) <= limit else block[: max(limit - len(marker), 0)].rstrip() + marker


def pack_views(
    views: Sequence[AlertView], *, flavour: str, body_limit: int, max_messages: int, report_url: str = ""
) -> list[tuple[str, tuple[str, ...], int]]:
    """Text or markdown bodies within body_limit, each with the alert ids it carries and how many of them it
    shows in full (the rest are named in its "and N more" line)."""
    footer = report_line(report_url, flavour)
    room = body_limit - (len(footer) + 2 if footer else 0)
    blocks = [(view, truncate_block(render_view(view, flavour), room - OVERFLOW_RESERVE)) for view in views]
    groups = pack_units(
        blocks,
        lambda parts: len("\n\n".join(parts)) <= room,
        lambda rest: more_alerts_line(rest, flavour),
        max_messages,
    )
    packed = []
    for parts, ids in groups:
        shown = len(parts) - 1 if parts[-1].startswith("... and ") else len(parts)
        packed.append(("\n\n".join([*parts, footer] if footer else parts), ids, shown))
    return packed


def pack_messages(
    entries: Sequence[DigestEntry],
    names: Mapping[str, str],
    *,
    flavour: str,
    as_of: datetime,
    body_limit: int,
    max_messages: int = 5,
    report_url: str = "",
) -> list[DigestMessage]:
    """The digest split into messages of at most body_limit characters; alerts beyond max_messages are listed
    by name in a closing "and N more" line, which counts as delivering them."""
    if not entries:
        return []
    views = alert_views(entries, names)
    title = digest_title(len(entries), as_of)
    bodies = pack_views(views, flavour=flavour, body_limit=body_limit, max_messages=max_messages,
                        report_url=report_url)
    return numbered([DigestMessage(title, body, ids) for body, ids, _ in bodies])


def plain_digest(
    entries: Sequence[DigestEntry], names: Mapping[str, str], as_of: datetime, report_url: str = "",
    statistics: bool = False,
) -> str:
    """The whole digest as plain text for the console (with each alert's figures when asked); empty when nothing
    fired."""
    if not entries:
        return ""
    blocks = [render_view(view, "text", statistics) for view in alert_views(entries, names)]
    footer = report_line(report_url, "text")
    return "\n\n".join([digest_title(len(entries), as_of), *blocks, *([footer] if footer else [])])


# --- evidence from article rows ---------------------------------------------------------------------------

# The alert kinds with evidence in the warehouse (alerts_evidence in warehouse/sql/alert_evidence.sql); a feed's
# alerts have none.
EVIDENCE_KINDS = ("person", "topic", "pair", "watch", "quote")


def evidence_requests(alerts: Sequence[Alert]) -> dict[str, list[Any]]:
    """What the evidence reads ask about alerts of the kinds with evidence, as lists read side by side (one alert
    per position, each alert once): the kind, the first and second ids (a pair's two people, a watch's person and
    topic, otherwise the subject), the window, and the members its co-mentioned people leave out."""
    asked: dict[str, Alert] = {}
    for alert in alerts:
        if alert.subject_kind in EVIDENCE_KINDS:
            asked.setdefault(alert.alert_id, alert)
    ordered = list(asked.values())
    paired = [alert.subject_kind in ("pair", "watch") for alert in ordered]
    return {
        "alert_ids": [alert.alert_id for alert in ordered],
        "kinds": [alert.subject_kind for alert in ordered],
        "first_ids": [alert.members[0] if two else alert.subject for alert, two in zip(ordered, paired, strict=True)],
        "second_ids": [alert.members[1] if two else None for alert, two in zip(ordered, paired, strict=True)],
        "window_starts": [alert.window_start for alert in ordered],
        "window_ends": [alert.window_end for alert in ordered],
        "exclusions": [list(alert.members) for alert in ordered],
    }


def contexts_from_evidence(
    articles: pl.DataFrame, outlets: pl.DataFrame, co_mentioned: pl.DataFrame, candidates: int
) -> dict[str, AlertContext]:
    """Each alert's context from the evidence reads' rows, all carrying alert_id: up to `candidates` headlines from
    its articles (see pick_headlines), its outlets and its co-mentioned people in the order the reads give them."""
    outlet_rows: dict[str, list[tuple[str, int]]] = {}
    for row in outlets.iter_rows(named=True):
        outlet_rows.setdefault(row["alert_id"], []).append((row["outlet"] or "", int(row["stories"])))
    people_rows: dict[str, list[tuple[str, int]]] = {}
    for row in co_mentioned.iter_rows(named=True):
        people_rows.setdefault(row["alert_id"], []).append((row["person_id"], int(row["stories"])))
    by_alert = articles.partition_by("alert_id", as_dict=True, include_key=False, maintain_order=True)
    return {
        str(alert_id): AlertContext(
            headlines=pick_headlines(frame, candidates),
            outlets=tuple(outlet_rows.get(str(alert_id), ())),
            co_mentioned=tuple(people_rows.get(str(alert_id), ())),
        )
        for (alert_id,), frame in by_alert.items()
    }


def pick_headlines(articles: pl.DataFrame, limit: int = EVIDENCE_PER_ALERT) -> tuple[Evidence, ...]:
    """Up to `limit` headlines, one per story, from the outlets with most stories first, newest within.

    articles: story_id, title, url, outlet, published_at, snippet.
    """
    if articles.is_empty():
        return ()
    outlet_weight = articles.group_by("outlet").agg(pl.col("story_id").n_unique().alias("outlet_stories"))
    # One story per outlet before a second from any: the digest should show who drove the spike, not one paper.
    # Stable sorts: articles published at the same moment keep the order they come in (the warehouse's read orders
    # them by article id), so the same rows always give the same headlines.
    ranked = (
        articles.join(outlet_weight, on="outlet", how="left", maintain_order="left")
        .sort(["published_at"], descending=True, maintain_order=True)
        .unique(subset=["story_id"], keep="first", maintain_order=True)
        .with_columns(pl.col("published_at").rank("ordinal", descending=True).over("outlet").alias("turn"))
        .sort(["turn", "outlet_stories", "published_at"], descending=[False, True, True], maintain_order=True)
        .head(limit)
    )
    return tuple(
        Evidence(
            title=row["title"] or "", url=row["url"] or "", outlet=row["outlet"] or "", snippet=row["snippet"] or "",
            story_id=str(row["story_id"] or ""),
        )
        for row in ranked.iter_rows(named=True)
    )
