"""Feed discovery's pure parts: advertised feeds, usual addresses, outlet names and source ids; OPML in and out."""

from __future__ import annotations

import pytest

from transforms.discovery import advertised_feeds, common_feed_urls, page_name
from transforms.feed_list import append_feed_rows, source_id_for
from transforms.opml import OutlineFeed, parse_opml, write_opml
from transforms.seed_files import FeedRow, parse_feeds_csv
from transforms.unique_ids import UniqueIds

HOME = """<!doctype html><html><head><title>Home | The Harrowby Post</title>
<meta property="og:site_name" content="The Harrowby Post">
<link rel="alternate" type="application/rss+xml" title="Top stories" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="https://feeds.harrowby.example/politics.atom">
<link rel="alternate" type="application/rss+xml" href="/comments/feed">
<link rel="stylesheet" href="/style.css">
</head><body><a href="/about">About</a></body></html>"""


class TestAdvertisedFeeds:
    def test_link_alternate_feeds_are_found_absolute_without_comment_feeds(self) -> None:
        """Relative and absolute <link rel=alternate> feeds come back absolute; a comments feed does not."""
        found = advertised_feeds(HOME, base_url="https://www.harrowby.example/politics/")

        assert found == ("https://www.harrowby.example/rss.xml", "https://feeds.harrowby.example/politics.atom")

    def test_page_without_feeds_advertises_none(self) -> None:
        """A page with no feed link gives nothing, and neither does a page that is not HTML."""
        assert advertised_feeds("<html><head></head><body><p>Hi</p></body></html>", base_url="https://a.example/") == ()
        assert advertised_feeds("", base_url="https://a.example/") == ()

    def test_usual_addresses_sit_on_the_pages_site(self) -> None:
        """The usual addresses are tried at the site's root, whatever section page was given."""
        urls = common_feed_urls("https://www.harrowby.example/news/politics?page=2")

        assert urls[0] == "https://www.harrowby.example/feed"
        assert "https://www.harrowby.example/news-sitemap.xml" in urls


class TestNames:
    @pytest.mark.parametrize(
        ("page", "name"),
        [
            (HOME, "The Harrowby Post"),
            ("<html><head><title>Politics – The Civic Courier</title></head></html>", "Politics"),
            ("<html><head><meta name='application-name' content='Wire'></head></html>", "Wire"),
            ("<html><body>no title</body></html>", None),
        ],
    )
    def test_page_name(self, page: str, name: str | None) -> None:
        """The site name comes from og:site_name, application-name, else the title's first part."""
        assert page_name(page) == name

    @pytest.mark.parametrize(
        ("name", "taken", "expected"),
        [
            ("The Harrowby Post", set(), "the-harrowby-post"),
            ("Le Monde – À la une", set(), "le-monde-a-la-une"),
            ("The Herald", {"the-herald"}, "the-herald-2"),
            ("The Herald", {"the-herald", "the-herald-2"}, "the-herald-3"),
            ("!!!", set(), "feed"),
        ],
    )
    def test_source_id_from_a_name(self, name: str, taken: set[str], expected: str) -> None:
        """Ids are lower-case ASCII words joined by hyphens, numbered when taken."""
        assert source_id_for(name, UniqueIds(taken)) == expected


class TestFeedList:
    def test_rows_are_appended_in_the_files_column_order(self) -> None:
        """A row goes under the existing header in its column order; the text above is kept as it was."""
        text = "name,feed_url,source_id\nBBC,https://b.example/rss,bbc"  # no final newline, no respect_robots

        updated = append_feed_rows(text, [FeedRow("post", "The Post, daily", "https://p.example/rss", True)])

        assert updated == text + '\n"The Post, daily",https://p.example/rss,post\n'
        assert [row.source_id for row in parse_feeds_csv(updated, "feeds.csv")] == ["bbc", "post"]

    def test_an_empty_file_gets_the_standard_header(self) -> None:
        """Adding to an empty or new feeds file writes the header first."""
        updated = append_feed_rows("", [FeedRow("post", "Post", "https://p.example/rss", False)])

        assert updated == "source_id,name,feed_url,respect_robots\npost,Post,https://p.example/rss,false\n"


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Newsdesk</title></head><body>
<outline text="Politics" title="Politics">
  <outline type="rss" text="Harrowby Post &amp; Politics" xmlUrl="https://p.example/politics.rss" htmlUrl="https://p.example/"/>
  <outline type="rss" text="Civic Courier" xmlUrl="https://c.example/rss.xml"/>
</outline>
<outline text="Wire"><outline type="rss" text="Meridian Wire" xmlUrl="https://m.example/atom.xml"/></outline>
<outline type="rss" text="Civic Courier again" xmlUrl="https://c.example/rss.xml"/>
</body></opml>"""


class TestOpml:
    def test_nested_categories_are_flattened_and_repeats_dropped(self) -> None:
        """Feeds inside categories are read in order, each address once, with their titles."""
        subscriptions = parse_opml(OPML)

        assert subscriptions.title == "Newsdesk"
        assert subscriptions.feeds == (
            OutlineFeed("Harrowby Post & Politics", "https://p.example/politics.rss"),
            OutlineFeed("Civic Courier", "https://c.example/rss.xml"),
            OutlineFeed("Meridian Wire", "https://m.example/atom.xml"),
        )

    def test_written_opml_reads_back_the_same_feeds(self) -> None:
        """Our OPML export parses back to the very feeds it was written from."""
        feeds = parse_opml(OPML).feeds

        assert parse_opml(write_opml(feeds, title="presswatch feeds")).feeds == feeds

    def test_entities_in_opml_expand_nothing(self) -> None:
        """Nested and external entities are removed before parsing: titles keep no expansion or file text."""
        document = (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY x SYSTEM "file:///etc/hostname">]><opml version="2.0"><body>'
            b'<outline type="rss" text="T&b;&x;" xmlUrl="https://e.example/f"/></body></opml>'
        )

        [feed] = parse_opml(document).feeds

        assert feed.feed_url == "https://e.example/f"
        assert "aaaa" not in feed.title and len(feed.title) < 20

    def test_a_document_without_feeds_says_so(self) -> None:
        """Anything without feed outlines is reported, not silently imported as nothing."""
        subscriptions = parse_opml(b"<html><body>hello</body></html>")

        assert subscriptions.feeds == ()
        assert subscriptions.problem == "no feed (outline with xmlUrl) in the document"
