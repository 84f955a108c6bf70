"""Each channel's format checked against the platform's documented limits, with hostile feed text, many alerts
and the message cap: Slack Block Kit, Teams Adaptive Card, Discord embeds, HTML email and structured JSON."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from transforms import channel_formats as formats
from transforms.alerts import Alert
from transforms.digest import AlertContext, AlertView, DigestEntry, Evidence, alert_views

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)
REPORT = "https://reports.example/presswatch.html"
HOSTILE = "<!channel> @everyone <@U123> *bold* _it_ `code` [x](https://evil.example) & <script>alert(1)</script>"
NAMES = {"keir-starmer": "Keir Starmer", "elon-musk": "Elon Musk"}
BARE_LINKS = "Read https://evil.example/login and HTTP://evil.example/b or www.evil.example now"
# Gmail, Outlook and Telegram also link a bare domain name, dotted country codes included.
BARE_DOMAINS = "Vote at evil-poll.com or bbc.co.uk.evil.example/win today, e.g. 3.5 per cent in the U.S."


def views(count: int, title: str = "Starmer answers critics", snippet: str = "Sir Keir said it was wrong.",
          headlines: int = 12) -> list[AlertView]:
    entries = []
    for number in range(count):
        subject = "keir-starmer" if number == 0 else f"person-{number:02d}"
        made = Alert(
            alert_id=f"id-{number}", rule="spike-person-day", subject_kind="person", subject=subject,
            window_start=AS_OF - timedelta(days=1), window_end=AS_OF, value=10 + number, expected=3.25,
            # each later alert a slightly smaller move, so the digest's order (biggest first) is the order made
            baseline=1.5, ratio=round(3.08 - number / 1000, 3), zscore=3.74, baseline_label="trailing 6 days",
            members=(subject,),
        )
        evidence = tuple(
            Evidence(title=f"{title} {number}-{index}", url=f"https://news.example/{number}/{index}", outlet="BBC",
                     snippet=snippet, story_id=f"{number}-{index}")
            for index in range(headlines)
        )
        context = AlertContext(headlines=evidence, outlets=(("BBC", 4), ("Sky", 3)),
                               co_mentioned=(("elon-musk", 3),))
        entries.append(DigestEntry(made, context))
    return alert_views(entries, NAMES)


def build(channel_format: str, count: int, max_messages: int = 50, **options: Any) -> list[Any]:
    return formats.format_digest(views(count, **options), channel_format, as_of=AS_OF, body_limit=29_960,
                                 max_messages=max_messages, report_url=REPORT)


# --- the platforms' limits, checked the way the platform would ----------------------------------------------


def slack_problems(payload: dict[str, Any]) -> list[str]:
    blocks = payload["blocks"]
    problems = [f"{len(blocks)} blocks"] if len(blocks) > formats.SLACK_MAX_BLOCKS else []
    for block in blocks:
        if block["type"] == "header" and len(block["text"]["text"]) > formats.SLACK_HEADER_TEXT:
            problems.append("header too long")
        if block["type"] == "header" and block["text"]["type"] != "plain_text":
            problems.append("header not plain text")
        if block["type"] == "section" and len(block["text"]["text"]) > formats.SLACK_SECTION_TEXT:
            problems.append("section too long")
        if block["type"] == "context":
            if not 1 <= len(block["elements"]) <= formats.SLACK_CONTEXT_ELEMENTS:
                problems.append("context elements")
            problems += ["context too long" for e in block["elements"] if len(e["text"]) > formats.SLACK_SECTION_TEXT]
    if len(payload["text"]) > formats.SLACK_FALLBACK_TEXT:
        problems.append("fallback text too long")
    return problems


def discord_problems(payload: dict[str, Any]) -> list[str]:
    embeds = payload["embeds"]
    problems = [f"{len(embeds)} embeds"] if len(embeds) > formats.DISCORD_EMBEDS else []
    if len(payload["content"]) > formats.DISCORD_CONTENT:
        problems.append("content too long")
    total = 0
    for embed in embeds:
        title, description = embed.get("title", ""), embed.get("description", "")
        footer = embed.get("footer", {}).get("text", "")
        fields = embed.get("fields", [])
        if len(title) > formats.DISCORD_EMBED_TITLE or len(description) > formats.DISCORD_EMBED_DESCRIPTION:
            problems.append("title or description too long")
        if len(footer) > formats.DISCORD_FOOTER or len(fields) > formats.DISCORD_EMBED_FIELDS:
            problems.append("footer or fields")
        total += len(title) + len(description) + len(footer) + sum(len(f["name"]) + len(f["value"]) for f in fields)
    if total > formats.DISCORD_EMBED_TOTAL:
        problems.append(f"{total} characters in embeds")
    return problems


def teams_problems(payload: dict[str, Any]) -> list[str]:
    problems = []
    if len(json.dumps(payload).encode("utf-8")) > formats.TEAMS_MESSAGE_BYTES:
        problems.append("over 28 KB")
    attachment = payload["attachments"][0]
    card = attachment["content"]
    if (payload["type"], attachment["contentType"]) != ("message", "application/vnd.microsoft.card.adaptive"):
        problems.append("not an Adaptive Card message")
    if (card["type"], card["version"]) != ("AdaptiveCard", "1.4"):
        problems.append("card type or version")
    return problems


def carried(messages: list[Any]) -> list[str]:
    return sorted(alert_id for message in messages for alert_id in message.alert_ids)


LIMIT_CHECKS = {
    "slack": lambda message: slack_problems(message.payload),
    "discord": lambda message: discord_problems(message.payload),
    "teams": lambda message: teams_problems(message.payload),
    "email": lambda message: ["over Gmail's clipping size"] if len(message.body.encode()) > formats.EMAIL_CLIP_BYTES
    else [],
    "json": lambda message: ["message too long"] if len(message.payload["message"]) > 30_000 else [],
}


class TestPlatformLimits:
    @pytest.mark.parametrize("channel_format", sorted(LIMIT_CHECKS))
    @pytest.mark.parametrize("count", [1, 40])
    def test_every_message_within_limits_and_every_alert_carried_once(self, channel_format: str, count: int) -> None:
        """One alert or forty with long hostile headlines: every message passes the platform's limits and each
        alert is carried by exactly one message."""
        messages = build(channel_format, count, title=HOSTILE * 3, snippet=HOSTILE * 3)

        assert [problem for message in messages for problem in LIMIT_CHECKS[channel_format](message)] == []
        assert carried(messages) == sorted(f"id-{number}" for number in range(count))

    @pytest.mark.parametrize("channel_format", sorted(LIMIT_CHECKS))
    def test_beyond_the_message_cap_the_rest_is_named(self, channel_format: str) -> None:
        """With a cap of one message, eighty long alerts still fit it: the ones beyond are named in "and N more"."""
        messages = build(channel_format, 80, max_messages=1, title=HOSTILE * 3, snippet=HOSTILE * 3)

        assert len(messages) == 1
        assert LIMIT_CHECKS[channel_format](messages[0]) == []
        assert carried(messages) == sorted(f"id-{number}" for number in range(80))
        assert "more alerts" in json.dumps(messages[0].payload) + messages[0].body


def texts(payload: Any) -> list[str]:
    """Every string inside a payload."""
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [text for value in payload.values() for text in texts(value)]
    if isinstance(payload, list):
        return [text for value in payload for text in texts(value)]
    return []


class TestParts:
    @pytest.mark.parametrize("channel_format", sorted(LIMIT_CHECKS))
    def test_each_part_is_numbered_in_its_own_payload(self, channel_format: str) -> None:
        """A digest split over several messages says "(n/N)" in each message's own title, not only ours."""
        messages = build(channel_format, 200, max_messages=3, title=HOSTILE * 3, snippet=HOSTILE * 3)

        assert [message.title[-5:] for message in messages] == ["(1/3)", "(2/3)", "(3/3)"]
        assert all(message.title in json.dumps(message.payload, ensure_ascii=False) + message.body
                   for message in messages)


