"""Feed and page fetching against real loopback servers: conditional GET, feed health, politeness, robots."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer, Reply, Request
from newsroom import write_feeds_file

from flows.adapters.fetching import fetch_feeds, fetch_pages
from flows.adapters.http import UrlGuard
from flows.config import ExtractionSettings, FetchSettings, Settings
from flows.seeds import parse_feeds_file
from transforms.feed_state import FeedSource, FeedState, is_feed_failure
from transforms.watchlist import SeedError

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
FAST = FetchSettings(per_host_delay_s=0.0, connect_timeout_s=2, read_timeout_s=2, deadline_s=5)
RSS_TYPE = "application/rss+xml"


def rss(*links: str) -> bytes:
    """An RSS feed with one item per link."""
    items = "".join(f"<item><title>Story {i}</title><link>{link}</link></item>" for i, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()


def named(*servers: LoopbackServer) -> UrlGuard:
    """The guard a feeds file listing a feed on each server builds: those origins may be loopback."""
    return UrlGuard([server.url("/feed") for server in servers])


def conditional(body: bytes, etag: str) -> object:
    """A handler honouring If-None-Match like a well-behaved server."""

    def handle(request: Request) -> Reply:
        if request.header("If-None-Match") == etag:
            return Reply(status=304, headers={"ETag": etag}, content_type=None)
        return Reply(body=body, content_type=RSS_TYPE, headers={"ETag": etag})

    return handle


def fetch_one(
    server: LoopbackServer, state: FeedState | None = None, *, now: datetime = NOW, path: str = "/feed"
) -> object:
    """Fetch the feed at `path` once and return its FeedFetch."""
    source = FeedSource("desk", "Desk", server.url(path))
    states = {"desk": state} if state else {}
    [fetch] = fetch_feeds([source], states, settings=FAST, guard=named(server), now=now)
    return fetch


class TestFetchFeeds:
    def test_first_fetch_returns_entries_and_stores_validators(self) -> None:
        """A new feed is fetched in full; its ETag, body hash and entries come back."""
        with LoopbackServer({"/feed": conditional(rss("/a", "/b"), '"v1"')}) as server:  # type: ignore[dict-item]
            fetch = fetch_one(server)

        assert fetch.outcome == "ok"  # type: ignore[attr-defined]
        assert [e.url for e in fetch.entries] == [server.url("/a"), server.url("/b")]  # type: ignore[attr-defined]
        assert fetch.state.etag == '"v1"' and fetch.state.body_sha256  # type: ignore[attr-defined]

    def test_304_when_validators_sent(self) -> None:
        """With stored validators the request is conditional, and a 304 is not-modified with no entries."""
        with LoopbackServer({"/feed": conditional(rss("/a"), '"v1"')}) as server:  # type: ignore[dict-item]
            first = fetch_one(server).state  # type: ignore[attr-defined]
            second = fetch_one(server, first, now=NOW + timedelta(hours=1))
            sent = server.requests[-1].header("If-None-Match")

        assert sent == '"v1"'
        assert (second.outcome, second.entries, second.http_status) == ("not-modified", (), 304)  # type: ignore[attr-defined]

    def test_200_with_identical_body_is_unchanged(self) -> None:
        """A server ignoring validators but serving the same bytes costs no parsing: unchanged, no entries."""
        with LoopbackServer({"/feed": Reply(body=rss("/a"), content_type=RSS_TYPE)}) as server:
            first = fetch_one(server).state  # type: ignore[attr-defined]
            second = fetch_one(server, first, now=NOW + timedelta(hours=1))

        assert (second.outcome, second.entries) == ("unchanged", ())  # type: ignore[attr-defined]

    def test_changed_content_behind_stale_validator_is_caught(self) -> None:
        """A server answering 304 while the feed changed is caught by the audit; validators dropped."""
        feed = {"body": rss("/a")}

        def stale(request: Request) -> Reply:
            if request.header("If-None-Match"):
                return Reply(status=304, content_type=None, headers={"ETag": '"frozen"'})
            return Reply(body=feed["body"], content_type=RSS_TYPE, headers={"ETag": '"frozen"'})

        with LoopbackServer({"/feed": stale}) as server:
            first = fetch_one(server).state  # type: ignore[attr-defined]
            feed["body"] = rss("/a", "/new")
            audit = fetch_one(server, first, now=NOW + timedelta(hours=25))
            after = fetch_one(server, audit.state, now=NOW + timedelta(hours=26))  # type: ignore[attr-defined]
            last_request = server.requests[-1]

        assert server.url("/new") in [e.url for e in audit.entries]  # type: ignore[attr-defined]
        assert audit.state.validators_trusted is False  # type: ignore[attr-defined]
        assert last_request.header("If-None-Match") is None
        assert after.outcome == "unchanged"  # type: ignore[attr-defined]

    def test_honest_304_survives_the_audit(self) -> None:
        """When the audit body matches, validators stay trusted and the audit time is recorded."""
        with LoopbackServer({"/feed": conditional(rss("/a"), '"v1"')}) as server:  # type: ignore[dict-item]
            first = fetch_one(server).state  # type: ignore[attr-defined]
            audit = fetch_one(server, first, now=NOW + timedelta(hours=25))

        assert audit.outcome == "not-modified"  # type: ignore[attr-defined]
        assert audit.state.validators_trusted  # type: ignore[attr-defined]
        assert audit.state.last_full_fetch_at == NOW + timedelta(hours=25)  # type: ignore[attr-defined]

    def test_malformed_xml_keeps_readable_entries(self) -> None:
        """A broken feed is a parse-error carrying its readable entries, and is not counted as failing."""
        broken = rss("/a", "/b")[:-30] + b"<item><title>oops & <link>"
        with LoopbackServer({"/feed": Reply(body=broken, content_type=RSS_TYPE)}) as server:
            fetch = fetch_one(server)

        assert fetch.outcome == "parse-error" and fetch.error  # type: ignore[attr-defined]
        assert server.url("/a") in [e.url for e in fetch.entries]  # type: ignore[attr-defined]
        assert fetch.state.consecutive_failures == 0  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        ("reply", "outcome"),
        [
            (Reply(body=b"", content_type=RSS_TYPE), "not-a-feed"),
            (Reply(body=b"<!doctype html><html><body><h1>Welcome</h1></body></html>"), "not-a-feed"),
            (Reply(body=rss(), content_type=RSS_TYPE), "ok"),
        ],
        ids=["empty-body", "html-page", "feed-without-items"],
    )
    def test_empty_and_html_feeds(self, reply: Reply, outcome: str) -> None:
        """An empty body or an HTML page is not-a-feed; a valid feed with no items is ok with 0 entries."""
        with LoopbackServer({"/feed": reply}) as server:
            fetch = fetch_one(server)

        assert (fetch.outcome, fetch.entries) == (outcome, ())  # type: ignore[attr-defined]

    @pytest.mark.parametrize(("status", "outcome"), [(404, "http-4xx"), (410, "http-4xx"), (500, "http-5xx")])
    def test_error_status_starts_backoff(self, status: int, outcome: str) -> None:
        """A failing feed records the failure, when it began, and a next attempt 2h minus jitter later."""
        with LoopbackServer({"/feed": Reply(status=status)}) as server:
            fetch = fetch_one(server)

        state = fetch.state  # type: ignore[attr-defined]
        assert (fetch.outcome, fetch.http_status) == (outcome, status)  # type: ignore[attr-defined]
        assert (state.consecutive_failures, state.failing_since) == (1, NOW)
        assert NOW + timedelta(hours=1.5) <= state.next_attempt_at <= NOW + timedelta(hours=2)

    def test_backing_off_feed_is_skipped_then_retried_and_recovers(self) -> None:
        """Before next_attempt_at nothing is sent; afterwards it is tried and success clears the streak."""
        failing = FeedState(
            "desk",
            consecutive_failures=3,
            failing_since=NOW - timedelta(hours=9),
            next_attempt_at=NOW + timedelta(hours=4),
        )
        with LoopbackServer({"/feed": Reply(body=rss("/a"), content_type=RSS_TYPE)}) as server:
            skipped = fetch_one(server, failing)
            requests_while_skipped = len(server.requests)
            retried = fetch_one(server, failing, now=NOW + timedelta(hours=5))

        assert (skipped.outcome, requests_while_skipped) == ("skipped-backoff", 0)  # type: ignore[attr-defined]
        assert skipped.state == failing  # type: ignore[attr-defined]
        assert retried.outcome == "ok"  # type: ignore[attr-defined]
        assert (retried.state.consecutive_failures, retried.state.next_attempt_at) == (0, None)  # type: ignore[attr-defined]

    def test_long_failure_streak_caps_at_a_day_and_is_never_dropped(self) -> None:
        """After many failures the feed is still retried, at most 24 hours later."""
        state = FeedState("desk", consecutive_failures=40, failing_since=NOW - timedelta(days=30))
        with LoopbackServer({"/feed": Reply(status=503)}) as server:
            fetch = fetch_one(server, state)

        assert fetch.state.consecutive_failures == 41  # type: ignore[attr-defined]
        assert fetch.state.next_attempt_at <= NOW + timedelta(hours=24)  # type: ignore[attr-defined]

    def test_gzip_feed_is_decoded(self) -> None:
        """A gzip-encoded feed parses like a plain one."""
        with LoopbackServer({"/feed": Reply(body=rss("/z"), content_type=RSS_TYPE, gzip=True)}) as server:
            fetch = fetch_one(server)

        assert [e.url for e in fetch.entries] == [server.url("/z")]  # type: ignore[attr-defined]

    def test_entry_without_date_and_relative_link(self) -> None:
        """A relative link resolves against the feed URL and a missing date stays None."""
        with LoopbackServer({"/news/feed": Reply(body=rss("story?id=7&utm_source=rss"), content_type=RSS_TYPE)}) as s:
            fetch = fetch_one(s, path="/news/feed")

        [entry] = fetch.entries  # type: ignore[attr-defined]
        assert (entry.url, entry.published_at) == (s.url("/news/story?id=7"), None)

    def test_duplicate_entries_within_and_across_feeds(self) -> None:
        """Repeats inside one feed collapse; one story in two feeds has one canonical URL, fetched once."""
        with LoopbackServer() as server:
            server.route("/one", Reply(body=rss("/s", "/s#c", "/t"), content_type=RSS_TYPE))
            server.route("/two", Reply(body=rss(server.url("/s?utm_campaign=x")), content_type=RSS_TYPE))
            server.route("/s", Reply(body=b"<p>story</p>"))
            server.route("/t", Reply(body=b"<p>other</p>"))
            sources = [
                FeedSource("one", "One", server.url("/one")),
                FeedSource("two", "Two", server.url("/two")),
            ]
            fetches = fetch_feeds(sources, {}, settings=FAST, guard=named(server), now=NOW)
            urls = [entry.url for fetch in fetches for entry in fetch.entries]
            pages = fetch_pages(urls, settings=FAST, guard=named(server), respect_robots=lambda url: False)

            assert len(server.requests_to("/s")) == 1
        assert [len(fetch.entries) for fetch in fetches] == [2, 1]
        assert [page.url for page in pages] == urls


class TestFetchPages:
    def test_results_in_input_order_and_bad_urls_do_not_raise(self) -> None:
        """Every URL gets a result in input order, including refused and failing ones."""
        with LoopbackServer({"/ok": Reply(body=b"<p>ok</p>")}) as server:
            urls = [server.url("/missing"), "file:///etc/passwd", server.url("/ok"), "http://[bad"]
            pages = fetch_pages(urls, settings=FAST, guard=named(server), respect_robots=lambda url: False)

        assert [page.result.outcome for page in pages] == [
            "http-4xx",
            "refused-unsafe",
            "ok",
            "refused-unsafe",
        ]

    def test_robots_disallow_is_respected_and_cached(self) -> None:
        """Disallowed paths are not fetched; robots.txt is read once per host for the whole call."""
        robots = Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        with LoopbackServer(
            {
                "/robots.txt": robots,
                "/public/a": Reply(body=b"<p>a</p>"),
                "/private/b": Reply(body=b"<p>b</p>"),
            }
        ) as server:
            urls = [server.url("/private/b"), server.url("/public/a"), server.url("/private/c")]
            pages = fetch_pages(urls, settings=FAST, guard=named(server), respect_robots=lambda url: True)
            requested = [request.path for request in server.requests]

        assert [p.result.outcome for p in pages] == ["robots-disallowed", "ok", "robots-disallowed"]
        assert sorted(requested) == ["/public/a", "/robots.txt"]

    def test_pages_of_one_host_share_its_connections(self) -> None:
        """Up to the per-host concurrency, connections to a host stay open and carry its next pages."""
        settings = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=8, deadline_s=5)
        with LoopbackServer(fallback=lambda request: Reply(body=b"<p>page</p>" * 2000)) as server:
            urls = [server.url(f"/a/{number}") for number in range(120)]
            pages = fetch_pages(urls, settings=settings, guard=named(server), respect_robots=lambda url: False)
            connections = {request.client_port for request in server.requests}

        assert {page.result.outcome for page in pages} == {"ok"}
        assert len(connections) <= 8

    def test_robots_override_fetches_anyway(self) -> None:
        """A source with permission (respect_robots false) is fetched without reading robots.txt."""
        robots = Reply(body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
        with LoopbackServer({"/robots.txt": robots, "/a": Reply(body=b"<p>a</p>")}) as server:
            [page] = fetch_pages(
                [server.url("/a")], settings=FAST, guard=named(server), respect_robots=lambda url: False
            )
            requested = [request.path for request in server.requests]

        assert (page.result.outcome, requested) == ("ok", ["/a"])

    def test_retry_after_pauses_only_that_host(self) -> None:
        """A 429 with Retry-After: 1 delays that host's retry by a second; another host proceeds at once."""
        resolver = {"busy.test": ["127.0.0.1"], "calm.test": ["127.0.0.1"]}
        answered: list[str] = []

        def busy(request: Request) -> Reply:
            answered.append("busy")
            if len(answered) == 1:
                return Reply(status=429, headers={"Retry-After": "1"})
            return Reply(body=b"<p>busy ok</p>")

        with LoopbackServer() as server:
            server.route("/busy", busy)
            server.route("/calm", Reply(body=b"<p>calm</p>", delay_s=0.05))
            urls = [server.url("/busy", host="busy.test"), server.url("/calm", host="calm.test")]
            guard = UrlGuard(urls, resolver=lambda host, port: resolver[host])
            pages = fetch_pages(urls, settings=FAST, guard=guard, respect_robots=lambda url: False)
            busy_times = [r.received_at for r in server.requests_to("/busy")]
            [calm_time] = [r.received_at for r in server.requests_to("/calm")]

        assert [page.result.outcome for page in pages] == ["ok", "ok"]
        assert busy_times[1] - busy_times[0] >= 0.9
        assert calm_time - busy_times[0] < 0.5

    def test_long_retry_after_defers_the_rest_of_that_host(self) -> None:
        """After a Retry-After longer than the run may wait, the host's other URLs are not requested."""
        settings = FetchSettings(per_host_delay_s=0.0, per_host_concurrency=1)
        with LoopbackServer(
            {"/a": Reply(status=503, headers={"Retry-After": "3600"}), "/b": Reply(body=b"<p>b</p>")}
        ) as server:
            pages = fetch_pages(
                [server.url("/a"), server.url("/b")],
                settings=settings,
                guard=named(server),
                respect_robots=lambda url: False,
            )
            requested = [request.path for request in server.requests]

        assert [p.result.outcome for p in pages] == ["http-5xx", "retry-later"]
        assert pages[0].result.retry_after_s == 3600
        assert requested == ["/a"]

    def test_per_host_cap_and_delay(self) -> None:
        """With a 0.2 s per-host delay, four requests to one host take at least three delays to arrive.

        Measured from before the first request: a busy machine can only make arrivals later, never earlier (the
        gaps between arrival times can shrink when the server's thread is slow to take the first one)."""
        settings = FetchSettings(per_host_delay_s=0.2, per_host_concurrency=2)
        with LoopbackServer({f"/p{i}": Reply(body=b"<p>x</p>") for i in range(4)}) as server:
            began = time.monotonic()
            fetch_pages(
                [server.url(f"/p{i}") for i in range(4)],
                settings=settings,
                guard=named(server),
                respect_robots=lambda url: False,
            )
            starts = sorted(request.received_at for request in server.requests)

        assert len(starts) == 4
        assert starts[-1] - began >= 3 * 0.2

    def test_feed_link_to_unnamed_loopback_host_fetches_nothing_there(self) -> None:
        """A feed on the named 127.0.0.1 linking to 127.0.0.2 gives refused-unsafe; 127.0.0.2 sees nothing."""
        with (
            LoopbackServer({"/": Reply(body=b"<p>internal</p>")}, host="127.0.0.2") as hidden,
            LoopbackServer({"/feed": Reply(body=rss(hidden.url("/")), content_type=RSS_TYPE)}) as server,
        ):
            [fetch] = fetch_feeds(
                [FeedSource("desk", "Desk", server.url("/feed"))], {}, settings=FAST, guard=named(server), now=NOW
            )
            [page] = fetch_pages(
                [e.url for e in fetch.entries], settings=FAST, guard=named(server), respect_robots=lambda url: True
            )

            assert hidden.requests == []
        assert page.result.outcome == "refused-unsafe"

    def test_feed_link_to_another_port_of_its_host_fetches_nothing_there(self) -> None:
        """A feed on a named loopback port linking to another local port gets refused-unsafe; that port sees nothing."""
        with LoopbackServer({"/admin": Reply(body=b"<p>admin</p>")}) as other:
            with LoopbackServer({"/story": Reply(body=b"<p>story</p>")}) as server:
                server.route("/feed", Reply(body=rss("/story", other.url("/admin")), content_type=RSS_TYPE))
                [fetch] = fetch_feeds(
                    [FeedSource("desk", "Desk", server.url("/feed"))], {}, settings=FAST, guard=named(server), now=NOW
                )
                pages = fetch_pages(
                    [e.url for e in fetch.entries], settings=FAST, guard=named(server), respect_robots=lambda url: True
                )

            assert other.requests == []
        assert [page.result.outcome for page in pages] == ["ok", "refused-unsafe"]
        assert f"only http://127.0.0.1:{server.port} (the feeds file) may be reached" in (pages[1].result.error or "")

    def test_works_inside_a_running_event_loop(self) -> None:
        """Called from code that already runs an event loop, fetching still completes."""
        import asyncio

        async def caller(url: str) -> str:
            [page] = fetch_pages([url], settings=FAST, guard=UrlGuard([url]), respect_robots=lambda u: False)
            return page.result.outcome

        with LoopbackServer({"/a": Reply(body=b"<p>a</p>")}) as server:
            outcome = asyncio.run(caller(server.url("/a")))

        assert outcome == "ok"


