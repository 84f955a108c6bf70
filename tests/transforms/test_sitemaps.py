"""Sitemap parsing: news entries within the window, indexes, robots.txt lines, gzip, hostile documents."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest
from sitemaps import news_url, plain_url, sitemap_index, urlset

from transforms.sitemaps import (
    SitemapLink,
    choose_sitemaps,
    document_kind,
    gunzip_capped,
    parse_sitemap,
    parse_w3c_datetime,
    robots_sitemaps,
)

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
BASE = "https://news.example.org/sitemap.xml"


class TestNewsEntries:
    def test_recent_news_entries_become_feed_entries(self) -> None:
        """A news entry of this morning gives a canonical URL, its headline, date and language."""
        body = urlset(
            [news_url("https://news.example.org/a?utm_source=x", "Budget & bills", NOW - timedelta(hours=3), "EN")]
        )

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        [entry] = parsed.entries
        assert (entry.url, entry.title, entry.published_at, entry.language) == (
            "https://news.example.org/a",
            "Budget & bills",
            NOW - timedelta(hours=3),
            "en",
        )
        assert (parsed.kind, parsed.outcome, parsed.problem) == ("sitemap", "ok", None)

    def test_old_news_and_ordinary_pages_are_left_out(self) -> None:
        """Only news entries of the last two days count; old news and plain pages are read but not kept."""
        body = urlset(
            [
                news_url("https://news.example.org/new", "New", NOW - timedelta(days=1)),
                news_url("https://news.example.org/old", "Old", NOW - timedelta(days=3)),
                plain_url("https://news.example.org/about", NOW),
            ]
        )

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert [entry.url for entry in parsed.entries] == ["https://news.example.org/new"]
        assert (parsed.urls_total, parsed.news_total) == (3, 2)

    def test_ordinary_sitemap_says_it_holds_no_news(self) -> None:
        """A sitemap without <news:news> is read without failing, and its note says why nothing came of it."""
        parsed = parse_sitemap(urlset([plain_url("https://news.example.org/a")]), base_url=BASE, now=NOW)

        assert (parsed.entries, parsed.outcome) == ((), "ok")
        assert parsed.problem is not None and "ordinary sitemap" in parsed.problem

    def test_future_date_is_dropped_and_repeated_url_collapsed(self) -> None:
        """A date a day ahead becomes None (first sight is used) and a URL listed twice is one entry."""
        body = urlset(
            [
                news_url("https://news.example.org/a", "Ahead", NOW + timedelta(days=1)),
                news_url("https://news.example.org/a", "Again", NOW),
            ]
        )

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert [(entry.title, entry.published_at) for entry in parsed.entries] == [("Ahead", None)]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2025-01-06", datetime(2025, 1, 6, tzinfo=UTC)),
            ("2025-01-06T09:30Z", datetime(2025, 1, 6, 9, 30, tzinfo=UTC)),
            ("2025-01-06T10:30:00.250+01:00", datetime(2025, 1, 6, 9, 30, 0, 250000, tzinfo=UTC)),
            ("2025-01-06T09:30:00", datetime(2025, 1, 6, 9, 30, tzinfo=UTC)),
            ("yesterday", None),
            ("", None),
            ("0001-01-01T00:00:00+01:00", None),
            ("9999-12-31T23:59:59-01:00", None),
        ],
    )
    def test_w3c_dates(self, text: str, expected: datetime | None) -> None:
        """Dates, minutes with Z, fractions with offsets and naive times are read as UTC; words are not dates, nor
        are times that leave the calendar once converted to UTC."""
        assert parse_w3c_datetime(text) == expected


class TestIndexes:
    def test_index_lists_its_sitemaps_with_lastmod(self) -> None:
        """An index yields links, resolved against its URL, and no entries."""
        body = sitemap_index([("/news.xml.gz", NOW), ("https://news.example.org/pages.xml", None)])

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert parsed.kind == "sitemap-index"
        assert parsed.links == (
            SitemapLink("https://news.example.org/news.xml.gz", NOW),
            SitemapLink("https://news.example.org/pages.xml", None),
        )

    def test_index_drops_sitemaps_unchanged_since_before_the_window(self) -> None:
        """An archive sitemap last changed years ago is not even kept: it cannot hold today's news."""
        body = sitemap_index([("/2019.xml", NOW - timedelta(days=2000)), ("/today.xml", NOW), ("/undated.xml", None)])

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert [link.url for link in parsed.links] == [
            "https://news.example.org/today.xml",
            "https://news.example.org/undated.xml",
        ]

    def test_sitemaps_without_namespaces_are_read(self) -> None:
        """Sitemaps written without the sitemaps.org namespace (some CMSs do) are read the same way."""
        body = (
            b"<urlset><url><loc>/a</loc><news><publication_date>2025-01-06</publication_date><title>T</title>"
            b"</news></url></urlset>"
        )

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert [(entry.url, entry.title) for entry in parsed.entries] == [("https://news.example.org/a", "T")]

    def test_news_named_sitemaps_are_chosen_over_the_archive(self) -> None:
        """When an index names a news sitemap, the archive sitemaps beside it are not read."""
        links = [
            SitemapLink("https://a.example/sitemap-2019.xml", None),
            SitemapLink("https://a.example/sitemap_news.xml.gz", NOW),
            SitemapLink("https://a.example/sitemap-pages.xml", NOW),
        ]

        chosen, left_out = choose_sitemaps(links, now=NOW)

        assert (chosen, left_out) == ((SitemapLink("https://a.example/sitemap_news.xml.gz", NOW),), 0)

    def test_stale_sitemaps_are_skipped_and_the_limit_counts_the_rest(self) -> None:
        """Sitemaps unchanged for more than two days hold no news; beyond the limit, the newest are read."""
        links = [SitemapLink(f"https://a.example/day-{day}.xml", NOW - timedelta(hours=day * 6)) for day in range(12)]

        chosen, left_out = choose_sitemaps(links, now=NOW, limit=3)

        assert [link.url for link in chosen] == [f"https://a.example/day-{day}.xml" for day in (0, 1, 2)]
        assert left_out == 6  # days 3..8 are within 48 hours; 9..11 are stale