class TestSlack:
    def test_header_sentence_statistics_and_evidence_blocks(self) -> None:
        """A header, then per alert the sentence in bold, the statistics as context, the evidence, a divider."""
        payload = build("slack", 1)[0].payload

        kinds = [block["type"] for block in payload["blocks"]]
        assert kinds == ["header", "section", "context", "section", "divider", "section"]
        assert payload["blocks"][1]["text"]["text"] == (
            "*Keir Starmer: 10 stories in the last 24 hours, about 3 times a usual day*"
        )
        assert payload["blocks"][2]["elements"][0]["text"] == (
            "A usual day brings 3 to 4 stories at today's news volume (judged on the trailing 6 days); "
            "rule spike-person-day")
        assert "<https://news.example/0/0|Starmer answers critics 0-0> (BBC)" in payload["blocks"][3]["text"]["text"]
        assert payload["blocks"][-1]["text"]["text"] == f"<{REPORT}|Open the full report>"
        assert payload["username"] == "presswatch"

    def test_feed_text_cannot_ping_link_or_format(self) -> None:
        """Hostile headlines come out with no Slack control sequence: every `<` opens one of our own links."""
        payload = build("slack", 2, title=HOSTILE, snippet=HOSTILE)[0].payload
        text = "\n".join(texts(payload["blocks"]))

        assert re.findall(r"<(?!https://)", text) == []
        assert "*bold*" not in text and "`code`" not in text and "@everyone" not in text
        assert "&amp; " in text


    def test_feed_text_is_never_auto_linked(self) -> None:
        """Every mrkdwn text object says verbatim, so Slack links only our own <url|title> links, never a bare
        https://... from a feed."""
        payload = build("slack", 2, title=BARE_LINKS, snippet=BARE_LINKS)[0].payload
        blocks = payload["blocks"]
        objects = [block["text"] for block in blocks if block["type"] == "section"]
        objects += [element for block in blocks if block["type"] == "context" for element in block["elements"]]

        assert objects and all(item["type"] != "mrkdwn" or item.get("verbatim") is True for item in objects)
        notice = formats.notice_payload("slack", "presswatch test", BARE_LINKS)
        assert notice["blocks"][1]["text"]["verbatim"] is True


