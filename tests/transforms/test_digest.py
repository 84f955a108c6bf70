"""The digest per channel: inert feed text, safe links, and messages that fit each channel's size limit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from transforms.alerts import Alert
from transforms.digest import (
    AlertContext,
    DigestEntry,
    Evidence,
    escape_for,
    pack_messages,
    plain_digest,
    render_entry,
    safe_link,
)

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)


def alert(subject: str = "keir-starmer", number: int = 0) -> Alert:
    return Alert(
        alert_id=f"id-{subject}-{number}", rule="spike-person-day", subject_kind="person", subject=subject,
        window_start=AS_OF - timedelta(days=1), window_end=AS_OF, value=10, expected=3.25, baseline=1.5,
        ratio=3.08, zscore=3.74, baseline_label="trailing 6 days",
    )


def entry(title: str = "Starmer answers critics", url: str = "https://news.example/a", subject: str = "keir-starmer",
          number: int = 0) -> DigestEntry:
    headline = Evidence(title=title, url=url, outlet="BBC", snippet="Sir Keir said the claims were wrong.")
    context = AlertContext(headlines=(headline,), outlets=(("BBC", 4), ("Sky", 3)), co_mentioned=(("elon-musk", 6),))
    return DigestEntry(alert(subject, number), context)


class TestEscaping:
    @pytest.mark.parametrize("flavour", ["text", "markdown"])
    @pytest.mark.parametrize("hostile", ["<!channel>", "<!here|here>", "@everyone", "@here", "<@U123>", "<@&456>"])
    def test_mentions_cannot_ping(self, hostile: str, flavour: str) -> None:
        """Slack and Discord mention syntax in a headline comes out inert in every flavour."""
        escaped = escape_for(f"Row erupts {hostile} tonight", flavour)

        assert hostile not in escaped
        assert "<" not in escaped and ">" not in escaped
        assert "@everyone" not in escaped and "@here" not in escaped

    def test_markdown_link_injection_is_escaped(self) -> None:
        """A headline cannot close our link and open its own."""
        rendered = render_entry(entry(title="Click](https://evil.example) [here"), {}, "markdown")

        assert re.search(r"(?<!\\)\]\(https://evil", rendered) is None

    @pytest.mark.parametrize(
        ("url", "kept"),
        [("https://news.example/a?b=1", True), ("http://news.example/a", True), ("javascript:alert(1)", False),
         ("data:text/html,hi", False), ("ftp://news.example/a", False), ("https:///nohost", False)],
    )
    def test_only_http_links_are_kept(self, url: str, kept: bool) -> None:
        """Links are http(s) with a host, or dropped."""
        assert (safe_link(url) is not None) == kept

    def test_link_cannot_break_out_of_markdown(self) -> None:
        """Brackets and spaces in a URL are percent-encoded."""
        assert safe_link("https://news.example/a b)(c") == "https://news.example/a%20b%29%28c"


class TestRendering:
    def test_entry_explains_figure_baseline_outlets_and_evidence(self) -> None:
        """An alert's block says who, how much against what, which outlets, who else, and the evidence."""
        text = render_entry(entry(), {"keir-starmer": "Keir Starmer", "elon-musk": "Elon Musk"}, "text")

        assert text.splitlines() == [
            "* Keir Starmer: 10 stories in the day to 2025-01-06 21:00 UTC, 3.08x the 3.25 expected at this volume "
            "(usual 1.5/window, trailing 6 days, z=3.74)  [spike-person-day]",
            "  Top outlets: BBC (4), Sky (3)",
            "  Also named: Elon Musk (6)",
            "  - Starmer answers critics https://news.example/a (BBC)",
            '    "Sir Keir said the claims were wrong."',
        ]

    def test_plain_digest_is_empty_without_alerts(self) -> None:
        """Nothing fired, nothing to print."""
        assert plain_digest([], {}, AS_OF) == ""


class TestPacking:
    @pytest.mark.parametrize("limit", [600, 2000])
    def test_messages_fit_the_limit_and_carry_every_alert(self, limit: int) -> None:
        """Many alerts split into messages within the limit; every alert is in exactly one message."""
        entries = [entry(title="x" * 150, number=number) for number in range(30)]

        messages = pack_messages(entries, {}, flavour="markdown", as_of=AS_OF, body_limit=limit, max_messages=50)

        assert max(len(message.body) for message in messages) <= limit
        assert sorted(i for message in messages for i in message.alert_ids) == sorted(e.alert.alert_id for e in entries)

    def test_beyond_the_message_cap_the_rest_is_summarised(self) -> None:
        """Past max_messages, remaining alerts are named in an "and N more" line."""
        entries = [entry(subject=f"person-{number}", number=number) for number in range(30)]

        messages = pack_messages(entries, {}, flavour="text", as_of=AS_OF, body_limit=2000, max_messages=2)

        assert len(messages) == 2
        assert "... and" in messages[-1].body and "more alerts: person-" in messages[-1].body
        assert len({i for message in messages for i in message.alert_ids}) == 30
        assert [message.title[-5:] for message in messages] == ["(1/2)", "(2/2)"]

    def test_one_oversized_alert_is_cut_not_dropped(self) -> None:
        """An alert longer than the limit by itself is cut to fit and said to be cut."""
        huge = DigestEntry(alert(), AlertContext(co_mentioned=tuple((f"p{n}", 1) for n in range(400))))

        messages = pack_messages([huge], {}, flavour="text", as_of=AS_OF, body_limit=500)

        assert len(messages[0].body) <= 500
        assert messages[0].body.endswith("(cut to fit the channel)")