class TestDeadlineExcludesQueueing:
    def test_queued_requests_to_a_polite_host_do_not_time_out(self) -> None:
        """Ten pages on one host, one at a time 0.1 s apart, all succeed under a 0.5 s deadline."""
        settings = FetchSettings(per_host_delay_s=0.1, per_host_concurrency=1, deadline_s=0.5)
        with LoopbackServer({f"/p{i}": Reply(body=b"<p>x</p>") for i in range(10)}) as server:
            pages = fetch_pages(
                [server.url(f"/p{i}") for i in range(10)],
                settings=settings,
                guard=named(server),
                respect_robots=lambda url: False,
            )

        assert {page.result.outcome for page in pages} == {"ok"}


class TestRunDeadline:
    def test_no_page_is_requested_after_the_deadline(self) -> None:
        """Pages whose turn comes after the run's deadline are not requested and come back as `deadline`."""
        with LoopbackServer({f"/p{i}": Reply(body=b"<p>x</p>") for i in range(3)}) as server:
            pages = fetch_pages(
                [server.url(f"/p{i}") for i in range(3)],
                settings=FAST,
                guard=named(server),
                respect_robots=lambda url: False,
                stop_at=time.monotonic() - 1,
            )

            requested = list(server.requests)

        assert [page.result.outcome for page in pages] == ["deadline"] * 3
        assert requested == []

    def test_a_robots_txt_left_unread_by_the_deadline_defers_its_pages(self) -> None:
        """A robots.txt whose turn falls after the deadline makes its pages wait for the next run, not refused as
        if robots.txt were unavailable."""
        settings = FetchSettings(per_host_delay_s=30.0, per_host_concurrency=1)
        robots = Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
        with (
            LoopbackServer({"/robots.txt": robots, "/a": Reply(body=b"<p>a</p>")}) as first,
            LoopbackServer({"/robots.txt": robots, "/b": Reply(body=b"<p>b</p>")}) as second,
        ):
            # One host name, two origins: the second robots.txt waits 30 s behind the first, past the deadline.
            pages = fetch_pages(
                [first.url("/a"), second.url("/b")],
                settings=settings,
                guard=named(first, second),
                respect_robots=lambda url: True,
                stop_at=time.monotonic() + 5,
            )

            asked = ([request.path for request in first.requests], [request.path for request in second.requests])

        assert [page.result.outcome for page in pages] == ["deadline", "deadline"]
        assert asked == (["/robots.txt"], [])