def bare_links(text: str) -> list[str]:
    """The http(s) addresses and www. names a chat client would link on its own: not those in our markdown links."""
    return re.findall(r"(?i)(?<!\]\()(?:https?://|\bwww\.)", text)


class TestDiscord:
    def test_one_embed_per_alert_posted_as_presswatch_without_pings(self) -> None:
        """The sentence is the embed's title, the statistics and evidence its description; mentions are off."""
        payload = build("discord", 2)[0].payload

        assert payload["embeds"][0]["title"] == (
            "Keir Starmer: 10 stories in the last 24 hours, about 3 times a usual day"
        )
        assert payload["embeds"][0]["description"].startswith("*A usual day brings 3 to 4 stories at today's news")
        assert payload["embeds"][0]["url"] == REPORT
        assert (payload["username"], payload["allowed_mentions"]) == ("presswatch", {"parse": []})

    def test_hostile_text_is_escaped_markdown(self) -> None:
        """A headline cannot close our link and open its own in an embed."""
        description = build("discord", 1, title=HOSTILE)[0].payload["embeds"][0]["description"]

        assert re.search(r"(?<!\\)\]\(https://evil", description) is None
        assert "@everyone" not in description


    def test_feed_text_is_never_auto_linked(self) -> None:
        """A bare https://... or www. in a headline or sentence is broken so Discord does not link it; our own
        evidence links still are."""
        payload = build("discord", 1, title=BARE_LINKS, snippet=BARE_LINKS)[0].payload
        description = payload["embeds"][0]["description"]

        assert bare_links(description) == []
        assert "](https://news.example/0/0)" in description
        assert "evil.example/login" in description.replace("\u200b", "")  # reads the same


