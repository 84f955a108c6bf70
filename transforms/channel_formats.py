"""The digest in each channel's own format: Slack Block Kit, a Teams Adaptive Card, Discord embeds, an HTML
email, structured JSON, or Markdown/plain text for the other apprise services.

Every format is built from the same AlertView records (transforms/digest.py), escapes feed text for its own
markup, stays within the platform's documented limits (the constants below, with their source) and posts as
presswatch. A digest too big for one message is split; beyond max_messages the rest is named in an "and N more"
line, like the text digest.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from transforms.digest import (
    SNIPPET_LIMIT,
    AlertView,
    DigestMessage,
    Evidence,
    cut,
    digest_title,
    escape_for,
    more_alerts_line,
    numbered,
    pack_units,
    pack_views,
    safe_link,
)

FORMATS = ("text", "markdown", "slack", "discord", "teams", "email", "json")
SENDER_NAME = "presswatch"

# Slack Block Kit: https://docs.slack.dev/reference/block-kit/blocks (a message holds at most 50 blocks; a
# section's text at most 3,000 characters; a header's plain text at most 150; a context at most 10 elements).
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_TEXT = 3000
SLACK_HEADER_TEXT = 150
SLACK_CONTEXT_ELEMENTS = 10
# chat.postMessage truncates `text` after 40,000 characters (https://docs.slack.dev/reference/methods/
# chat.postMessage); with blocks it is only the notification fallback, so we keep it short.
SLACK_FALLBACK_TEXT = 3000

# Discord: https://discord.com/developers/docs/resources/message#embed-object-embed-limits and
# https://discord.com/developers/docs/resources/webhook#execute-webhook (content 2,000; 10 embeds a message).
DISCORD_CONTENT = 2000
DISCORD_EMBEDS = 10
DISCORD_EMBED_TITLE = 256
DISCORD_EMBED_DESCRIPTION = 4096
DISCORD_EMBED_FIELDS = 25
DISCORD_FIELD_NAME = 256
DISCORD_FIELD_VALUE = 1024
DISCORD_FOOTER = 2048
DISCORD_AUTHOR = 256
DISCORD_EMBED_TOTAL = 6000  # title, description, field names and values, footer and author of all embeds
DISCORD_DESCRIPTION_BUDGET = 1800  # ours: two full alerts and the "and N more" line fit in 6,000

# Microsoft Teams: "The message size limit is 28 KB" (https://learn.microsoft.com/en-us/microsoftteams/platform/
# webhooks-and-connectors/how-to/add-incoming-webhook); Workflows post Adaptive Cards up to schema 1.4 reliably.
TEAMS_MESSAGE_BYTES = 28 * 1024
TEAMS_PAYLOAD_BUDGET = 20_000  # ours: users report 413s below the documented 28 KB
TEAMS_CARD_VERSION = "1.4"
TEAMS_TEXT_BUDGET = 4000  # ours, per alert's details block

# Email: Gmail clips a message over 102 KB ("[Message clipped]", https://support.google.com/mail/answer/6594).
EMAIL_CLIP_BYTES = 102 * 1024
EMAIL_HTML_BUDGET = 90_000

# Generic JSON receivers have no documented limit: the text form keeps the 30,000 characters used elsewhere.
JSON_MESSAGE_BUDGET = 30_000


def format_digest(
    views: Sequence[AlertView],
    channel_format: str,
    *,
    as_of: datetime,
    body_limit: int,
    max_messages: int,
    report_url: str = "",
) -> list[DigestMessage]:
    """The digest's messages for one channel format; empty without alerts."""
    if not views:
        return []
    title = digest_title(len(views), as_of)
    if channel_format == "slack":
        messages = slack_messages(views, title, max_messages, report_url)
    elif channel_format == "discord":
        messages = discord_messages(views, title, max_messages, report_url)
    elif channel_format == "teams":
        messages = teams_messages(views, title, max_messages, report_url)
    elif channel_format == "email":
        messages = email_messages(views, title, max_messages, report_url)
    elif channel_format == "json":
        messages = json_messages(views, title, as_of, min(body_limit, JSON_MESSAGE_BUDGET), max_messages,
                                 report_url)
    else:
        bodies = pack_views(views, flavour=channel_format, body_limit=body_limit, max_messages=max_messages,
                            report_url=report_url)
        messages = numbered([DigestMessage(title, body, ids) for body, ids, _ in bodies])
    return messages


