"""Publishing is the last stage of a run: the analysts' snapshot gets everything the run wrote, its alerts and its
completed record included, synced in place, or copied whole with a notice while a reader holds it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer, Reply
from newsroom import ARTICLES, add_article, article_html, feed_xml, start_newsroom, write_feeds_file

from flows.config import ExtractionSettings, FetchSettings, RunSettings, Settings
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner
from warehouse import database

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "warehouse"))
from snapshot_compare import differences

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)
HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from articles").fetchall()[0][0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from articles").fetchall()[0][0], flush=True)
"""


@pytest.fixture
def newsroom() -> Iterator[LoopbackServer]:
    server = start_newsroom()
    yield server
    server.__exit__(None, None, None)


def run(feeds: Path, db: Path) -> RunSummary:
    """A run with no politeness delay against our own loopback server; the report goes beside the warehouse."""
    settings = Settings(
        report_dir=db.parent / "reports",
        fetch=FetchSettings(per_host_delay_s=0.0),
        runs=RunSettings(task_retry_delay_s=0.0),
        extraction=ExtractionSettings(workers=1),
    )
    return monitor_run(settings, feeds, db, new_context("live", AS_OF), plain_runner(settings))


def stored(path: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


class TestPublishStage:
    def test_snapshot_holds_the_completed_run_and_its_publish_seconds(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """After a first and a second run the snapshot equals the warehouse, each run's record completed with its
        publish seconds in both files, and the second run synced the same file in place."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        first = run(feeds, db)
        inode = database.snapshot_path(db).stat().st_ino
        add_article(newsroom, "/news/late-story.html", "Late story on the inquiry", "Nigel Farage backed the call.")

        second = run(feeds, db)

        records = "select run_id, status, publish_s is not null from runs order by run_id"
        assert differences(db, database.snapshot_path(db)) == {}
        assert stored(database.snapshot_path(db), records) == [(first.run_id, "completed", True),
                                                      (second.run_id, "completed", True)]
        assert "publish" in second.stage_seconds and second.publish_notice == ""
        assert database.snapshot_path(db).stat().st_ino == inode
        assert stored(database.snapshot_path(db), "select count(*) from articles") == [(len(ARTICLES) + 1,)]

    def test_revised_article_loses_its_old_mentions_in_the_snapshot(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """A changed headline re-derives the article; the mention its shorter text lost leaves the snapshot too."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db)
        path = "/news/musk-posts.html"
        _, date, paragraphs = ARTICLES[path]
        revised = {**ARTICLES, path: ("Musk steps up attacks on Phillips", date, [*paragraphs[:2]])}
        newsroom.route(path, Reply(body=article_html(revised[path][0], revised[path][2])))
        newsroom.route("/feed.xml", Reply(body=feed_xml(newsroom.url("").rstrip("/"), revised),
                                          content_type="application/rss+xml"))

        summary = run(feeds, db)

        honorific = ("select count(*) from mentions join articles using (article_id) "
                     f"where url like '%{path}' and matched_text = 'Ms Phillips'")
        assert (summary.articles_revised, summary.publish_notice) == (1, "")
        assert differences(db, database.snapshot_path(db)) == {}
        assert stored(database.snapshot_path(db), honorific) == [(0,)]

    def test_run_while_a_reader_holds_the_snapshot_says_it_copied(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """A session open on the snapshot gets the run's notice of a full copy; it keeps its own view."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db)
        add_article(newsroom, "/news/late-story.html", "Late story on the inquiry", "Nigel Farage backed the call.")
        reader = subprocess.Popen([sys.executable, "-c", HOLD, str(database.snapshot_path(db))], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert reader.stdin is not None and reader.stdout is not None
        try:
            before = reader.stdout.readline().strip()

            summary = run(feeds, db)
            reader.stdin.write("\n")
            reader.stdin.flush()
            after = reader.stdout.readline().strip()
        finally:
            reader.kill()
            reader.wait()

        assert (before, after) == (str(len(ARTICLES)), str(len(ARTICLES)))
        assert "full copy" in summary.publish_notice and "a session had it open" in summary.publish_notice
        assert differences(db, database.snapshot_path(db)) == {}