class TestTeams:
    def test_adaptive_card_with_sentence_statistics_and_report_action(self) -> None:
        """A card: title, then per alert a bold sentence and a subtle statistics line; a button opens the report."""
        card = build("teams", 1)[0].payload["attachments"][0]["content"]

        alert_items = card["body"][1]["items"]
        assert (alert_items[0]["text"], alert_items[0]["weight"]) == (
            "Keir Starmer: 10 stories in the last 24 hours, about 3 times a usual day", "Bolder")
        assert alert_items[1]["isSubtle"] is True and "3 to 4 stories" in alert_items[1]["text"]
        assert "z=" not in json.dumps(card) and "expected" not in json.dumps(card)
        assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open the full report", "url": REPORT}]

    def test_no_teams_mention_markup_survives(self) -> None:
        """`<at>` mention tags in feed text are not passed through."""
        card = build("teams", 1, title="<at>Everyone</at> row")[0].payload

        assert "<at>" not in json.dumps(card)


    def test_feed_text_is_never_auto_linked(self) -> None:
        """Teams links bare addresses in a TextBlock: feed text has them broken, our links stay."""
        card = build("teams", 1, title=BARE_LINKS, snippet=BARE_LINKS)[0].payload["attachments"][0]["content"]
        shown = "\n".join(item["text"] for item in card["body"][1]["items"])

        assert bare_links(shown) == []
        assert "](https://news.example/0/0)" in shown


class TestEmail:
    def test_html_escapes_feed_text_and_links_evidence(self) -> None:
        """Feed text is entity-escaped; evidence and the report are real links."""
        body = build("email", 1, title=HOSTILE)[0].body

        assert "<script>" not in body and "&lt;" not in body.split("<body>")[0]
        assert '<a href="https://news.example/0/0">' in body
        assert f'<a href="{REPORT}">Open the full report</a>' in body
        assert "<h3" in body and "about 3 times a usual day</h3>" in body


    def test_feed_text_is_never_auto_linked(self) -> None:
        """Gmail and Outlook link bare addresses and domain names in an email's text: feed text has them broken
        (a zero-width space, so it reads the same), our own evidence and report links stay links."""
        body = build("email", 1, title=BARE_LINKS + " " + BARE_DOMAINS, snippet=BARE_DOMAINS)[0].body
        shown = re.sub(r'href="[^"]*"', "", body)

        assert auto_linked(shown) == []
        assert '<a href="https://news.example/0/0">' in body and f'<a href="{REPORT}">' in body
        assert "bbc.co.uk.evil.example/win" in shown.replace("\u200b", "")
        assert "e.g. 3.5 per cent in the U.S." in shown


class TestTelegram:
    def test_feed_text_is_never_auto_linked(self) -> None:
        """Telegram (and the other markdown services) links a bare domain name too: broken in feed text."""
        body = build("markdown", 1, title=BARE_DOMAINS, snippet=BARE_LINKS)[0].body

        assert auto_linked(re.sub(r"\]\(https://[^)]*\)", "]", body)) == []  # all but our links
        assert "](https://news.example/0/0)" in body
        assert "evil-poll.com" in body.replace("\u200b", "")


def auto_linked(text: str) -> list[str]:
    """What a mail or chat client would link on its own: a scheme, a www. name or a bare domain name."""
    return re.findall(r"(?i)\b[a-z][a-z0-9+.-]*://|\bwww\.|\b[a-z0-9-]+\.[a-z]{2,}\b", text)


class TestJson:
    def test_alerts_are_an_array_of_fields(self) -> None:
        """JSON receivers get person, counts, baseline and links as fields, and apprise's own keys."""
        payload = build("json", 2)[0].payload

        first = payload["alerts"][0]
        assert (payload["version"], payload["type"], payload["source"], payload["report_url"]) == (
            "1.0", "info", "presswatch", REPORT)
        assert (first["person"], first["counts"], first["baseline"]["usual_per_window"]) == (
            "Keir Starmer", {"stories": 10, "expected": 3.25}, 1.5)
        assert first["links"][0] == {"title": "Starmer answers critics 0-0", "url": "https://news.example/0/0",
                                     "outlet": "BBC", "sentence": "Sir Keir said it was wrong."}
        assert len(first["links"]) == 3 and payload["message"].startswith("* Keir Starmer: 10 stories")

    def test_alerts_past_the_cap_are_listed_by_id(self) -> None:
        """Alerts beyond the cap are in `more_alerts` with their id and sentence, never silently dropped."""
        payload = build("json", 80, max_messages=1, title=HOSTILE * 3)[0].payload

        assert len(payload["alerts"]) + len(payload["more_alerts"]) == 80
        assert payload["more_alerts"][0]["headline"].startswith("person-")
