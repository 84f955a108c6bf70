"""News sitemaps as sources, against real loopback servers: indexes, gzip files, robots.txt, conditional GET,
hostile documents, and a monitoring run that fetches only the recent news of a large sitemap."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer, Reply, Request
from newsroom import article_html, write_feeds_file
from sitemaps import news_url, plain_url, sitemap_index, urlset

from flows.config import settings_from_environment
from flows.fetching import FeedFetch, FeedSource, FeedState, fetch_feeds
from flows.http import FetchSettings, UrlGuard
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
FAST = FetchSettings(per_host_delay_s=0.0, connect_timeout_s=2, read_timeout_s=2, deadline_s=5)
XML = "application/xml"


def fetch_source(
    server: LoopbackServer, path: str, state: FeedState | None = None, *, settings: FetchSettings = FAST
) -> FeedFetch:
    """One fetch of the source at `path`, as a feeds file naming it would make it."""
    source = FeedSource("desk", "Desk", server.url(path))
    [fetch] = fetch_feeds(
        [source], {"desk": state} if state else {}, settings=settings, guard=UrlGuard([source.feed_url]), now=NOW
    )
    return fetch


def with_etag(body: bytes, etag: str, **reply: object) -> object:
    """A handler honouring If-None-Match, as a server with validators does."""

    def handle(request: Request) -> Reply:
        if request.header("If-None-Match") == etag:
            return Reply(status=304, headers={"ETag": etag}, content_type=None)
        return Reply(body=body, headers={"ETag": etag}, **reply)  # type: ignore[arg-type]

    return handle


def news_sitemap(base: str, count: int, *, start: int = 0) -> bytes:
    """A news sitemap of `count` stories of this morning."""
    return urlset(
        news_url(f"{base}/news/{n}.html", f"Story {n}", NOW - timedelta(minutes=10 * n + 5))
        for n in range(start, start + count)
    )


def paths(server: LoopbackServer) -> list[str]:
    return [request.path for request in server.requests]


class TestSitemapIndex:
    def test_index_reads_only_its_gzip_news_sitemap(self) -> None:
        """An index naming a gzip news sitemap among ordinary ones yields the news and never asks for the others."""
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.route(
                "/sitemap_index.xml",
                Reply(
                    body=sitemap_index(
                        [
                            (f"{base}/sitemap-pages.xml", NOW - timedelta(hours=1)),
                            (f"{base}/sitemap-2019.xml", NOW - timedelta(days=900)),
                            (f"{base}/sitemaps/news.xml.gz", NOW - timedelta(minutes=5)),
                            (f"{base}/sitemap-video.xml", None),
                        ]
                    ),
                    content_type=XML,
                ),
            )
            server.route(
                "/sitemaps/news.xml.gz",
                Reply(body=gzip.compress(news_sitemap(base, 3)), content_type="application/x-gzip"),
            )

            fetch = fetch_source(server, "/sitemap_index.xml")

        assert (fetch.outcome, fetch.document, fetch.failed) == ("ok", "sitemap-index", False)
        assert [entry.title for entry in fetch.entries] == ["Story 0", "Story 1", "Story 2"]
        assert paths(server) == ["/sitemap_index.xml", "/sitemaps/news.xml.gz"]
        assert [item.url for item in fetch.state.sitemaps] == [f"{base}/sitemaps/news.xml.gz"]

    def test_unchanged_index_still_reads_its_news_sitemap_conditionally(self) -> None:
        """A 304 for the index reads the news sitemap remembered from last time, with that sitemap's own ETag."""
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.route("/index.xml", with_etag(sitemap_index([(f"{base}/news.xml", None)]), '"i1"', content_type=XML))  # type: ignore[arg-type]
            server.route("/news.xml", with_etag(news_sitemap(base, 2), '"n1"', content_type=XML))  # type: ignore[arg-type]
            first = fetch_source(server, "/index.xml")
            server.route("/news.xml", with_etag(news_sitemap(base, 3), '"n2"', content_type=XML))  # type: ignore[arg-type]
            second = fetch_source(server, "/index.xml", first.state)
            third = fetch_source(server, "/index.xml", second.state)
            news_requests = server.requests_to("/news.xml")

        assert (second.http_status, second.outcome) == (304, "ok")
        assert [entry.title for entry in second.entries] == ["Story 0", "Story 1", "Story 2"]
        assert [request.header("If-None-Match") for request in news_requests] == [None, '"n1"', '"n2"']
        assert (third.outcome, third.entries, third.failed) == ("not-modified", (), False)

    def test_news_sitemap_that_fails_fails_the_source(self) -> None:
        """When every sitemap the index names fails, the source fails with the sitemap's outcome and URL."""
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.route("/index.xml", Reply(body=sitemap_index([(f"{base}/news.xml", NOW)]), content_type=XML))

            fetch = fetch_source(server, "/index.xml")

        assert (fetch.outcome, fetch.failed) == ("http-4xx", True)
        assert fetch.error is not None and f"{base}/news.xml" in fetch.error

    def test_index_naming_another_local_port_is_refused_before_connecting(self) -> None:
        """An index on a named loopback origin pointing at another local port is refused; that port hears nothing."""
        with LoopbackServer() as other, LoopbackServer() as server:
            other.route("/news.xml", Reply(body=news_sitemap(other.url("").rstrip("/"), 2), content_type=XML))
            server.route("/index.xml", Reply(body=sitemap_index([(other.url("/news.xml"), NOW)]), content_type=XML))

            fetch = fetch_source(server, "/index.xml")

        assert other.requests == []
        assert (fetch.outcome, fetch.entries) == ("refused-unsafe", ())
        assert fetch.error is not None and "not a public address" in fetch.error

    def test_robots_txt_row_reads_the_news_sitemaps_it_names(self) -> None:
        """A feeds row naming a robots.txt reads the news sitemap on its Sitemap lines, not the archive."""
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            robots = (
                f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap-archive.xml\nSitemap: /news-sitemap.xml\n"
            )
            server.route("/robots.txt", Reply(body=robots.encode(), content_type="text/plain"))
            server.route("/news-sitemap.xml", Reply(body=news_sitemap(base, 2), content_type=XML))

            fetch = fetch_source(server, "/robots.txt")

        assert (fetch.outcome, fetch.document, len(fetch.entries)) == ("ok", "robots", 2)
        assert "/sitemap-archive.xml" not in paths(server)

    def test_gzip_sitemap_inflating_past_the_cap_is_too_large(self) -> None:
        """A gzip file that inflates beyond the size cap ends as too-large, having used at most the cap."""
        bomb = gzip.compress(urlset([]) + b" " * 3_000_000)
        with LoopbackServer({"/news.xml.gz": Reply(body=bomb, content_type="application/gzip")}) as server:
            fetch = fetch_source(
                server, "/news.xml.gz", settings=FetchSettings(per_host_delay_s=0, max_bytes=1_000_000)
            )

        assert (fetch.outcome, fetch.failed) == ("too-large", True)
        assert len(bomb) < 10_000