class TestDocuments:
    @pytest.mark.parametrize(
        ("body", "kind"),
        [
            (urlset([]), "sitemap"),
            (sitemap_index([]), "sitemap-index"),
            (b"User-agent: *\nDisallow: /private\nSitemap: https://a.example/news.xml\n", "robots"),
            (b"User-agent: *\nDisallow: /private\n", None),
            (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', None),
            (b"<!doctype html><html><body>Sitemap: no</body></html>", None),
            ("\ufeff<?xml version='1.0' encoding='utf-16'?><urlset/>".encode("utf-16"), "sitemap"),
        ],
    )
    def test_kind_is_read_from_the_document(self, body: bytes, kind: str | None) -> None:
        """Sitemaps, indexes (UTF-16 too) and robots.txt with Sitemap lines are told apart from feeds and pages."""
        assert document_kind(body) == kind

    def test_robots_sitemap_lines(self) -> None:
        """Each Sitemap line of a robots.txt becomes an absolute link, in order, once."""
        text = (
            "User-agent: *\nSitemap: /news-sitemap.xml\nsitemap: https://a.example/all.xml\n"
            "Sitemap: /news-sitemap.xml\n"
        )

        links = robots_sitemaps(text, base_url="https://a.example/robots.txt")

        assert [link.url for link in links] == ["https://a.example/news-sitemap.xml", "https://a.example/all.xml"]

    def test_gzip_file_is_inflated_within_the_cap(self) -> None:
        """A gzip sitemap is inflated; one inflating beyond the cap is cut and says so."""
        document = urlset([news_url("https://a.example/x", "X", NOW)])
        bomb = gzip.compress(b"<" + b" " * 2_000_000)

        assert gunzip_capped(gzip.compress(document), 1_000_000) == (document, False)
        assert gunzip_capped(document, 10) == (document, False)
        assert gunzip_capped(bomb, 100_000) == (b"<" + b" " * 99_999, True)


class TestHostileDocuments:
    def test_billion_laughs_does_not_expand(self) -> None:
        """Nested entities are removed before parsing: the document fails to parse instead of growing."""
        levels = "".join(f'<!ENTITY lol{level} "{("&lol" + str(level - 1) + ";") * 10}">' for level in range(1, 10))
        body = (
            f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY lol0 "lol">{levels}]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"<url><loc>https://a.example/x</loc><news:news><news:publication_date>{NOW.isoformat()}"
            "</news:publication_date><news:title>&lol9;</news:title></news:news></url></urlset>"
        ).encode()

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert parsed.outcome == "parse-error"
        assert parsed.problem is not None and "lol9" in parsed.problem
        assert all(len(entry.title) < 100 for entry in parsed.entries)

    def test_external_entity_is_never_read(self) -> None:
        """An entity naming a local file is dropped, so the file's contents never reach an entry."""
        body = (
            '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"<url><loc>https://a.example/x</loc><news:news><news:publication_date>{NOW.isoformat()}"
            "</news:publication_date><news:title>Leak: &secret;</news:title></news:news></url></urlset>"
        ).encode()

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert parsed.outcome == "parse-error"
        assert parsed.entries == ()

    def test_truncated_sitemap_keeps_what_was_read(self) -> None:
        """A sitemap cut off mid-way is a parse error that keeps the entries before the cut."""
        whole = urlset([news_url(f"https://a.example/{n}", f"Story {n}", NOW) for n in range(3)])

        parsed = parse_sitemap(whole[: whole.index(b"Story 2")], base_url=BASE, now=NOW)

        assert parsed.outcome == "parse-error"
        assert [entry.title for entry in parsed.entries] == ["Story 0", "Story 1"]

    def test_dates_outside_the_calendar_are_damage_not_a_crash(self) -> None:
        """An entry dated year 1 (+01:00) is left out and named in the problem; the good entry beside it is kept."""
        body = urlset(
            [
                news_url("https://a.example/old", "Year one", "0001-01-01T00:00:00+01:00"),
                news_url("https://a.example/new", "New", NOW),
            ]
        )

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert (parsed.outcome, [entry.title for entry in parsed.entries]) == ("parse-error", ["New"])
        assert parsed.problem is not None and "publication date '0001-01-01T00:00:00+01:00'" in parsed.problem

    def test_index_child_with_a_year_9999_lastmod_is_still_read(self) -> None:
        """A lastmod past year 9999 in UTC is a problem said once; the sitemap it dates is listed without a date."""
        body = sitemap_index([]).replace(
            b"</sitemapindex>",
            b"<sitemap><loc>https://a.example/news.xml</loc><lastmod>9999-12-31T23:59:59-01:00</lastmod></sitemap>"
            b"</sitemapindex>",
        )

        parsed = parse_sitemap(body, base_url=BASE, now=NOW)

        assert parsed.links == (SitemapLink("https://a.example/news.xml", None),)
        assert parsed.outcome == "parse-error"
        assert parsed.problem is not None and "lastmod" in parsed.problem