class TestFeedFailureRule:
    @pytest.mark.parametrize(
        ("outcome", "has_entries", "failed"),
        [
            ("ok", True, False),
            ("not-modified", False, False),
            ("unchanged", False, False),
            ("parse-error", True, False),
            ("parse-error", False, True),
            ("not-a-feed", False, True),
            ("bad-content-type", False, True),
            ("http-other", False, True),
            ("too-many-redirects", False, True),
            ("error", False, True),
            ("retry-later", False, False),
            ("skipped-backoff", False, False),
        ],
    )
    def test_one_rule_says_which_fetches_are_the_feeds_failure(
        self, outcome: str, has_entries: bool, failed: bool
    ) -> None:
        """A damaged feed with entries works; a pause the host asked for or our own back-off is nobody's failure."""
        assert is_feed_failure(outcome, has_entries=has_entries) is failed


AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)
STORY = (
    "<html><head><title>Council vote</title></head><body><article><h1>Council vote</h1>"
    + "<p>The council voted on the budget after a long debate about libraries and buses in the town.</p>" * 8
    + "</article></body></html>"
).encode()


def rss_items(*items: tuple[str, str]) -> bytes:
    """An RSS feed of (title, link) items, each with its link as guid and a summary."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid><description>About {title}.</description>"
        "</item>"
        for title, link in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>{body}</channel></rss>'.encode()


def run_into_warehouse(feeds: Path, db: Path) -> None:
    """The pipeline body of one monitoring run, called directly (no Prefect server), loading a real DuckDB file."""
    from flows.pipeline import call_directly, execute_run, new_context

    settings = Settings(
        db=db,
        feeds=feeds,
        fetch=FetchSettings(per_host_delay_s=0.0, feed_per_host_delay_s=0.0, deadline_s=5),
        extraction=ExtractionSettings(workers=1),
    )
    execute_run(settings, feeds, db, new_context("live", AS_OF), call_directly)


def stored(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def text_cells_containing(db: Path, needle: str) -> list[str]:
    """Every table.column of the warehouse whose text (varchar or JSON) contains `needle` somewhere."""
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'main' and data_type in ('VARCHAR', 'JSON') "
            "and table_name in (select table_name from information_schema.tables where table_type = 'BASE TABLE')"
        ).fetchall()
        return [
            f"{table}.{column}"
            for table, column in columns
            if con.execute(
                f'select count(*) from "{table}" where "{column}"::varchar like ?', [f"%{needle}%"]
            ).fetchone()
            != (0,)
        ]


@pytest.fixture
def quiet_channels(monkeypatch: pytest.MonkeyPatch) -> None:
    """No alert channel: the run must not post anywhere."""
    monkeypatch.delenv("PRESSWATCH_ALERT_URLS", raising=False)
    monkeypatch.delenv("PRESSWATCH_ALERT_SECRET_BLOCK", raising=False)


@pytest.fixture
def gopher_listener() -> Iterator[socket.socket]:
    """A bare TCP listener on loopback standing in for a gopher server: any connection attempt queues up on it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    yield listener
    listener.close()


