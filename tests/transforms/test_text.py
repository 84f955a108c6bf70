"""Tests for transforms.text: clean bodies, methods, quality flags and the publication-time choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from transforms.text import article_text, choose_published_at, extract_page

PARAGRAPHS = [
    "The county council has approved a plan to reopen the Station Road swimming pool, closed since a roof leak "
    "two winters ago, after residents raised more than 90,000 pounds towards the repairs.",
    "Councillor Alan Brisk said the pool would reopen in the autumn with new changing rooms, and that school "
    "swimming lessons would return from the first week of term.",
    "The repairs are expected to cost 1.4 million pounds in total, with the remainder coming from a national "
    "sports grant awarded last month after a second application.",
]


def page(body: str, *, head: str = "", lang: str = "en") -> str:
    """A small article page around `body`."""
    return (
        f'<html lang="{lang}"><head><title>Pool to reopen | Shire Gazette</title>{head}</head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>Pool to reopen</h1>{body}</article>"
        "<footer>Copyright Shire Gazette. All rights reserved.</footer></body></html>"
    )


def paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


class TestExtractPage:
    def test_body_paragraphs_are_separated_by_blank_lines(self) -> None:
        """The body keeps each paragraph once, in page order, with a blank line between paragraphs."""
        result = extract_page(page(paragraphs_html(PARAGRAPHS)), url="https://gazette.example/pool")

        assert result.text == "\n\n".join(PARAGRAPHS)
        assert (result.method, result.quality) == ("trafilatura", "ok")

    @pytest.mark.parametrize(
        "clutter",
        [
            '<p class="byline">By Alan Porter</p>',
            "<p><strong>Read more:</strong> <a href='/x'>Council budget explained</a></p>",
            '<div class="share-tools"><a href="#">Share</a> <a href="#">Facebook</a> <a href="#">Copy link</a></div>',
            "<figure><img src='a.jpg'><figcaption>The pool has been shut since the leak.</figcaption></figure>",
            "<p>Advertisement</p>",
        ],
    )
    def test_clutter_is_not_article_text(self, clutter: str) -> None:
        """Bylines, read-more links, share widgets, captions and advert labels never reach the body."""
        html = page(paragraphs_html(PARAGRAPHS[:1]) + clutter + paragraphs_html(PARAGRAPHS[1:]))

        result = extract_page(html, url="https://gazette.example/pool")

        assert result.text == "\n\n".join(PARAGRAPHS)

    def test_caption_repeating_a_paragraph_appears_once(self) -> None:
        """A paragraph echoed verbatim (a caption that repeats it) is kept only once."""
        echo = f"<p>{PARAGRAPHS[1]}</p>"
        html = page(paragraphs_html(PARAGRAPHS[:2]) + echo + paragraphs_html(PARAGRAPHS[2:]))

        result = extract_page(html, url="https://gazette.example/pool")

        assert result.text.count(PARAGRAPHS[1]) == 1

    def test_metadata_comes_from_the_page(self) -> None:
        """Title, author, site name, canonical URL and a UTC publication time come from the page head."""
        head = (
            '<meta name="author" content="Alan Porter"><meta property="og:site_name" content="Shire Gazette">'
            '<link rel="canonical" href="https://gazette.example/news/pool">'
            '<meta property="article:published_time" content="2025-01-06T09:30:00+01:00">'
        )

        result = extract_page(page(paragraphs_html(PARAGRAPHS), head=head), url="https://gazette.example/pool?x=1")

        assert (result.author, result.site_name, result.canonical_url) == (
            "Alan Porter",
            "Shire Gazette",
            "https://gazette.example/news/pool",
        )
        assert result.published_at == datetime(2025, 1, 6, 8, 30, tzinfo=UTC)

    def test_short_page_falls_back_to_the_feed_summary(self) -> None:
        """A page with a sentence of text yields the longer feed summary, marked as such."""
        summary = " ".join(PARAGRAPHS)

        result = extract_page(page("<p>Video: watch the vote.</p>"), url="https://g.example/v", feed_summary=summary)

        assert (result.method, result.quality, result.text) == ("feed-summary", "too-short", summary)

    def test_paywalled_page_is_flagged(self) -> None:
        """A teaser followed by a subscribe prompt is flagged as paywalled."""
        body = paragraphs_html(PARAGRAPHS[:1]) + "<p>Subscribe to continue reading this article.</p>"

        result = extract_page(page(body), url="https://gazette.example/pool")

        assert result.quality == "paywall"

    def test_page_in_another_language_is_flagged(self) -> None:
        """A German article on an English-language feed is flagged, not silently counted."""
        german = [
            "Der Gemeinderat hat am Dienstag beschlossen, das Hallenbad an der Bahnhofstrasse nach zwei Jahren "
            "Sanierung wieder zu eroeffnen, nachdem Buerger Spenden gesammelt hatten.",
            "Die Kosten fuer die Reparatur des Daches belaufen sich nach Angaben der Verwaltung auf rund "
            "anderthalb Millionen Euro, die teilweise aus Landesmitteln stammen.",
            "Schulen der Umgebung sollen ab dem Herbst wieder Schwimmunterricht anbieten koennen, sobald die neuen "
            "Umkleiden fertig sind und das Becken abgenommen wurde.",
        ]

        result = extract_page(page(paragraphs_html(german), lang="de"), url="https://zeitung.example/bad")

        assert (result.quality, result.language) == ("other-language", "de")

    @pytest.mark.parametrize(
        ("html", "summary", "expected"),
        [
            ("", "", ("failed", "failed")),
            ("", "A short summary of the story from the feed.", ("feed-summary", "too-short")),
            ("%PDF-1.4 \x00\x01 binary", "", ("failed", "failed")),
        ],
    )
    def test_unusable_pages_are_recorded_not_raised(self, html: str, summary: str, expected: tuple[str, str]) -> None:
        """Empty or non-HTML pages produce a failure (with a reason) or the feed summary, never an exception."""
        result = extract_page(html, url="https://g.example/x", feed_summary=summary)

        assert (result.method, result.quality) == expected
        assert (result.error is not None) == (expected[0] == "failed")


class TestArticleText:
    @pytest.mark.parametrize(
        ("title", "body", "expected"),
        [
            ("Pool to reopen", "First.\n\nSecond.", "Pool to reopen\n\nFirst.\n\nSecond."),
            ("Pool to reopen", "", "Pool to reopen"),
            ("", "First.", "First."),
        ],
    )
    def test_title_then_body(self, title: str, body: str, expected: str) -> None:
        """The stored text is the headline, a blank line, then the body."""
        assert article_text(title, body) == expected


class TestChoosePublishedAt:
    FIRST_SEEN = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
    PAGE = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)

    @pytest.mark.parametrize(
        ("feed", "page", "expected"),
        [
            (datetime(2025, 1, 6, 9, 0, tzinfo=UTC), PAGE, datetime(2025, 1, 6, 9, 0, tzinfo=UTC)),
            (FIRST_SEEN + timedelta(days=3), PAGE, PAGE),
            (datetime(1970, 1, 1, tzinfo=UTC), PAGE, PAGE),
            (None, PAGE, PAGE),
            (None, None, FIRST_SEEN),
            (FIRST_SEEN + timedelta(minutes=30), None, FIRST_SEEN + timedelta(minutes=30)),
        ],
        ids=["feed-sane", "feed-future", "feed-epoch", "no-feed", "nothing", "small-skew"],
    )
    def test_feed_then_page_then_first_seen(
        self, feed: datetime | None, page: datetime | None, expected: datetime
    ) -> None:
        """The feed's date wins when sane, then the page's, then the first-seen time."""
        assert choose_published_at(feed, page, self.FIRST_SEEN) == expected

    def test_naive_dates_are_read_as_utc(self) -> None:
        """A date without an offset is taken as UTC and returned timezone-aware."""
        chosen = choose_published_at(datetime(2025, 1, 6, 9, 0), None, self.FIRST_SEEN)

        assert chosen == datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
