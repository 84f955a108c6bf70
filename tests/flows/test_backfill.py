"""Backfill re-derives mentions for stored articles after the watchlist changes, without refetching or alerting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer
from newsroom import copy_seeds, start_newsroom, write_feeds_file

from flows.backfill import backfill
from flows.config import ExtractionSettings, FetchSettings, Settings
from flows.pipeline import monitor_run, new_context, plain_runner

RAYNER = "angela-rayner,Angela Rayner,Angela,Rayner,Ms,,,,,"


@pytest.fixture
def newsroom() -> Iterator[LoopbackServer]:
    server = start_newsroom()
    yield server
    server.__exit__(None, None, None)


class TestBackfill:
    def test_added_person_gets_mentions_from_stored_articles(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """A person added to the watchlist after a run is found in the stored text; no page is fetched again."""
        seeds = copy_seeds(tmp_path / "seeds")
        settings = Settings(
            seeds_dir=seeds,
            report_dir=tmp_path / "reports",
            fetch=FetchSettings(per_host_delay_s=0.0),
            extraction=ExtractionSettings(workers=1),
        )
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        context = new_context("live", datetime(2025, 1, 6, 21, tzinfo=UTC))
        monitor_run(settings, feeds, db, context, plain_runner(settings))
        requests_after_run = len(newsroom.requests)
        with (seeds / "people.csv").open("a", encoding="utf-8") as people:
            people.write(RAYNER + "\n")

        result = backfill(settings, since=datetime(2025, 1, 1, tzinfo=UTC), db=db)

        with duckdb.connect(str(db), read_only=True) as con:
            rayner = con.execute("select matched_text from mentions where person_id = 'angela-rayner'").fetchall()
            sent = con.execute("select count(*) from alerts where status = 'delivered'").fetchone()
        assert rayner == [("Angela Rayner",)]
        assert result.articles == 3
        assert len(newsroom.requests) == requests_after_run
        assert sent == (0,)
