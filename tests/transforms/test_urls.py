"""Canonical URLs: one spelling per story, so the same article linked twice is fetched once."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.urls import (
    canonicalize_url,
    is_tracking_parameter,
    origin_text,
    redact_credentials,
    url_origin,
    without_credentials,
)


class TestCanonicalizeUrl:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("HTTP://News.Example.COM/a", "http://news.example.com/a"),
            ("https://example.com:443/a", "https://example.com/a"),
            ("http://example.com:8080/a", "http://example.com:8080/a"),
            ("https://example.com", "https://example.com/"),
            ("https://example.com/a#comments", "https://example.com/a"),
            ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
            ("https://example.com/a?b=2&fbclid=xyz&a=1", "https://example.com/a?a=1&b=2"),
            ("https://example.com/a/./b/../c", "https://example.com/a/c"),
            ("https://example.com/%7euser/%e2%82%ac", "https://example.com/~user/%E2%82%AC"),
            ("https://example.com/caf\u00e9 bar", "https://example.com/caf%C3%A9%20bar"),
            ("  https://example.com/a  ", "https://example.com/a"),
        ],
    )
    def test_normalises_spelling(self, url: str, expected: str) -> None:
        """Variant spellings of one address come out identical."""
        assert canonicalize_url(url) == expected

    @pytest.mark.parametrize(
        ("link", "base", "expected"),
        [
            (
                "/politics/story-1",
                "https://example.com/feeds/rss.xml",
                "https://example.com/politics/story-1",
            ),
            ("story-2", "https://example.com/feeds/rss.xml", "https://example.com/feeds/story-2"),
            ("//cdn.example.org/x", "https://example.com/feed", "https://cdn.example.org/x"),
            ("https://other.example/y", "https://example.com/feed", "https://other.example/y"),
        ],
    )
    def test_resolves_relative_links_against_base(self, link: str, base: str, expected: str) -> None:
        """Relative links in a feed become absolute against the feed's URL."""
        assert canonicalize_url(link, base=base) == expected

    def test_keeps_meaningful_query_parameters(self) -> None:
        """Parameters that select content (an article id) survive."""
        assert canonicalize_url("https://example.com/view?id=42&utm_campaign=x") == "https://example.com/view?id=42"

    @pytest.mark.parametrize("name", ["utm_source", "UTM_Medium", "fbclid", "gclid", "mc_cid"])
    def test_recognises_tracking_parameters(self, name: str) -> None:
        """Click-tracking parameters are recognised whatever their case."""
        assert is_tracking_parameter(name)

    @given(st.text(max_size=60))
    def test_idempotent_on_arbitrary_text(self, text: str) -> None:
        """Canonicalising a canonical URL changes nothing, whatever the input."""
        once = canonicalize_url(text)

        assert canonicalize_url(once) == once

    @given(
        scheme=st.sampled_from(["http", "https", "HTTP", "Https"]),
        host=st.from_regex(r"[A-Za-z0-9-]{1,12}(\.[A-Za-z]{2,6}){1,2}", fullmatch=True),
        port=st.sampled_from(["", ":80", ":443", ":8080"]),
        path=st.lists(
            st.sampled_from(["a", "B", ".", "..", "%7e", "%2F", "%zz", "caf\u00e9", " ", "x y", ""]),
            max_size=6,
        ),
        query=st.lists(
            st.tuples(
                st.sampled_from(["utm_source", "id", "q", "A", ""]),
                st.text(alphabet="ab +%&=?/\u00e9", max_size=5),
            ),
            max_size=4,
        ),
        fragment=st.text(max_size=5),
        base=st.sampled_from([None, "https://base.example/dir/feed.xml"]),
    )
    def test_idempotent_on_url_shaped_input(
        self,
        scheme: str,
        host: str,
        port: str,
        path: list[str],
        query: list[tuple[str, str]],
        fragment: str,
        base: str | None,
    ) -> None:
        """URLs built from awkward parts reach a fixed point after one pass."""
        query_text = "&".join(f"{name}={value}" for name, value in query)
        url = f"{scheme}://{host}{port}/{'/'.join(path)}?{query_text}#{fragment}"
        once = canonicalize_url(url, base=base)

        assert canonicalize_url(once) == once
        assert canonicalize_url(once, base=base) == once