class TestHostileSitemaps:
    @pytest.mark.parametrize(
        "declaration",
        [
            '<!ENTITY remote SYSTEM "{evil}/entity.txt">',
            '<!ENTITY % remote SYSTEM "{evil}/params.dtd"> %remote;',
            '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY remote "&b;&b;&b;&b;&b;">',
        ],
        ids=["external-entity", "parameter-entity", "nested-entities"],
    )
    def test_entities_reach_nothing_and_expand_nothing(self, declaration: str) -> None:
        """External, parameter and nested entities in a sitemap fetch nothing and leave no expansion in an entry."""
        with LoopbackServer() as evil, LoopbackServer() as server:
            base = server.url("").rstrip("/")
            head = f'<?xml version="1.0"?><!DOCTYPE urlset [{declaration.format(evil=evil.url("").rstrip("/"))}]>'
            document = news_sitemap(base, 2).replace(b'<?xml version="1.0" encoding="UTF-8"?>', head.encode(), 1)
            document = document.replace(b"Story 1</news:title>", b"&remote;</news:title>")
            server.route("/news.xml", Reply(body=document, content_type=XML))

            fetch = fetch_source(server, "/news.xml")

        assert evil.requests == []
        assert fetch.outcome == "parse-error"
        assert [entry.title for entry in fetch.entries] == ["Story 0"]


