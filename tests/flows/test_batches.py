"""A run works in batches of articles, so its memory follows the batch: the result is the same as in one go."""

from __future__ import annotations

from pathlib import Path

import duckdb
from loopback import LoopbackServer
from newsroom import ARTICLES, start_newsroom, write_feeds_file

from flows.config import ExtractionSettings, FetchSettings, RunSettings, Settings
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner

TABLES = ("articles", "mentions", "topic_mentions", "feed_fetches", "feed_state")


def run(newsroom: LoopbackServer, work: Path, batch_size: int) -> tuple[RunSummary, dict[str, object]]:
    settings = Settings(
        report_dir=work / "reports",
        fetch=FetchSettings(per_host_delay_s=0.0),
        extraction=ExtractionSettings(workers=1),
        runs=RunSettings(batch_size=batch_size, task_retry_delay_s=0.0),
    )
    work.mkdir()
    feeds = write_feeds_file(work / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
    db = work / "w.duckdb"
    summary = monitor_run(settings, feeds, db, new_context("live", None), plain_runner(settings))
    with duckdb.connect(str(db), read_only=True) as con:
        counts: dict[str, object] = {table: con.sql(f"select count(*) from {table}").fetchall() for table in TABLES}
        counts["run"] = con.sql(
            "select status, articles_new, mentions_new, topic_mentions_new, entries_seen from runs"
        ).fetchall()
        counts["mentions by person"] = con.sql(
            "select person_id, count(*) from mentions group by 1 order by 1"
        ).fetchall()
    return summary, counts


class TestBatches:
    def test_one_article_per_batch_stores_what_one_batch_stores(self, tmp_path: Path) -> None:
        """Three batches of one article load the same rows and the same run record as one batch of three."""
        newsroom = start_newsroom()
        try:
            one_go = run(newsroom, tmp_path / "one", batch_size=500)
            batches = run(newsroom, tmp_path / "three", batch_size=1)
        finally:
            newsroom.__exit__(None, None, None)

        summary, counts = batches
        assert counts == one_go[1]
        assert counts["run"] == [("completed", len(ARTICLES), *one_go[1]["run"][0][2:])]  # type: ignore[index]
        assert summary.articles_new == len(ARTICLES)
        assert summary.mentions_by_person == one_go[0].mentions_by_person