class TestCredentials:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("http://user:secretpw@news.example/a", "http://news.example/a"),
            ("HTTPS://user@News.Example:443/a?utm_source=x", "https://news.example/a"),
            ("http://a@b@news.example:8080/a", "http://news.example:8080/a"),
            ("http://news.example.com@evil.example/", "http://evil.example/"),
            ("ftp://user:secretpw@files.example/x", "ftp://files.example/x"),
            ("https://medium.example/@writer/post", "https://medium.example/@writer/post"),
            ("mailto:desk@news.example", "mailto:desk@news.example"),
        ],
    )
    def test_canonical_urls_carry_no_user_info(self, url: str, expected: str) -> None:
        """User info is dropped from every scheme's authority; an "@" in a path or a mailto stays."""
        assert canonicalize_url(url) == expected

    def test_relative_link_against_a_base_with_credentials_loses_them(self) -> None:
        """A relative link resolved against a feed URL with user info comes out without it."""
        assert canonicalize_url("/b", base="http://u:secretpw@news.example/feed") == "http://news.example/b"

    @given(
        user=st.text(alphabet="abcXYZ09:%!$~", min_size=1, max_size=8),
        password=st.text(alphabet="abcXYZ09:%!$~@", max_size=8),
        host=st.from_regex(r"[a-z0-9-]{1,10}\.(com|example|uk)", fullmatch=True),
        scheme=st.sampled_from(["http", "https", "HTTP", "ftp", "gopher"]),
        path=st.sampled_from(["", "/", "/a/b", "/@x", "?q=1", "#f"]),
    )
    def test_no_password_survives_canonicalisation(
        self, user: str, password: str, host: str, scheme: str, path: str
    ) -> None:
        """Whatever the user info looks like, the canonical URL keeps none of it."""
        url = f"{scheme}://{user}:{password}@{host}{path}"

        canonical = canonicalize_url(url)

        assert "@" not in canonical.split("//", 1)[1].split("/", 1)[0]
        assert host in canonical

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("redirect loop back to http://u:secretpw@h.example:81/x", "redirect loop back to http://h.example:81/x"),
            ("'HTTPS://a:b@c.example?d@e' and ftp://x@y/", "'HTTPS://c.example?d@e' and ftp://y/"),
            ("write to desk@news.example", "write to desk@news.example"),
        ],
    )
    def test_messages_lose_the_user_info_of_every_url(self, text: str, expected: str) -> None:
        """Error texts keep the URL but not its user info; plain e-mail addresses are left alone."""
        assert redact_credentials(text) == expected

    def test_unparseable_url_still_loses_its_user_info(self) -> None:
        """A URL urllib refuses to split still has its user info removed."""
        assert without_credentials("http://u:secretpw@[bad/x") == "http://[bad/x"


class TestOrigins:
    @pytest.mark.parametrize(
        ("url", "origin"),
        [
            ("http://News.Example/a", ("http", "news.example", 80)),
            ("http://news.example:80/a", ("http", "news.example", 80)),
            ("https://news.example./a", ("https", "news.example", 443)),
            ("https://news.example:8443", ("https", "news.example", 8443)),
            ("http://user:pw@127.0.0.1:9910/feed", ("http", "127.0.0.1", 9910)),
            ("http://[0:0::1]:4200/", ("http", "::1", 4200)),
            ("ftp://news.example/", None),
            ("http:///nohost", None),
            ("http://news.example:99999/", None),
        ],
    )
    def test_one_spelling_per_origin(self, url: str, origin: tuple[str, str, int] | None) -> None:
        """Scheme, host and port with the default port filled in; anything not http(s) with a host has none."""
        assert url_origin(url) == origin

    @pytest.mark.parametrize(
        ("origin", "text"),
        [(("http", "127.0.0.1", 80), "http://127.0.0.1"), (("https", "::1", 8443), "https://[::1]:8443")],
    )
    def test_origins_read_as_people_write_them(self, origin: tuple[str, str, int], text: str) -> None:
        """Default ports are left out and IPv6 hosts bracketed."""
        assert origin_text(origin) == text
