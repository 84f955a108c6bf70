"""Bulk loads upsert on natural keys inside one transaction; the trend views count what was loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse import database
from warehouse.loads import NATURAL_KEYS, RunTables, load_run

NOW = datetime(2025, 1, 6, 12, tzinfo=UTC)


def article(article_id: str, published: datetime, story_id: str) -> dict[str, object]:
    return {
        "article_id": article_id,
        "source_id": "herald",
        "url": f"https://example.org/{article_id}",
        "title": f"Headline {article_id}",
        "published_at": published,
        "first_seen_at": NOW,
        "text": "Sir Keir Starmer spoke. Mr Musk posted.",
        "fetch_outcome": "ok",
        "extraction_method": "trafilatura",
        "quality": "ok",
        "story_id": story_id,
        "revision_count": 0,
        "run_id": "run-1",
    }


def mention(article_id: str, person_id: str, start: int) -> dict[str, object]:
    return {
        "article_id": article_id,
        "person_id": person_id,
        "char_start": start,
        "char_end": start + 5,
        "matched_text": "xxxxx",
        "kind": "full",
        "sentence_index": 0,
        "snippet": "Sir Keir Starmer spoke.",
        "run_id": "run-1",
    }


def tables(articles: list[dict[str, object]], mentions: list[dict[str, object]], **extra: object) -> RunTables:
    empty = pl.DataFrame()
    frames = {
        "sources": pl.DataFrame(
            [
                {
                    "source_id": "herald",
                    "name": "Herald",
                    "feed_url": "https://example.org/feed",
                    "respect_robots": True,
                    "updated_at": NOW,
                }
            ]
        ),
        "people": empty,
        "topics": empty,
        "feed_state": empty,
        "feed_fetches": empty,
        "topic_mentions": empty,
        "alerts": empty,
        "runs": empty,
        "articles": pl.DataFrame(articles),
        "mentions": pl.DataFrame(mentions),
    }
    return RunTables(**frames, **extra)  # type: ignore[arg-type]


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with database.opened(tmp_path / "w.duckdb") as connection:
        yield connection


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"select count(*) from {table}").fetchall()[0][0])


class TestLoadRun:
    def test_loading_twice_leaves_the_same_rows(self, con: duckdb.DuckDBPyConnection) -> None:
        """A re-run or retried load of the same rows adds nothing."""
        run = tables([article("a1", NOW, "s1")], [mention("a1", "keir-starmer", 0), mention("a1", "elon-musk", 27)])

        load_run(con, run)
        load_run(con, run)

        assert (count(con, "articles"), count(con, "mentions")) == (1, 2)

    def test_failure_rolls_back_the_whole_run(self, con: duckdb.DuckDBPyConnection) -> None:
        """A load that fails on one table leaves no rows from the others."""
        bad_mentions: list[dict[str, object]] = [{"article_id": "a1", "person_id": None, "char_start": 0}]
        run = tables([article("a1", NOW, "s1")], bad_mentions)

        with pytest.raises(Exception, match=r"(?i)null"):
            load_run(con, run)

        assert count(con, "articles") == 0

    def test_replaced_articles_lose_their_old_mentions(self, con: duckdb.DuckDBPyConnection) -> None:
        """A revised article's mentions are replaced, not added to the old ones."""
        load_run(
            con, tables([article("a1", NOW, "s1")], [mention("a1", "keir-starmer", 0), mention("a1", "elon-musk", 27)])
        )

        load_run(
            con, tables([article("a1", NOW, "s1")], [mention("a1", "keir-starmer", 4)], replaced_article_ids=("a1",))
        )

        rows = con.execute("select person_id, char_start from mentions").fetchall()
        assert rows == [("keir-starmer", 4)]


class TestTrendViews:
    def test_mentions_daily_counts_articles_stories_and_mentions(self, con: duckdb.DuckDBPyConnection) -> None:
        """Two syndicated copies are two articles but one story; occurrences are counted separately."""
        day = datetime(2025, 1, 5, 9, tzinfo=UTC)
        load_run(
            con,
            tables(
                [article("a1", day, "s1"), article("a2", day, "s1"), article("a3", NOW, "s3")],
                [
                    mention("a1", "keir-starmer", 0),
                    mention("a1", "keir-starmer", 10),
                    mention("a2", "keir-starmer", 0),
                    mention("a3", "keir-starmer", 0),
                ],
            ),
        )

        rows = con.execute(
            "select cast(day as varchar), articles, stories, mentions from mentions_daily "
            "where person_id = 'keir-starmer' order by day"
        ).fetchall()

        assert rows == [("2025-01-05", 2, 1, 3), ("2025-01-06", 1, 1, 1)]


