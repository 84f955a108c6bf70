"""The digest per channel: plain words first, inert feed text, safe links, evidence shown once, and messages that
fit each channel's size limit."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from transforms.alerts import Alert
from transforms.digest import (
    AlertContext,
    DigestEntry,
    Evidence,
    alert_views,
    escape_for,
    headline_for,
    pack_messages,
    pick_headlines,
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
            "* Keir Starmer: 10 stories in the last 24 hours, about 3 times a usual day",
            "  A usual day brings 3 to 4 stories at today's news volume (judged on the trailing 6 days); "
            "rule spike-person-day",
            "  Top outlets: BBC (4), Sky (3)",
            "  Also named: Elon Musk (6)",
            "  - Starmer answers critics https://news.example/a (BBC)",
            '    "Sir Keir said the claims were wrong."',
        ]

    def test_plain_digest_is_empty_without_alerts(self) -> None:
        """Nothing fired, nothing to print."""
        assert plain_digest([], {}, AS_OF) == ""

    def test_report_link_closes_the_digest_when_set(self) -> None:
        """With a report URL the digest ends with a link to it; without one, no line at all."""
        with_link = plain_digest([entry()], {}, AS_OF, report_url="https://reports.example/presswatch.html")
        markdown = pack_messages([entry()], {}, flavour="markdown", as_of=AS_OF, body_limit=2000,
                                 report_url="https://reports.example/presswatch.html")

        assert with_link.endswith("Full report: https://reports.example/presswatch.html")
        assert markdown[0].body.endswith("[Open the full report](https://reports.example/presswatch.html)")
        assert "report" not in plain_digest([entry()], {}, AS_OF).lower()

    def test_report_link_must_be_http(self) -> None:
        """A report URL that is not http(s) is left out rather than linked."""
        assert "javascript" not in plain_digest([entry()], {}, AS_OF, report_url="javascript:alert(1)")


def spike(ratio: float, *, hours: int = 24, label: str = "trailing 6 days", **changes: object) -> Alert:
    return replace(alert(), window_start=AS_OF - timedelta(hours=hours), ratio=ratio, baseline_label=label,
                   **changes)  # type: ignore[arg-type]


class TestPlainWords:
    @pytest.mark.parametrize(
        ("made", "expected"),
        [
            (spike(3.08), "Keir Starmer: 10 stories in the last 24 hours, about 3 times a usual day"),
            (spike(5.87), "Keir Starmer: 10 stories in the last 24 hours, about 6 times a usual day"),
            (spike(2.44), "Keir Starmer: 10 stories in the last 24 hours, about 2.4 times a usual day"),
            (spike(4.2, hours=1, label="same hour of week over 3 weeks"),
             "Keir Starmer: 10 stories in the last hour, about 4 times a usual Monday at 20:00 UTC"),
            (spike(4.2, hours=1, label="trailing 24 hours"),
             "Keir Starmer: 10 stories in the last hour, about 4 times a usual hour"),
            (spike(3.0, escalation=True, previous_value=6.0),
             "Keir Starmer: 10 stories in the last 24 hours, about 3 times a usual day, up from 6 at the last alert"),
        ],
        ids=["day", "big-ratio", "small-ratio", "seasonal-hour", "trailing-hour", "escalation"],
    )
    def test_spike_headline(self, made: Alert, expected: str) -> None:
        """A spike's first line says who, how many stories, and how many times a usual period, in words."""
        assert headline_for(made, "Keir Starmer") == expected

    @pytest.mark.parametrize(
        ("event", "expected"),
        [
            ("new-pairing", "Keir Starmer and Elon Musk: named together in 3 stories in the last 24 hours, "
                            "for the first time"),
            ("feed-dead", "Feed Keir Starmer and Elon Musk is failing: 3 runs in a row since 2025-01-05 21:00 UTC"),
            ("feed-recovered", "Feed Keir Starmer and Elon Musk is fetching again"),
        ],
    )
    def test_other_events_read_as_sentences(self, event: str, expected: str) -> None:
        """Pairings and feed alerts also open with a sentence, not figures."""
        made = replace(alert(), event=event, value=3)

        assert headline_for(made, "Keir Starmer and Elon Musk") == expected

    def test_statistics_stay_out_of_the_channel_text(self) -> None:
        """The figures (expected, ratio, z) are in no line a channel receives; the preview shows them."""
        channel = render_entry(entry(), {}, "markdown")
        preview = plain_digest([entry()], {}, AS_OF, statistics=True).splitlines()

        assert "expected" not in channel and "z=" not in channel and "ratio" not in channel
        assert preview[4] == ("  Figures: 10 stories against 3.25 expected at this volume; usual 1.5 a day at any "
                              "volume (trailing 6 days); ratio 3.08, z=3.74; rule spike-person-day")


