"""Bulkheads between sources: whatever one feed or sitemap sends ends as that source's recorded outcome, and the
other outlets of the run still load. Real loopback outlets, real warehouse files, real CLI processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer, Reply
from newsroom import ARTICLES, article_html, feed_xml, write_feeds_file
from processes import PRESSWATCH, PROJECT_DIR
from sitemaps import news_url, sitemap_index, urlset

from flows.adapters.fetching import fetch_feeds, isolated
from flows.adapters.http import FetchSettings, UrlGuard
from flows.config import settings_from_environment
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner
from transforms.backoff import MAXIMUM_DELAY
from transforms.feed_state import FeedSource, FeedState

XML = "application/xml"
FAST = FetchSettings(per_host_delay_s=0.0, connect_timeout_s=2, read_timeout_s=2, deadline_s=5)
YEAR_ONE = "0001-01-01T00:00:00+01:00"  # before year 1 once converted to UTC
YEAR_END = "9999-12-31T23:59:59-01:00"  # after year 9999 once converted to UTC


def odd_dates_feed(base: str) -> bytes:
    """An RSS feed whose two items are dated in year 1 and year 9999, each in a time zone pushing it out of range."""
    items = "".join(
        f"<item><title>Odd {n}</title><link>{base}/odd/{n}.html</link><pubDate>{date}</pubDate></item>"
        for n, date in ((1, "Mon, 01 Jan 0001 00:00:00 +0100"), (2, "Fri, 31 Dec 9999 23:59:59 -0100"))
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Odd</title>{items}</channel></rss>'.encode()


@pytest.fixture
def outlets(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    """A healthy newsroom feed beside hostile sources on the same loopback server."""
    monkeypatch.setenv("PRESSWATCH_PER_HOST_DELAY_S", "0")
    monkeypatch.setenv("PRESSWATCH_FEED_PER_HOST_DELAY_S", "0")
    monkeypatch.setenv("PRESSWATCH_TASK_RETRY_DELAY_S", "0")
    monkeypatch.setenv("PRESSWATCH_WORKERS", "1")
    now = datetime.now(UTC)
    with LoopbackServer() as server:
        base = server.url("").rstrip("/")
        server.route("/feed.xml", Reply(body=feed_xml(base), content_type="application/rss+xml"))
        server.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
        server.route(
            "/year-one.xml", Reply(body=urlset([news_url(f"{base}/y/1.html", "Year one", YEAR_ONE)]), content_type=XML)
        )
        server.route(
            "/far-index.xml",
            Reply(
                body=sitemap_index([]).replace(
                    b"</sitemapindex>",
                    f"<sitemap><loc>{base}/far-news.xml</loc><lastmod>{YEAR_END}</lastmod></sitemap></sitemapindex>".encode(),
                ),
                content_type=XML,
            ),
        )
        server.route(
            "/far-news.xml",
            Reply(body=urlset([news_url(f"{base}/far/1.html", "Far", now - timedelta(hours=1))]), content_type=XML),
        )
        server.route("/odd.xml", Reply(body=odd_dates_feed(base), content_type="application/rss+xml"))
        server.fallback = lambda request: Reply(body=article_html("A story", ["Words of a story told at length. " * 8]))
        for path, (title, _, paragraphs) in ARTICLES.items():
            server.route(path, Reply(body=article_html(title, paragraphs)))
        yield server


def hostile_feeds(server: LoopbackServer, path: Path) -> Path:
    return write_feeds_file(
        path,
        [
            ("year-one", server.url("/year-one.xml")),
            ("far-index", server.url("/far-index.xml")),
            ("odd-dates", server.url("/odd.xml")),
            ("gazette", server.url("/feed.xml")),
        ],
    )


def run(feeds: Path, db: Path) -> RunSummary:
    settings = settings_from_environment()
    return monitor_run(settings, feeds, db, new_context("live", None), plain_runner(settings))


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.slow
class TestHostileSourcesInARun:
    def test_each_bad_source_records_its_own_outcome_and_the_others_load(
        self, outlets: LoopbackServer, tmp_path: Path
    ) -> None:
        """Year 1 and year 9999 in a sitemap, an index and a feed each end as their own source's outcome; the gazette
        loads its three articles; the next run skips the failed source (back-off), the gazette loads its new story."""
        feeds = hostile_feeds(outlets, tmp_path / "feeds.csv")
        db = tmp_path / "w.duckdb"

        first = run(feeds, db)
        base = outlets.url("").rstrip("/")
        newer = {**ARTICLES, "/news/late.html": ("Late story", "Tue, 07 Jan 2025 09:00:00 +0000", ["Late words."] * 3)}
        outlets.route("/feed.xml", Reply(body=feed_xml(base, newer), content_type="application/rss+xml"))
        second = run(feeds, db)

        assert first.feeds == {
            "year-one": "parse-error",
            "far-index": "parse-error",
            "odd-dates": "ok",
            "gazette": "ok",
        }
        assert "publication date" in first.feed_errors["year-one"]
        assert "lastmod" in first.feed_errors["far-index"]
        assert first.failed_feeds == ["year-one"]
        gazette = query(db, "select count(*) from articles where source_id = 'gazette'")
        assert gazette == [(4,)]
        # Dates a calendar cannot hold are no dates: the articles fall back to when they were first seen.
        odd = query(db, "select min(year(published_at)) from articles where source_id = 'odd-dates'")
        assert odd[0][0] is not None and odd[0][0] >= 2025
        assert query(db, "select count(*) from articles where source_id = 'far-index'") == [(1,)]
        assert second.feeds["year-one"] == "skipped-backoff"
        assert (second.feeds["gazette"], second.articles_new) == ("ok", 1)
        health = dict(query(db, "select source_id, state from feed_health"))  # type: ignore[arg-type]
        assert (health["year-one"], health["gazette"]) == ("failing", "healthy")


class TestHostileAnswers:
    def test_an_endless_retry_after_is_a_capped_pause(self) -> None:
        """A feed answering 503 with Retry-After: 1e20 is a failed fetch waiting at most the longest back-off."""
        now = datetime.now(UTC)
        with LoopbackServer({"/busy.xml": Reply(status=503, headers={"Retry-After": "1e20"})}) as server:
            source = FeedSource("busy", "Busy", server.url("/busy.xml"))
            [fetch] = fetch_feeds([source], {}, settings=FAST, guard=UrlGuard([source.feed_url]), now=now)

        assert (fetch.outcome, fetch.failed) == ("http-5xx", True)
        assert fetch.state.next_attempt_at == now + MAXIMUM_DELAY


class TestBulkhead:
    def test_whatever_a_source_raises_becomes_its_failed_fetch(self) -> None:
        """An exception from one source's reading is that source's parse-error with the reason, counted as a failure
        so back-off applies; it is not raised."""
        now = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
        source = FeedSource("desk", "Desk", "http://127.0.0.1:9/feed.xml")

        async def explode() -> object:
            raise OverflowError("date value out of range")

        fetch = asyncio.run(isolated(source, FeedState("desk", consecutive_failures=2), now, explode()))  # type: ignore[arg-type]

        assert (fetch.outcome, fetch.failed, fetch.entries) == ("parse-error", True, ())
        assert fetch.error == "could not read this source: OverflowError: date value out of range"
        assert fetch.state.consecutive_failures == 3
        assert fetch.state.next_attempt_at is not None and fetch.state.next_attempt_at > now


def presswatch(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRESSWATCH, *arguments],
        cwd=PROJECT_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


QUICK = {"PRESSWATCH_PER_HOST_DELAY_S": "0", "PRESSWATCH_FEED_PER_HOST_DELAY_S": "0"}


class TestHostileSourcesInCommands:
    def test_check_online_names_each_bad_source_and_checks_the_rest(
        self, outlets: LoopbackServer, tmp_path: Path
    ) -> None:
        """`presswatch check --online` runs to its summary: the year-1 sitemap is a parse-error, the gazette a feed."""
        feeds = hostile_feeds(outlets, tmp_path / "feeds.csv")

        result = presswatch(
            "check", "--online", "--seeds", str(PROJECT_DIR / "seeds"), "--feeds", str(feeds), environment=QUICK
        )

        lines = result.stdout.splitlines()
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert any(line.startswith("year-one ") and "parse-error" in line for line in lines)
        assert any(line.startswith("gazette ") and "3 item(s)" in line for line in lines)
        assert lines[-1] == "3 of 4 feeds answer as feeds or news sitemaps."

    def test_feeds_add_on_a_year_one_sitemap_says_so_in_one_line(self, outlets: LoopbackServer, tmp_path: Path) -> None:
        """`presswatch feeds add` of the hostile sitemap shows it as a parse-error candidate with the reason, and prints
        no traceback."""
        feeds = tmp_path / "feeds.csv"

        result = presswatch("feeds", "add", outlets.url("/year-one.xml"), "--feeds", str(feeds), environment=QUICK)

        assert "Traceback" not in result.stderr
        assert "failed:" not in result.stderr
        assert "parse-error" in result.stdout
        assert "publication date" in result.stdout

    def test_a_page_declaring_the_idna_charset_is_read_as_utf8(self, tmp_path: Path) -> None:
        """`feeds add` and `check --online` read a page declaring `<meta charset="idna">` as UTF-8 and find the feed
        it advertises, where decoding it used to stop both commands."""
        page = (
            '<html><head><meta charset="idna"><title>Caf\u00e9 Post</title>'
            '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body></body></html>'
        ).encode()
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.route("/", Reply(body=page, content_type="text/html"))
            server.route("/feed.xml", Reply(body=feed_xml(base), content_type="application/rss+xml"))
            feeds = tmp_path / "feeds.csv"

            added = presswatch("feeds", "add", server.url("/"), "--feeds", str(feeds), environment=QUICK)
            write_feeds_file(tmp_path / "pages.csv", [("cafe", server.url("/"))])
            checked = presswatch(
                "check",
                "--online",
                "--seeds",
                str(PROJECT_DIR / "seeds"),
                "--feeds",
                str(tmp_path / "pages.csv"),
                environment=QUICK,
            )

        assert added.returncode == 0, added.stderr
        assert f"Added test-gazette (Test Gazette): {server.url('/feed.xml')}" in added.stdout
        assert checked.stderr == ""
        assert f"advertises: {server.url('/feed.xml')}" in checked.stdout
