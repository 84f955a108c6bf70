"""parse_feed: typed, canonical, de-duplicated entries from any document, and nothing reached or expanded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from transforms.feeds import defuse_prolog, parse_feed

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
BASE = "https://news.example.com/politics/rss.xml"


def rss(*items: str, preamble: str = "", title: str = "Politics") -> bytes:
    """A small RSS 2.0 document around `items`."""
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{preamble}<rss version="2.0"><channel><title>{title}</title>'
        f"{body}</channel></rss>"
    ).encode()


class TestParseFeed:
    def test_reads_entries_as_typed_records(self) -> None:
        """A clean RSS item becomes a FeedEntry with canonical URL, guid, UTC date and plain-text summary."""
        body = rss(
            "<title>Starmer answers Musk</title><link>https://news.example.com/a?utm_source=rss</link>"
            "<guid>story-1</guid><pubDate>Mon, 06 Jan 2025 10:30:00 +0100</pubDate>"
            "<description>&lt;p&gt;The &lt;b&gt;PM&lt;/b&gt; spoke.&lt;/p&gt;</description>"
        )

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert parsed.outcome == "ok"
        assert parsed.title == "Politics"
        [entry] = parsed.entries
        assert entry.url == "https://news.example.com/a"
        assert entry.title == "Starmer answers Musk"
        assert entry.published_at == datetime(2025, 1, 6, 9, 30, tzinfo=UTC)
        assert entry.summary == "The PM spoke."

    def test_reads_atom(self) -> None:
        """Atom entries with alternate links and updated dates are read."""
        body = (
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            b'<entry><title>One</title><id>urn:1</id><link rel="alternate" href="/one"/>'
            b"<updated>2025-01-05T08:00:00Z</updated></entry></feed>"
        )

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert [(e.url, e.guid, e.published_at) for e in parsed.entries] == [
            ("https://news.example.com/one", "urn:1", datetime(2025, 1, 5, 8, 0, tzinfo=UTC))
        ]

    def test_resolves_relative_links(self) -> None:
        """Relative item links resolve against the feed's own URL."""
        body = rss("<title>a</title><link>/uk/story-2#top</link>", "<title>b</title><link>story-3</link>")

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert [e.url for e in parsed.entries] == [
            "https://news.example.com/uk/story-2",
            "https://news.example.com/politics/story-3",
        ]

    def test_collapses_duplicate_entries(self) -> None:
        """Items repeating a URL (after canonicalisation) or a guid appear once, first occurrence kept."""
        body = rss(
            "<title>first</title><link>https://news.example.com/a</link><guid>g1</guid>",
            "<title>again</title><link>https://news.example.com/a?utm_medium=x#c</link>",
            "<title>same guid</title><link>https://news.example.com/b</link><guid>g1</guid>",
            "<title>other</title><link>https://news.example.com/c</link>",
        )

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert [e.title for e in parsed.entries] == ["first", "other"]

    def test_links_that_are_not_http_are_kept_for_the_guard_to_refuse(self) -> None:
        """file:, gopher:, ftp:, javascript: and smb: links stay entries exactly as given, so the fetch stage records
        their refusal of the very address the feed pushed."""
        links = [
            "file:///etc/passwd",
            "gopher://127.0.0.1:70/1secret",
            "ftp://files.example/x",
            "javascript:alert(1)",
            "smb:////host/share",
        ]
        body = rss(*(f"<title>t{i}</title><link>{link}</link><guid>{link}</guid>" for i, link in enumerate(links)))

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert [entry.url for entry in parsed.entries] == links  # exactly as given: file:///x is not file://x
        assert [entry.guid for entry in parsed.entries] == links
        assert parsed.outcome == "ok"

    def test_atom_links_that_are_not_http_are_kept_as_given(self) -> None:
        """An Atom entry's file:/// href and id are kept with their three slashes."""
        body = (
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>a</title>'
            b'<link href="file:///etc/passwd"/><id>file:///etc/passwd</id></entry></feed>'
        )

        [entry] = parse_feed(body, base_url=BASE, now=NOW).entries

        assert (entry.url, entry.guid) == ("file:///etc/passwd", "file:///etc/passwd")

    def test_entry_links_lose_their_credentials(self) -> None:
        """Links and URL guids with user:password@ lose them, so no password is ever stored."""
        body = rss(
            "<title>a</title><link>http://editor:secretpw@news.example.com/a</link>"
            "<guid>http://editor:secretpw@news.example.com/a</guid>",
            "<title>b</title><link>ftp://editor:secretpw@files.example/b</link>",
        )

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert [e.url for e in parsed.entries] == ["http://news.example.com/a", "ftp://files.example/b"]
        assert "secretpw" not in repr(parsed)

    @pytest.mark.parametrize(
        ("date_element", "expected"),
        [
            ("", None),
            ("<pubDate>not a date</pubDate>", None),
            ("<pubDate>Mon, 06 Jan 2025 12:10:00 GMT</pubDate>", datetime(2025, 1, 6, 12, 10, tzinfo=UTC)),
            ("<pubDate>Tue, 07 Jan 2025 12:00:00 GMT</pubDate>", None),
            ("<pubDate>Mon, 01 Jan 0001 00:00:00 +0100</pubDate>", None),
            ("<pubDate>Fri, 31 Dec 9999 23:59:59 -0100</pubDate>", None),
            ("<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate>", None),
            ("<pubDate>Mon, 01 Jan 0001 00:00:00 +0000</pubDate>", None),
        ],
        ids=["missing", "unreadable", "within-skew", "future", "year-1", "year-9999", "epoch-zero", "year-1-utc"],
    )
    def test_dates_missing_or_in_the_future_become_none(self, date_element: str, expected: datetime | None) -> None:
        """Entries without a usable date, dated beyond 15 minutes ahead, or before 2 January 1970 (a placeholder or
        year 1) keep published_at None."""
        body = rss(f"<title>t</title><link>https://news.example.com/a</link>{date_element}")

        [entry] = parse_feed(body, base_url=BASE, now=NOW).entries

        assert entry.published_at == expected

    def test_malformed_xml_yields_readable_entries(self) -> None:
        """A broken document is a parse-error that still carries the entries it holds."""
        body = rss(
            "<title>kept</title><link>https://news.example.com/a</link>",
            "<title>broken & unescaped<link>https://news.example.com/b</link>",
        )[:-20]

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert parsed.outcome == "parse-error"
        assert parsed.problem
        assert "https://news.example.com/a" in [e.url for e in parsed.entries]

    @pytest.mark.parametrize(
        "body",
        [
            b"",
            b"   \n",
            b"<!doctype html><html><head><title>Home</title></head><body><p>News</p></body></html>",
            b"just some text",
        ],
        ids=["empty", "blank", "html-page", "text"],
    )
    def test_non_feeds_are_not_a_feed(self, body: bytes) -> None:
        """Empty bodies and HTML pages are reported as not-a-feed, never as a feed with 0 entries."""
        assert parse_feed(body, base_url=BASE, now=NOW).outcome == "not-a-feed"

    def test_feed_with_no_items_is_ok_and_empty(self) -> None:
        """A valid feed without items is ok with zero entries, distinct from not-a-feed."""
        parsed = parse_feed(rss(), base_url=BASE, now=NOW)

        assert (parsed.outcome, parsed.entries) == ("ok", ())

    @pytest.mark.parametrize(
        ("body", "content_type"),
        [
            (
                "<title>Caf\u00e9 row \u2019s</title>".encode("cp1252"),
                "application/rss+xml; charset=windows-1252",
            ),
            ("<title>Caf\u00e9 row \u2019s</title>".encode(), None),
            ("<title>Caf\u00e9 row \u2019s</title>".encode("utf-16"), None),
        ],
        ids=["cp1252-header", "utf8-undeclared", "utf16-bom"],
    )
    def test_decodes_declared_and_detected_charsets(self, body: bytes, content_type: str | None) -> None:
        """Titles survive Windows-1252 via the header, UTF-8 without declaration, and UTF-16 with a BOM."""
        document = b'<rss version="2.0"><channel><item>' + body + b"<link>https://x.example/a</link></item>"
        document += b"</channel></rss>"
        if body.startswith(b"\xff\xfe"):
            document = (
                '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><item>'
                "<title>Caf\u00e9 row \u2019s</title><link>https://x.example/a</link></item></channel></rss>"
            ).encode("utf-16")

        [entry] = parse_feed(document, base_url=BASE, content_type=content_type, now=NOW).entries

        assert entry.title == "Caf\u00e9 row \u2019s"