class TestOneNumber:
    """The issue's alert: 11 stories, 1.67 expected at today's volume, 0.83 a usual day at any volume."""

    def test_the_issue_alert_reads_one_way(self) -> None:
        """Headline and the line under it say the same thing: about 7 times, a usual day being 1 to 2 stories."""
        made = replace(alert(), value=11, expected=1.67, baseline=0.83, ratio=6.6, zscore=7.23)

        lines = render_entry(DigestEntry(made), {"keir-starmer": "Keir Starmer"}, "text").splitlines()

        assert lines == [
            "* Keir Starmer: 11 stories in the last 24 hours, about 7 times a usual day",
            "  A usual day brings 1 to 2 stories at today's news volume (judged on the trailing 6 days); "
            "rule spike-person-day",
        ]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(11, 1.67), (10, 3.25), (5, 0.5), (40, 12.4), (6, 2.0), (3, 1.0), (7, 2.9)],
    )
    def test_the_multiple_agrees_with_the_usual_count(self, value: int, expected: float) -> None:
        """The headline's "about N times" lies between the count over each end of the usual range shown."""
        made = replace(alert(), value=value, expected=expected, ratio=round(value / expected, 2))

        lines = render_entry(DigestEntry(made), {}, "text").splitlines()

        times = float(re.search(r"about ([0-9.]+) times", lines[0]).group(1))  # type: ignore[union-attr]
        usual = re.search(r"brings (?:about |less than )?(\S+?)(?: to (\d+))? stor", lines[1])
        assert usual is not None
        low = 1.0 if usual.group(1) == "one" else float(usual.group(1))
        high = float(usual.group(2) or low)
        assert value / high - 0.5 <= times <= (value / low if usual.group(1) != "one" else 1e9) + 0.5

    @pytest.mark.parametrize("event", ["spike", "new-pairing", "watch-term", "feed-dead", "feed-recovered",
                                       "quote-pickup"])
    def test_no_alert_kind_puts_statistics_in_the_channel(self, event: str) -> None:
        """Every kind's channel text is words and counts: no "z=", no ratio, no "expected"."""
        made = replace(alert(), event=event, note="last outcome http-error: 503", previous_value=3.0,
                       escalation=True)

        text = render_entry(DigestEntry(made), {}, "text")

        assert "z=" not in text and "ratio" not in text and "expected" not in text


def story(number: int) -> Evidence:
    return Evidence(title=f"Story {number}", url=f"https://news.example/{number}", outlet="BBC", snippet="",
                    story_id=f"s{number}")


class TestEvidenceOnce:
    def test_a_story_backs_only_the_first_alert_that_shows_it(self) -> None:
        """Two alerts over the same stories show different evidence: the second takes its next stories."""
        first = DigestEntry(alert("keir-starmer"), AlertContext(headlines=tuple(story(n) for n in (1, 2, 3, 4))))
        smaller = replace(alert("elon-musk"), ratio=2.0)  # the digest shows the bigger move first
        second = DigestEntry(smaller, AlertContext(headlines=tuple(story(n) for n in (2, 3, 5, 6, 7))))

        views = alert_views([first, second], {})

        assert [[item.story_id for item in view.evidence] for view in views] == [["s1", "s2", "s3"],
                                                                                 ["s5", "s6", "s7"]]

    def test_an_alert_whose_stories_were_all_shown_has_no_evidence_lines(self) -> None:
        """When every candidate story was shown above, the later alert shows none rather than repeating them."""
        stories = AlertContext(headlines=(story(1), story(2)))
        digest = plain_digest([DigestEntry(alert("keir-starmer"), stories), DigestEntry(alert("elon-musk"), stories)],
                              {}, AS_OF)

        assert digest.count("https://news.example/1") == 1 and digest.count("https://news.example/2") == 1


class TestPickHeadlines:
    @pytest.mark.parametrize("order", [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0]])
    def test_articles_of_the_same_moment_keep_the_order_given(self, order: list[int]) -> None:
        """Six stories in three outlets published at the same moment: headlines take one story per outlet, then a
        second, each time in the order the rows came in (the warehouse gives them by article id)."""
        articles = pl.DataFrame([
            {"story_id": f"s{number}", "title": f"Story {number}", "url": f"https://news.example/{number}",
             "outlet": f"outlet-{number % 3}", "published_at": AS_OF, "snippet": ""}
            for number in order
        ])  # fmt: skip

        picked = [evidence.story_id for evidence in pick_headlines(articles, 12)]

        assert picked == [f"s{number}" for number in order]


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
