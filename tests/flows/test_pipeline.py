"""A monitoring run as `presswatch run` makes it without a Prefect server, against a real loopback newsroom and
real DuckDB files (the same body under Prefect is tests/flows/test_flow.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer, Reply
from newsroom import ARTICLES, add_article, article_html, copy_seeds, feed_xml, start_newsroom, write_feeds_file

from flows.adapters.lock import run_lock
from flows.config import ExtractionSettings, FetchSettings, RunSettings, Settings
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner
from transforms.watchlist import SeedError

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)


@pytest.fixture
def newsroom() -> Iterator[LoopbackServer]:
    server = start_newsroom()
    yield server
    server.__exit__(None, None, None)


# No politeness delay and instant retries against our own loopback server.
QUICK = Settings(
    fetch=FetchSettings(per_host_delay_s=0.0),
    runs=RunSettings(task_retry_delay_s=0.0),
    extraction=ExtractionSettings(workers=1),
)


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def run(feeds: Path, db: Path, settings: Settings = QUICK) -> RunSummary:
    return monitor_run(settings, feeds, db, new_context("live", AS_OF), plain_runner(settings))


class TestMonitorFlow:
    def test_run_loads_articles_and_mentions(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """One run stores each article once and the people each one names."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"

        run(feeds, db)

        people = {row[0] for row in query(db, "select distinct person_id from mentions")}
        assert query(db, "select count(*) from articles") == [(len(ARTICLES),)]
        assert {"kemi-badenoch", "elon-musk", "jess-phillips", "keir-starmer", "wes-streeting"} <= people

    def test_second_run_fetches_no_page_and_adds_no_row(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """A re-run with nothing new requests only the feed and leaves the same row counts."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db)
        counts_before = query(db, "select (select count(*) from articles), (select count(*) from mentions)")
        requests_before = len(newsroom.requests)

        run(feeds, db)

        second_run_paths = {request.path for request in newsroom.requests[requests_before:]}
        assert second_run_paths <= {"/feed.xml"}
        assert query(db, "select (select count(*) from articles), (select count(*) from mentions)") == counts_before

    def test_broken_feed_is_recorded_and_the_run_completes(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """A feed answering 404 is a recorded outcome; the healthy feed's articles still load."""
        feeds = write_feeds_file(
            tmp_path / "feeds.csv",
            [("gazette", newsroom.url("/feed.xml")), ("gone", newsroom.url("/no-such-feed.xml"))],
        )
        db = tmp_path / "w.duckdb"

        summary = run(feeds, db)

        outcomes = dict(query(db, "select source_id, outcome from feed_fetches"))
        assert outcomes == {"gazette": "ok", "gone": "http-4xx"}
        assert summary.articles_new == len(ARTICLES)
        assert query(db, "select status from runs") == [("completed",)]

    def test_every_kind_of_feed_failure_is_counted(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """A feed answering with an image is a failed feed in the run's record, as a 404 is."""
        newsroom.route("/image-feed.xml", Reply(body=b"\x89PNG", content_type="image/png"))
        feeds = write_feeds_file(
            tmp_path / "feeds.csv",
            [
                ("gazette", newsroom.url("/feed.xml")),
                ("image", newsroom.url("/image-feed.xml")),
                ("gone", newsroom.url("/no-such-feed.xml")),
            ],
        )
        db = tmp_path / "w.duckdb"

        summary = run(feeds, db)

        assert summary.failed_feeds == ["gone", "image"]
        assert query(db, "select feeds_failed from runs") == [(2,)]
        assert query(db, "select source_id, failed from feed_fetches order by 1") == [
            ("gazette", False),
            ("gone", True),
            ("image", True),
        ]

    def test_network_task_is_retried_then_succeeds(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """When every feed fails as if the network were down, the fetch task retries and the run succeeds."""
        healthy = newsroom.routes["/feed.xml"]
        answers = iter([Reply(status=503, body=b"busy")])
        newsroom.route("/flaky.xml", lambda request: next(answers, healthy))  # type: ignore[arg-type]
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/flaky.xml"))])
        db = tmp_path / "w.duckdb"

        summary = run(feeds, db)

        assert [r.path for r in newsroom.requests if r.path == "/flaky.xml"] == ["/flaky.xml", "/flaky.xml"]
        assert summary.feeds == {"gazette": "ok"}

    def test_invalid_seeds_fail_with_file_row_and_problem(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """A duplicated person id stops the run before any fetch, naming file and row."""
        seeds = copy_seeds(tmp_path / "seeds")
        people = (seeds / "people.csv").read_text(encoding="utf-8").splitlines()
        (seeds / "people.csv").write_text("\n".join([*people, people[1]]) + "\n", encoding="utf-8")
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])

        with pytest.raises(SeedError, match=rf"people\.csv row {len(people)}: .*duplicate"):
            run(feeds, tmp_path / "w.duckdb", QUICK.with_values(seeds_dir=seeds))

        assert newsroom.requests == []

    def test_failed_run_notifies_the_alert_channels(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """When the run itself fails, the team's channel hears about it with the reason."""
        from webhook_receiver import WebhookReceiver

        seeds = copy_seeds(tmp_path / "seeds")
        (seeds / "people.csv").unlink()  # the one seeds file a folder must have
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        with WebhookReceiver() as receiver:
            settings = QUICK.with_values(seeds_dir=seeds, **{"alerts.urls": (receiver.url(),)})

            with pytest.raises(SeedError):
                run(feeds, tmp_path / "w.duckdb", settings)

            messages = [item["body"] for item in receiver.delivered]
        assert [message["title"] for message in messages] == ["presswatch: run failed"]
        assert "people.csv" in messages[0]["message"]

    def test_run_is_skipped_while_another_holds_the_warehouse(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """A second run attempt while one is in progress does not run at all."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"

        with run_lock(db):
            summary = run(feeds, db)

        assert summary.skipped is not None and "another run" in summary.skipped
        assert newsroom.requests == []


READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from articles").fetchall()[0][0], flush=True)
time.sleep(120)
"""


class TestAnalystHoldsTheFile:
    def test_run_spools_while_a_reader_holds_the_file_and_the_next_run_merges(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """A read-only session in another process never breaks a run: it spools, the next run merges, exact counts."""
        import subprocess
        import sys

        settings = QUICK.with_values(**{"runs.lock_attempts": 2})
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db)
        add_article(newsroom, "/news/late-story.html", "Late story on the inquiry", "Nigel Farage backed the call.")
        reader = subprocess.Popen([sys.executable, "-c", READER, str(db)], stdout=subprocess.PIPE, text=True)
        try:
            assert reader.stdout is not None and reader.stdout.readline().strip() == str(len(ARTICLES))

            held = run(feeds, db, settings)

            assert reader.poll() is None  # the analyst's session is still alive
        finally:
            reader.kill()
            reader.wait()
        after = run(feeds, db)

        assert (held.load_method, after.load_method) == ("spooled", "merged+direct")
        assert query(db, "select count(*) from articles") == [(len(ARTICLES) + 1,)]
        assert query(db, "select count(*) from mentions where person_id = 'nigel-farage'") == [(1,)]


class TestRevisions:
    def test_changed_headline_revises_the_article_in_place(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """A known URL whose headline changed is refetched: one article, newest text, revision counted."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db)
        path = "/news/musk-posts.html"
        _, date, paragraphs = ARTICLES[path]
        revised = {**ARTICLES, path: ("Musk steps up attacks on Phillips", date, [*paragraphs[:2]])}
        base = newsroom.url("").rstrip("/")
        newsroom.route(path, Reply(body=article_html(revised[path][0], revised[path][2])))
        newsroom.route("/feed.xml", Reply(body=feed_xml(base, revised), content_type="application/rss+xml"))

        summary = run(feeds, db)

        row = query(db, f"select title, revision_count from articles where url like '%{path}'")
        phillips = query(
            db,
            "select m.matched_text from mentions m join articles a using (article_id) "
            f"where a.url like '%{path}' and m.person_id = 'jess-phillips' order by m.char_start",
        )
        assert (summary.articles_new, summary.articles_revised) == (0, 1)
        assert row == [("Musk steps up attacks on Phillips", 1)]
        assert query(db, "select count(*) from articles") == [(len(ARTICLES),)]
        # The new headline names her; "Ms Phillips" went with the dropped paragraph and is not kept.
        assert phillips == [("Phillips",), ("Jess Phillips",), ("the safeguarding minister",)]

    def test_a_revision_keeps_when_the_article_was_first_seen(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """A revised article keeps the time it was first seen (text retention counts its age from it) and records
        the revision's own time in revised_at."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db)
        path = "/news/musk-posts.html"
        first_seen = query(db, f"select first_seen_at from articles where url like '%{path}'")
        _, date, paragraphs = ARTICLES[path]
        revised = {**ARTICLES, path: ("Musk steps up attacks on Phillips", date, [*paragraphs[:2]])}
        base = newsroom.url("").rstrip("/")
        newsroom.route(path, Reply(body=article_html(revised[path][0], revised[path][2])))
        newsroom.route("/feed.xml", Reply(body=feed_xml(base, revised), content_type="application/rss+xml"))

        run(feeds, db)

        after = query(db, f"select first_seen_at, revised_at > first_seen_at from articles where url like '%{path}'")
        assert after == [(first_seen[0][0], True)]

    def test_page_headline_unlike_the_feeds_is_not_a_revision(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """Outlets title pages differently from feed items; only a change in the feed's own headline is a revision."""
        path = "/news/nhs-plan.html"
        title, _, paragraphs = ARTICLES[path]
        newsroom.route(path, Reply(body=article_html(f"{title} - Test Gazette live coverage", paragraphs)))
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db)
        add_article(newsroom, "/news/late-story.html", "Late story on the inquiry", "Nigel Farage backed the call.")
        requests_before = len(newsroom.requests)

        summary = run(feeds, db)

        pages = [request.path for request in newsroom.requests[requests_before:] if request.path.startswith("/news/")]
        assert (summary.articles_new, summary.articles_revised) == (1, 0)
        assert pages == ["/news/late-story.html"]


class TestFeedListChanges:
    def test_run_over_every_mix_of_feed_outcomes_on_a_warehouse_with_history(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """Adding a feed to a warehouse with history: 304, changed, failing, backing-off and new feeds in one run."""
        base = newsroom.url("").rstrip("/")
        body = feed_xml(base)

        def validated_feed(request):  # type: ignore[no-untyped-def]
            if request.header("If-None-Match") == '"v1"':
                return Reply(status=304, content_type=None, headers={"ETag": '"v1"'})
            return Reply(body=body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

        answers = {"breaking": iter([Reply(body=body, content_type="application/rss+xml")])}
        newsroom.route("/steady.xml", validated_feed)
        newsroom.route("/breaking.xml", lambda request: next(answers["breaking"], Reply(status=500, body=b"down")))
        newsroom.route("/changing.xml", Reply(body=body, content_type="application/rss+xml"))
        first_feeds = [
            ("steady", newsroom.url("/steady.xml")),
            ("changing", newsroom.url("/changing.xml")),
            ("breaking", newsroom.url("/breaking.xml")),
            ("gone", newsroom.url("/gone.xml")),
        ]
        db = tmp_path / "w.duckdb"
        run(write_feeds_file(tmp_path / "feeds.csv", first_feeds), db)
        add_article(newsroom, "/news/late-story.html", "Late story on the inquiry", "Nigel Farage backed the call.")
        newsroom.route("/changing.xml", newsroom.routes["/feed.xml"])
        feeds = write_feeds_file(tmp_path / "feeds.csv", [*first_feeds, ("added", newsroom.url("/feed.xml"))])

        summary = run(feeds, db)

        assert summary.feeds == {
            "steady": "not-modified",
            "changing": "ok",
            "breaking": "http-5xx",
            "gone": "skipped-backoff",
            "added": "ok",
        }
        assert summary.articles_new == 1
        assert query(db, "select count(*) from feed_state") == [(5,)]
        assert query(db, "select source_id from feed_state where failing_since is not null order by 1") == [
            ("breaking",),
            ("gone",),
        ]
        assert query(db, "select status from runs order by started_at") == [("completed",), ("completed",)]