class TestOccurrenceTimes:
    def test_mentions_carry_their_articles_publication_time(self, con: duckdb.DuckDBPyConnection) -> None:
        """Loaded mentions are stamped with their article's published_at, and a revision's new time replaces it."""
        day = datetime(2025, 1, 5, 9, tzinfo=UTC)
        load_run(con, tables([article("a1", day, "s1"), article("a2", NOW, "s2")],
                             [mention("a1", "keir-starmer", 0), mention("a2", "keir-starmer", 0)]))
        first = con.execute("select article_id, published_at from mentions order by 1").fetchall()

        load_run(con, tables([article("a1", NOW, "s1")], [mention("a1", "elon-musk", 4)], replaced_article_ids=("a1",)))
        revised = con.execute("select article_id, published_at from mentions order by 1").fetchall()

        assert first == [("a1", day), ("a2", NOW)]
        assert revised == [("a1", NOW), ("a2", NOW)]

    def test_a_mention_of_an_article_not_stored_is_left_unstamped(self, con: duckdb.DuckDBPyConnection) -> None:
        """A mention whose article never arrived keeps a null time instead of failing the load."""
        load_run(con, tables([], [mention("missing", "keir-starmer", 0)]))

        assert con.execute("select published_at from mentions").fetchall() == [(None,)]


class TestKeysKeptByTheLoad:
    """The tables that grow every hour have no stored key (migration 0016); the load keeps their keys unique."""

    def test_every_grown_table_holds_one_row_per_key_after_the_same_run_twice(self, tmp_path: Path) -> None:
        """Articles, fetches, mentions, topic mentions and quotes loaded twice (a retried load) are stored once."""
        from test_snapshot import hour

        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, hour("run-1", ["a1", "a2"]))
            load_run(con, hour("run-1", ["a1", "a2"]))
            stored = {table: count(con, table) for table in NATURAL_KEYS}

        assert stored == {"articles": 2, "feed_fetches": 2, "mentions": 4, "topic_mentions": 2, "quotes": 2}

    def test_an_article_stored_again_with_a_new_time_keeps_one_row_per_key(
        self, con: duckdb.DuckDBPyConnection
    ) -> None:
        """An article another run stored meanwhile (a spooled copy), loaded again with a moved publication time and
        not named as re-derived, still has one row and one mention per key, all at the new time."""
        day = datetime(2025, 1, 2, 9, tzinfo=UTC)
        load_run(con, tables([article("a1", day, "s1")], [mention("a1", "keir-starmer", 0)]))

        load_run(con, tables([article("a1", NOW, "s1")], [mention("a1", "keir-starmer", 0)]))

        assert con.execute("select published_at from articles").fetchall() == [(NOW,)]
        assert con.execute("select published_at from mentions").fetchall() == [(NOW,)]

    def test_quotes_carry_their_articles_publication_time(self, tmp_path: Path) -> None:
        """Quotes are stamped with their article's published_at at load, like mentions, for reads by period."""
        from test_snapshot import hour

        with database.opened(tmp_path / "w.duckdb") as con:
            run = hour("run-1", ["a1"])
            load_run(con, run)
            stamped = con.execute("select quotes.published_at = articles.published_at from quotes join articles "
                                  "using (article_id)").fetchall()

        assert stamped == [(True,)]

    def test_an_article_named_re_derived_but_not_stored_again_keeps_its_row(
        self, con: duckdb.DuckDBPyConnection
    ) -> None:
        """A load naming an article as re-derived (its mentions replaced) without storing its row again, as a
        backfill does, leaves that article's row in place."""
        load_run(con, tables([article("a1", NOW, "s1"), article("a2", NOW, "s2")], [mention("a2", "elon-musk", 0)]))

        load_run(con, tables([article("a1", NOW, "s1")], [mention("a2", "keir-starmer", 4)],
                             replaced_article_ids=("a1", "a2")))

        assert con.execute("select article_id from articles order by 1").fetchall() == [("a1",), ("a2",)]
        assert con.execute("select person_id from mentions").fetchall() == [("keir-starmer",)]