class TestHostileXml:
    def test_billion_laughs_expands_nothing(self) -> None:
        """Nested entity declarations are dropped, so no expansion happens and the text stays small."""
        laughs = '<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
        )
        body = rss(
            "<title>&lol9;</title><link>https://news.example.com/a</link>",
            preamble=f"<!DOCTYPE rss [{laughs}]>",
            title="&lol9;",
        )

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert all("lollol" not in e.title for e in parsed.entries)
        assert "lollol" not in (parsed.title or "")

    def test_external_entity_reads_no_local_file(self, tmp_path: Path) -> None:
        """A SYSTEM entity naming a local file does not pull the file into the feed."""
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP-SECRET-VALUE")
        body = rss(
            "<title>&leak;</title><link>https://news.example.com/a</link>",
            preamble=f'<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret}">]>',
        )

        parsed = parse_feed(body, base_url=BASE, now=NOW)

        assert "TOP-SECRET-VALUE" not in repr(parsed)

    def test_external_entity_and_dtd_reach_no_server(self) -> None:
        """Neither an external DTD nor an external entity causes a request, even to a live server."""
        with LoopbackServer(
            {
                "/evil.dtd": Reply(body=b'<!ENTITY x "PWNED">', content_type="text/plain"),
                "/entity": Reply(body=b"PWNED", content_type="text/plain"),
            }
        ) as server:
            dtd = f'<!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}">'
            entity = f'<!DOCTYPE rss [<!ENTITY e SYSTEM "{server.url("/entity")}">]>'
            results = [
                parse_feed(
                    rss("<title>&x;&e;</title><link>https://n.example/a</link>", preamble=p),
                    base_url=BASE,
                    now=NOW,
                )
                for p in (dtd, entity)
            ]

            assert server.requests == []
        assert all("PWNED" not in repr(result) for result in results)

    def test_path_like_body_is_not_opened(self, tmp_path: Path) -> None:
        """A body that names a local feed file is parsed as text, not read from disk."""
        local = tmp_path / "feed.xml"
        local.write_bytes(rss("<title>from disk</title><link>https://n.example/a</link>"))

        parsed = parse_feed(str(local).encode(), base_url=BASE, now=NOW)

        assert parsed.entries == ()

    def test_defuse_keeps_literal_entities(self) -> None:
        """Harmless literal entity declarations survive so feeds using them still read cleanly."""
        body = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY brand "Daily News"><!ENTITY x SYSTEM "f">]><rss/>'

        defused = defuse_prolog(body)

        assert b'<!ENTITY brand "Daily News">' in defused
        assert b"SYSTEM" not in defused
