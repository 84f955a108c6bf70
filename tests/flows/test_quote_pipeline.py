"""Quotes through a real monitoring run and a backfill, against a loopback newsroom. TEST TEXT: the outlet, the
people (the eval watchlist's fictional Helena Marsh and Tobias Wren) and every quoted word are invented."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer, Reply
from newsroom import PROJECT_DIR, article_html, feed_xml, write_feeds_file

from flows.backfill import backfill
from flows.config import ExtractionSettings, FetchSettings, RunSettings, Settings
from flows.pipeline import monitor_run, new_context, plain_runner

AS_OF = datetime(2031, 3, 6, 21, tzinfo=UTC)
EVAL_SEEDS = PROJECT_DIR / "tests" / "eval" / "quotes" / "seeds"
ARTICLES = {
    "/news/rail.html": (
        "Marsh vows to end rail strikes",
        "Thu, 06 Mar 2031 09:00:00 +0000",
        [
            "Helena Marsh promised on Thursday to end the rail dispute before Easter.",
            "‘Nobody wants to see families stranded at stations,’ the Prime Minister said.",
            "A spokesman for the Prime Minister said: ‘The offer remains on the table.’",
        ],
    ),
    "/news/wren.html": (
        "Wren hits back at the drivers",
        "Thu, 06 Mar 2031 11:00:00 +0000",
        [
            "Tobias Wren rejected the union's claims on Thursday.",
            "‘This strike is a choice, not a necessity,’ Mr Wren fumed at the drivers’ leaders on Thursday.",
        ],
    ),
}


@pytest.fixture
def newsroom() -> Iterator[LoopbackServer]:
    server = LoopbackServer().__enter__()
    base = server.url("").rstrip("/")
    server.route("/feed.xml", Reply(body=feed_xml(base, ARTICLES), content_type="application/rss+xml"))
    server.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    for path, (title, _, paragraphs) in ARTICLES.items():
        server.route(path, Reply(body=article_html(title, paragraphs)))
    yield server
    server.__exit__(None, None, None)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """The fictional watchlist with the shipped speech cues and alert rules."""
    target = tmp_path / "seeds"
    shutil.copytree(EVAL_SEEDS, target)
    for name in ("speech_cues.csv", "alert_rules.csv"):
        shutil.copy(PROJECT_DIR / "seeds" / name, target / name)
    return target


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def quick_settings(seeds: Path, tmp_path: Path) -> Settings:
    """No politeness delay or retry wait against our own loopback newsroom."""
    return Settings(
        seeds_dir=seeds,
        report_dir=tmp_path / "reports",
        fetch=FetchSettings(per_host_delay_s=0.0),
        runs=RunSettings(task_retry_delay_s=0.0),
        extraction=ExtractionSettings(workers=1),
    )


def monitor(newsroom: LoopbackServer, seeds: Path, tmp_path: Path) -> Path:
    settings = quick_settings(seeds, tmp_path)
    feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
    db = tmp_path / "w.duckdb"
    monitor_run(settings, feeds, db, new_context("live", AS_OF, started_at=AS_OF), plain_runner(settings))
    return db


class TestQuotesInARun:
    def test_run_stores_quotes_with_speakers_resolved_by_the_mention_rules(
        self, newsroom: LoopbackServer, seeds: Path, tmp_path: Path
    ) -> None:
        """"The Prime Minister said" is Helena Marsh on the day; her spokesman's words stay unattributed."""
        db = monitor(newsroom, seeds, tmp_path)

        stored = query(db, "select person_id, quote_text, cue from quotes order by char_start, quote_text")
        mismatched = query(
            db,
            "select count(*) from quotes q join articles a using (article_id) "
            "where substr(a.text, q.char_start + 1, q.char_end - q.char_start) <> q.quote_text",
        )

        assert ("helena-marsh", "Nobody wants to see families stranded at stations,", "said") in stored
        assert (None, "The offer remains on the table.", "said") in stored
        assert mismatched == [(0,)]

    def test_backfill_derives_quotes_with_cues_added_since(
        self, newsroom: LoopbackServer, seeds: Path, tmp_path: Path
    ) -> None:
        """A cue the team adds ("fumed") reaches stored articles through backfill, without fetching any page."""
        db = monitor(newsroom, seeds, tmp_path)
        fetched = len(newsroom.requests)
        before = query(db, "select count(*) from quotes where person_id = 'tobias-wren'")
        with (seeds / "speech_cues.csv").open("a", encoding="utf-8") as cues:
            cues.write("fumed,verb,\n")
        result = backfill(quick_settings(seeds, tmp_path), since=datetime(2031, 3, 1, tzinfo=UTC), db=db)

        after = query(db, "select quote_text, cue from quotes where person_id = 'tobias-wren'")
        assert before == [(0,)]
        assert after == [("This strike is a choice, not a necessity,", "fumed")]
        assert result.quotes == len(query(db, "select * from quotes"))
        assert len(newsroom.requests) == fetched