@pytest.fixture
def quick_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No politeness delay against our own loopback server, one extraction worker."""
    monkeypatch.setenv("PRESSWATCH_PER_HOST_DELAY_S", "0")
    monkeypatch.setenv("PRESSWATCH_TASK_RETRY_DELAY_S", "0")
    monkeypatch.setenv("PRESSWATCH_WORKERS", "1")


@pytest.fixture
def outlet() -> Iterator[LoopbackServer]:
    """An outlet publishing only a sitemap: 5,000 old URLs (pages and past news) and 20 news stories of today.

    A monitoring run's clock is the real time, so the stories are dated from it.
    """
    now = datetime.now(UTC)
    with LoopbackServer() as server:
        base = server.url("").rstrip("/")
        old = [plain_url(f"{base}/archive/{n}.html", now - timedelta(days=400 + n)) for n in range(4_000)]
        old_news = [
            news_url(f"{base}/archive/news-{n}.html", f"Old story {n}", now - timedelta(days=3, hours=n))
            for n in range(1_000)
        ]
        today = [
            news_url(f"{base}/news/{n}.html", f"Council vote {n} decided", now - timedelta(minutes=20 * n + 5), "en-gb")
            for n in range(20)
        ]
        server.route("/sitemap.xml", with_etag(urlset(old + old_news + today), '"s1"', content_type=XML))  # type: ignore[arg-type]

        def page(request: Request) -> Reply:
            number = request.path.rsplit("/", 1)[1].removesuffix(".html")
            paragraphs = [f"Harrowby councillors met on Monday and voted on motion {number} after a long debate."] * 3
            return Reply(body=article_html(f"Council vote {number} decided", paragraphs))

        server.fallback = page
        yield server


def run(feeds: Path, db: Path) -> RunSummary:
    settings = settings_from_environment()
    return monitor_run(settings, feeds, db, new_context("live", None), plain_runner(settings))


@pytest.mark.slow
@pytest.mark.usefixtures("quick_settings")
class TestSitemapRuns:
    def test_only_the_recent_news_of_a_large_sitemap_is_fetched(self, outlet: LoopbackServer, tmp_path: Path) -> None:
        """Of 5,000 old URLs and 20 news URLs of today, exactly the 20 pages are fetched and stored as articles."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", outlet.url("/sitemap.xml"))])
        db = tmp_path / "w.duckdb"

        summary = run(feeds, db)

        page_requests = [path for path in paths(outlet) if path not in ("/sitemap.xml", "/robots.txt")]
        assert sorted(page_requests) == sorted(f"/news/{n}.html" for n in range(20))
        assert summary.articles_new == 20
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute("select count(*), count(distinct feed_title) from articles").fetchall()
            fetched = con.execute("select outcome, entries_total, entries_new from feed_fetches").fetchall()
        assert rows == [(20, 20)]
        assert fetched == [("ok", 20, 20)]

    def test_unchanged_sitemap_fetches_nothing_more(self, outlet: LoopbackServer, tmp_path: Path) -> None:
        """The second run sends the stored ETag, gets a 304, and requests no page."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", outlet.url("/sitemap.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db)
        before = len(outlet.requests)

        summary = run(feeds, db)

        assert [request.path for request in outlet.requests[before:]] == ["/sitemap.xml"]
        assert outlet.requests[-1].header("If-None-Match") == '"s1"'
        assert (summary.articles_new, summary.feeds) == (0, {"gazette": "not-modified"})

    def test_index_state_survives_the_warehouse(self, tmp_path: Path) -> None:
        """The news sitemap an index named is remembered in feed_state, so the next run asks for it conditionally."""
        now = datetime.now(UTC)
        stories = urlset(news_url(f"{{base}}/news/{n}.html", f"Story {n}", now - timedelta(hours=n)) for n in range(2))
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.route("/index.xml", with_etag(sitemap_index([(f"{base}/news.xml", None)]), '"i1"', content_type=XML))  # type: ignore[arg-type]
            server.route("/news.xml", with_etag(stories.replace(b"{base}", base.encode()), '"n1"', content_type=XML))  # type: ignore[arg-type]
            server.fallback = lambda request: Reply(body=article_html("Story", ["Words of a story. " * 20]))
            feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", server.url("/index.xml"))])
            db = tmp_path / "w.duckdb"
            first = run(feeds, db)
            second = run(feeds, db)
            news_requests = server.requests_to("/news.xml")

        assert (first.articles_new, second.articles_new) == (2, 0)
        assert [request.header("If-None-Match") for request in news_requests] == [None, '"n1"']