def notice_payload(channel_format: str, title: str, body: str) -> dict[str, Any]:
    """A short message outside the digest (a test message, a failed run) in a directly posted format."""
    if channel_format == "json":
        return json_payload(title, body, [], None, None)
    title, body = clean_title(title), escape_for(body, "text", 1500)
    if channel_format == "slack":
        return {"username": SENDER_NAME, "text": f"{title}: {body}",
                "blocks": [header_block(title), section(escape_for(body, "slack", 1500))]}
    if channel_format == "discord":
        return {"username": SENDER_NAME, "content": cut(f"**{escape_for(title, 'markdown')}**\n{body}",
                                                        DISCORD_CONTENT), "allowed_mentions": {"parse": []}}
    if channel_format == "teams":
        return teams_payload([text_block(title, weight="Bolder", size="Large"), text_block(body)], None)
    return {"title": title, "message": body}


def part_titles(title: str, count: int) -> list[str]:
    """"(1/3)" after the title of each message when a digest takes more than one."""
    return [title] if count == 1 else [f"{title} ({number}/{count})" for number in range(1, count + 1)]


def clean_title(title: str) -> str:
    return escape_for(title, "text", SLACK_HEADER_TEXT)


# --- Slack ------------------------------------------------------------------------------------------------


def header_block(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": cut(text, SLACK_HEADER_TEXT), "emoji": False}}


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack then links, pings and names channels only where our own <...> markup says so, never in a
    # bare https://... of a feed's headline.
    return {"type": "mrkdwn", "text": cut(text, SLACK_SECTION_TEXT), "verbatim": True}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def context(*texts: str) -> dict[str, Any]:
    elements = [mrkdwn(text) for text in texts if text]
    return {"type": "context", "elements": elements[:SLACK_CONTEXT_ELEMENTS]}


def slack_link(title: str, url: str) -> str:
    link = safe_link(url)
    return f"<{link}|{title}>" if link else title


def details_lines(view: AlertView, flavour: str, link: Any) -> list[str]:
    """Outlets, co-mentioned people and evidence as lines in a flavour; `link(title, url)` makes a link."""
    lines = []
    if view.outlets:
        lines.append("Top outlets: " + ", ".join(f"{escape_for(o, flavour)} ({n})" for o, n in view.outlets))
    if view.also_named:
        lines.append("Also named: " + ", ".join(f"{escape_for(p, flavour)} ({n})" for p, n in view.also_named))
    for item in view.evidence:
        outlet = f" ({escape_for(item.outlet, flavour)})" if item.outlet else ""
        lines.append(f"• {link(escape_for(item.title, flavour), item.url)}{outlet}")
        if item.snippet:
            lines.append(f"    “{escape_for(item.snippet, flavour, SNIPPET_LIMIT)}”")
    return lines


def slack_blocks(view: AlertView) -> list[dict[str, Any]]:
    """One alert: the plain sentence in bold, what it compares with in small type, then the evidence."""
    headline = f"*{escape_for(view.headline, 'slack', SNIPPET_LIMIT)}*"
    blocks = [section(headline), context(escape_for(view.basis, "slack", 2 * SNIPPET_LIMIT),
                                         escape_for(view.delayed_note, "slack"))]
    details = details_lines(view, "slack", slack_link)
    if details:
        blocks.append(section("\n".join(details)))
    blocks.append({"type": "divider"})
    return blocks


def slack_messages(views: Sequence[AlertView], title: str, max_messages: int, report_url: str) -> list[DigestMessage]:
    report = safe_link(report_url)
    frame = [header_block(f"{title} (1/5)")]  # the part number's room counts while packing
    footer = [section(f"<{report}|Open the full report>")] if report else []
    groups = pack_units(
        [(view, slack_blocks(view)) for view in views],
        lambda units: len(frame) + len(footer) + sum(len(unit) for unit in units) <= SLACK_MAX_BLOCKS,
        lambda rest: [section(more_alerts_line(rest, "slack"))],
        max_messages,
    )
    messages = []
    for (units, ids), part in zip(groups, part_titles(title, len(groups)), strict=True):
        blocks = [header_block(part), *(block for unit in units for block in unit), *footer]
        carried = [view for view in views if view.alert_id in ids]
        fallback = cut(part + ": " + "; ".join(escape_for(view.headline, "slack") for view in carried),
                       SLACK_FALLBACK_TEXT)
        payload = {"username": SENDER_NAME, "icon_emoji": ":newspaper:", "text": fallback, "blocks": blocks,
                   "unfurl_links": False, "unfurl_media": False}
        messages.append(DigestMessage(part, fallback, ids, payload))
    return messages


# --- Discord ----------------------------------------------------------------------------------------------


def markdown_link(title: str, url: str) -> str:
    link = safe_link(url)
    return f"[{title}]({link})" if link else title


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts against its 6,000 a message."""
    fields = embed.get("fields", [])
    texts = [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", ""),
             embed.get("author", {}).get("name", "")]
    return sum(map(len, texts)) + sum(len(field["name"]) + len(field["value"]) for field in fields)


def discord_embed(view: AlertView, report: str | None) -> dict[str, Any]:
    """One alert as an embed: the sentence as title, what it compares with and the evidence below."""
    lines = [f"*{escape_for(view.basis, 'markdown', 2 * SNIPPET_LIMIT)}*",
             *details_lines(view, "markdown", markdown_link)]
    embed: dict[str, Any] = {
        "title": cut(clean_title_for_embed(view.headline), DISCORD_EMBED_TITLE),
        "description": cut("\n".join(lines), DISCORD_DESCRIPTION_BUDGET),
        "color": 0xC2410C if view.alert.event != "feed-recovered" else 0x15803D,
    }
    if view.delayed_since is not None:
        embed["footer"] = {"text": cut(view.delayed_note, DISCORD_FOOTER)}
    if report:
        embed["url"] = report
    return embed


def clean_title_for_embed(text: str) -> str:
    # Embed titles render no markdown, so only the cleaning applies.
    return escape_for(text, "text", DISCORD_EMBED_TITLE)


def discord_messages(
    views: Sequence[AlertView], title: str, max_messages: int, report_url: str
) -> list[DigestMessage]:
    report = safe_link(report_url)
    link = f"\n[Open the full report](<{report}>)" if report else ""
    groups = pack_units(
        [(view, discord_embed(view, report)) for view in views],
        lambda embeds: len(embeds) <= DISCORD_EMBEDS and sum(map(embed_size, embeds)) <= DISCORD_EMBED_TOTAL,
        lambda rest: {"description": more_alerts_line(rest, "markdown")},
        max_messages,
    )
    messages = []
    for (embeds, ids), part in zip(groups, part_titles(title, len(groups)), strict=True):
        content = cut(f"**{escape_for(part, 'markdown')}**{link}", DISCORD_CONTENT)
        payload = {"username": SENDER_NAME, "content": content, "embeds": embeds, "allowed_mentions": {"parse": []}}
        messages.append(DigestMessage(part, content, ids, payload))
    return messages


# --- Microsoft Teams --------------------------------------------------------------------------------------


def text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def teams_container(view: AlertView) -> dict[str, Any]:
    """One alert: the sentence in bold, what it compares with subtle and small, then outlets and evidence."""
    items = [
        text_block(escape_for(view.headline, "markdown", SNIPPET_LIMIT), weight="Bolder"),
        text_block(escape_for(view.basis, "markdown", 2 * SNIPPET_LIMIT), isSubtle=True, size="Small",
                   spacing="None"),
    ]
    if view.delayed_since is not None:
        items.append(text_block(view.delayed_note, isSubtle=True, size="Small", spacing="None"))
    details = details_lines(view, "markdown", markdown_link)
    if details:
        items.append(text_block(cut("\n\n".join(details), TEAMS_TEXT_BUDGET)))
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def teams_payload(body: list[dict[str, Any]], report: str | None) -> dict[str, Any]:
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": TEAMS_CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if report:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the full report", "url": report}]
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                                "contentUrl": None, "content": card}]}


def payload_bytes(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload).encode("utf-8"))


def teams_messages(views: Sequence[AlertView], title: str, max_messages: int, report_url: str) -> list[DigestMessage]:
    report = safe_link(report_url)
    def heading(part: str) -> dict[str, Any]:
        return text_block(escape_for(part, "markdown"), weight="Bolder", size="Large")

    groups = pack_units(
        [(view, teams_container(view)) for view in views],
        lambda units: payload_bytes(teams_payload([heading(f"{title} (1/5)"), *units], report))
        <= TEAMS_PAYLOAD_BUDGET,
        lambda rest: text_block(more_alerts_line(rest, "markdown")),
        max_messages,
    )
    return [
        DigestMessage(part, part, ids, teams_payload([heading(part), *units], report))
        for (units, ids), part in zip(groups, part_titles(title, len(groups)), strict=True)
    ]


# --- email ------------------------------------------------------------------------------------------------

EMAIL_STYLE = "font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.4;color:#1f2328;max-width:680px"


def html_link(title: str, url: str) -> str:
    link = safe_link(url)
    return f'<a href="{html.escape(link, quote=True)}">{title}</a>' if link else title


def email_section(view: AlertView) -> str:
    """One alert: the sentence as a heading, what it compares with in grey, outlets, people and linked evidence."""
    parts = [
        f'<h3 style="margin:18px 0 2px">{escape_for(view.headline, "html", SNIPPET_LIMIT)}</h3>',
        f'<p style="margin:0;color:#57606a;font-size:13px">{escape_for(view.basis, "html", 2 * SNIPPET_LIMIT)}'
        + (f"<br>{escape_for(view.delayed_note, 'html')}" if view.delayed_since else "") + "</p>",
    ]
    summary = []
    if view.outlets:
        summary.append("Top outlets: " + ", ".join(f"{escape_for(o, 'html')} ({n})" for o, n in view.outlets))
    if view.also_named:
        summary.append("Also named: " + ", ".join(f"{escape_for(p, 'html')} ({n})" for p, n in view.also_named))
    if summary:
        parts.append(f'<p style="margin:6px 0">{"<br>".join(summary)}</p>')
    if view.evidence:
        parts.append("<ul>" + "".join(evidence_item(item) for item in view.evidence) + "</ul>")
    return "\n".join(parts)


def evidence_item(item: Evidence) -> str:
    outlet = f" ({escape_for(item.outlet, 'html')})" if item.outlet else ""
    snippet = f'<br><span style="color:#57606a">“{escape_for(item.snippet, "html", SNIPPET_LIMIT)}”</span>' \
        if item.snippet else ""
    return f"<li>{html_link(escape_for(item.title, 'html'), item.url)}{outlet}{snippet}</li>"


def email_document(title: str, sections: Sequence[str], report: str | None) -> str:
    report_html = f'<p><a href="{html.escape(report, quote=True)}">Open the full report</a></p>' if report else ""
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape_for(title, "html")}</title></head>'
        f'<body><div style="{EMAIL_STYLE}"><h2 style="margin:0 0 8px">{escape_for(title, "html")}</h2>\n'
        + "\n".join(sections)
        + f'\n{report_html}<p style="color:#57606a;font-size:12px">Sent by presswatch.</p></div></body></html>'
    )


def email_messages(views: Sequence[AlertView], title: str, max_messages: int, report_url: str) -> list[DigestMessage]:
    report = safe_link(report_url)
    groups = pack_units(
        [(view, email_section(view)) for view in views],
        lambda sections: len(email_document(f"{title} (1/5)", sections, report)) <= EMAIL_HTML_BUDGET,
        lambda rest: f"<p>{more_alerts_line(rest, 'html')}</p>",
        max_messages,
    )
    return [
        DigestMessage(part, email_document(part, sections, report), ids)
        for (sections, ids), part in zip(groups, part_titles(title, len(groups)), strict=True)
    ]


# --- JSON -------------------------------------------------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def alert_record(view: AlertView) -> dict[str, Any]:
    """One alert as structured fields for machines: who, counts, baseline, the evidence links."""
    alert = view.alert

    def text(value: str, limit: int = SNIPPET_LIMIT) -> str:
        return escape_for(value, "text", limit)

    return {
        "alert_id": alert.alert_id,
        "rule": alert.rule,
        "event": alert.event,
        "subject": alert.subject,
        "subject_kind": alert.subject_kind,
        "name": text(view.name),
        "person": text(view.name) if alert.subject_kind == "person" else None,
        "headline": text(view.headline),
        "basis": text(view.basis, 2 * SNIPPET_LIMIT),
        "statistics": text(view.statistics, 2 * SNIPPET_LIMIT),
        "window": {"start": iso(alert.window_start), "end": iso(alert.window_end)},
        "counts": {"stories": alert.value, "expected": alert.expected},
        "baseline": {"usual_per_window": alert.baseline, "description": alert.baseline_label,
                     "ratio": alert.ratio, "zscore": alert.zscore},
        "escalation": {"previous_value": alert.previous_value} if alert.escalation else None,
        "outlets": [{"name": text(outlet), "stories": count} for outlet, count in view.outlets],
        "also_named": [{"name": text(person), "stories": count} for person, count in view.also_named],
        "links": [
            {"title": text(item.title), "url": safe_link(item.url), "outlet": text(item.outlet),
             "sentence": text(item.snippet)}
            for item in view.evidence
        ],
        "delayed_since": iso(view.delayed_since),
    }


def json_payload(
    title: str, message: str, alerts: list[dict[str, Any]], as_of: datetime | None, report: str | None,
    more: Sequence[AlertView] = (),
) -> dict[str, Any]:
    """apprise's JSON fields (version, title, message, attachments, type) plus ours."""
    return {
        "version": "1.0", "title": title, "message": message, "attachments": [], "type": "info",
        "source": SENDER_NAME, "as_of": iso(as_of), "report_url": report, "alerts": alerts,
        "more_alerts": [{"alert_id": view.alert_id, "subject": view.alert.subject,
                         "headline": escape_for(view.headline, "text", SNIPPET_LIMIT)} for view in more],
    }


def json_messages(
    views: Sequence[AlertView], title: str, as_of: datetime, body_limit: int, max_messages: int, report_url: str
) -> list[DigestMessage]:
    report = safe_link(report_url)
    bodies = pack_views(views, flavour="text", body_limit=body_limit, max_messages=max_messages,
                        report_url=report_url)
    by_id = {view.alert_id: view for view in views}
    messages = []
    for (body, ids, shown), part in zip(bodies, part_titles(title, len(bodies)), strict=True):
        detailed = [alert_record(by_id[alert_id]) for alert_id in ids[:shown]]
        more = [by_id[alert_id] for alert_id in ids[shown:]]
        messages.append(DigestMessage(part, body, ids, json_payload(part, body, detailed, as_of, report, more)))
    return messages
