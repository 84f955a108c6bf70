"""The quotes table and the quote_pickup view on a real warehouse file; revised articles lose their old quotes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from quote_warehouse import OLDER, PICKED_UP, build_quote_warehouse, quote, quote_tables

from warehouse import database
from warehouse.loads import RunTables, load_run


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_quote_warehouse(tmp_path_factory.mktemp("quotes") / "w.duckdb")


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


class TestQuotesTable:
    def test_offsets_give_back_the_quote(self, warehouse: Path) -> None:
        """substr(articles.text, char_start + 1, char_end - char_start) is the stored quote text."""
        mismatched = rows(
            warehouse,
            "select q.quote_id from quotes q join articles a using (article_id) "
            "where substr(a.text, q.char_start + 1, q.char_end - q.char_start) <> q.quote_text",
        )

        assert mismatched == []

    def test_a_revised_article_replaces_its_quotes(self, tmp_path: Path) -> None:
        """Re-extracting an article removes the quotes of its old text instead of adding to them."""
        db = build_quote_warehouse(tmp_path / "w.duckdb")
        revised = RunTables.from_frames(
            {"quotes": pl.DataFrame([quote("m1", "helena-marsh", OLDER)])}, replaced_article_ids=("m1",)
        )

        with database.opened(db) as con:
            load_run(con, revised)

        assert rows(db, "select quote_text from quotes where article_id = 'm1'") == [(OLDER,)]

    def test_loading_twice_leaves_the_same_rows(self, tmp_path: Path) -> None:
        """A retried load of the same run adds no quote twice."""
        db = build_quote_warehouse(tmp_path / "w.duckdb")

        with database.opened(db) as con:
            load_run(con, quote_tables())

        assert rows(db, "select count(*) from quotes") == [(8,)]


class TestQuotePickup:
    def test_one_quote_groups_across_outlets(self, warehouse: Path) -> None:
        """The quote run by three outlets is one row: its speaker, where it ran first, and three outlets."""
        found = rows(
            warehouse,
            f"select person_id, name, first_outlet, outlets, articles from quote_pickup "
            f"where quote_text = '{PICKED_UP}'",
        )

        assert found == [("helena-marsh", "Helena Marsh", "The Herald", 3, 3)]

    def test_a_copy_without_the_speaker_still_counts_as_pickup(self, warehouse: Path) -> None:
        """The outlet that ran the words without naming her counts among the outlets, not as a second speaker."""
        found = rows(warehouse, f"select count(*), max(outlets) from quote_pickup where quote_text = '{PICKED_UP}'")
        speakers = rows(warehouse, "select count(*) from quotes where person_id is null")

        assert found == [(1, 3)]
        assert speakers == [(1,)]

    def test_short_quotes_do_not_group(self, warehouse: Path) -> None:
        """"Yes." is everyone's: quotes under four words are left out of the pickup view."""
        assert rows(warehouse, "select count(*) from quote_pickup where quote_key = 'yes'") == [(0,)]