def connections_waiting(listener: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


@pytest.mark.usefixtures("quiet_channels")
class TestRefusalsReachTheWarehouse:
    def test_link_to_another_local_port_is_stored_refused_with_its_reason(self, tmp_path: Path) -> None:
        """A feed on 127.0.0.1 linking to another port there (Prefect's API, say): refused, stored with why."""
        with LoopbackServer({"/api/admin": Reply(body=b"<p>admin</p>")}) as api, LoopbackServer() as desk:
            desk.route("/story", Reply(body=STORY))
            desk.route(
                "/feed.xml",
                Reply(
                    body=rss_items(("Vote", desk.url("/story")), ("Admin", api.url("/api/admin"))),
                    content_type=RSS_TYPE,
                ),
            )
            feeds = write_feeds_file(tmp_path / "feeds.csv", [("desk", desk.url("/feed.xml"))])
            db = tmp_path / "w.duckdb"

            run_into_warehouse(feeds, db)

            assert api.requests == []
        rows = {
            url: (outcome, error)
            for url, outcome, error in stored(db, "select url, fetch_outcome, error from articles")
        }
        assert rows[desk.url("/story")] == ("ok", None)
        outcome, error = rows[api.url("/api/admin")]
        assert outcome == "refused-unsafe"
        assert (
            f"only http://127.0.0.1:{desk.port} (the feeds file) may be reached on this host, "
            f"not http://127.0.0.1:{api.port}"
            in str(error)
        )

    def test_credentials_in_links_are_never_sent_stored_or_logged(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A link and a redirect carrying editor:secretpw leave no trace of the password in tables, logs or output."""
        caplog.set_level(logging.DEBUG)
        with LoopbackServer() as desk:
            secret_story = desk.url("/story").replace("http://", "http://editor:secretpw@")
            secret_loop = desk.url("/looping.xml").replace("http://", "http://editor:secretpw@")
            desk.route("/story", Reply(body=STORY))
            desk.route("/feed.xml", Reply(body=rss_items(("Vote", secret_story)), content_type=RSS_TYPE))
            desk.route("/looping.xml", Reply(status=302, headers={"Location": secret_loop}))
            feeds = write_feeds_file(
                tmp_path / "feeds.csv", [("desk", desk.url("/feed.xml")), ("loop", desk.url("/looping.xml"))]
            )
            db = tmp_path / "w.duckdb"

            run_into_warehouse(feeds, db)

            story_requests = desk.requests_to("/story")
        assert [request.header("Authorization") for request in story_requests] == [None]
        assert stored(db, "select url, fetch_outcome from articles") == [(desk.url("/story"), "ok")]
        assert stored(db, "select outcome from feed_fetches where source_id = 'loop'") == [("redirect-loop",)]
        assert text_cells_containing(db, "secretpw") == []
        assert "secretpw" not in caplog.text
        assert "secretpw" not in "".join(capsys.readouterr())

    def test_feed_url_with_credentials_is_refused_without_echoing_them(self, tmp_path: Path) -> None:
        """A feeds file naming user:password@ stops the run with file and row, and never repeats the password."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("desk", "http://editor:secretpw@127.0.0.1:9/feed.xml")])

        with pytest.raises(SeedError) as raised:
            parse_feeds_file(feeds)

        assert "row 1" in str(raised.value) and "password" in str(raised.value)
        assert "secretpw" not in str(raised.value)

    def test_links_that_are_not_http_are_stored_refused_and_never_fetched(
        self, tmp_path: Path, gopher_listener: socket.socket
    ) -> None:
        """file: and gopher: links are recorded, as given, as refused-unsafe with the reason; nothing connects to
        gopher's port."""
        gopher = f"gopher://127.0.0.1:{gopher_listener.getsockname()[1]}/1secret"
        with LoopbackServer() as desk:
            desk.route(
                "/feed.xml",
                Reply(body=rss_items(("Passwords", "file:///etc/passwd"), ("Hole", gopher)), content_type=RSS_TYPE),
            )
            feeds = write_feeds_file(tmp_path / "feeds.csv", [("desk", desk.url("/feed.xml"))])
            db = tmp_path / "w.duckdb"

            run_into_warehouse(feeds, db)

            paths = [request.path for request in desk.requests]
        rows = stored(db, "select url, fetch_outcome, error, title from articles order by 1")
        assert rows == [  # each link exactly as the feed gave it
            ("file:///etc/passwd", "refused-unsafe", "refused-unsafe: scheme not allowed: file", "Passwords"),
            (gopher, "refused-unsafe", "refused-unsafe: scheme not allowed: gopher", "Hole"),
        ]
        assert connections_waiting(gopher_listener) == 0
        assert paths == ["/feed.xml"]
