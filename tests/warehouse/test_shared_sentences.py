"""The new-pairing rule reads only mentions that may share their sentence (mentions.shares_sentence, migration 0022):
what the loads and the upgrade store there must keep every pair the rule would find by pairing every mention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
from warehouse_rows import AS_OF, article, mention, run_tables

from warehouse import database
from warehouse.loads import RunTables, load_run

HOUR = timedelta(hours=1)
FLAGS = "select article_id, person_id, sentence_index, shares_sentence from mentions order by all"
WINDOW = {"as_of": AS_OF, "window_start": AS_OF - timedelta(days=1), "lookback_start": AS_OF - timedelta(days=15)}


def pairings(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return database.query_frame(con, "alert_pairings", WINDOW).rows()


def starmer_and_musk(article_id: str, *, together: bool, run_id: str = "run-1") -> list[dict[str, object]]:
    """Starmer in sentence 1 and Musk in sentence 1 (together) or 2; Phillips alone in sentence 3."""
    return [mention(article_id, "keir-starmer", 0, sentence=1, run_id=run_id),
            mention(article_id, "elon-musk", 20, sentence=1 if together else 2, run_id=run_id),
            mention(article_id, "elon-musk", 30, sentence=1 if together else 2, kind="surname", run_id=run_id),
            mention(article_id, "jess-phillips", 40, sentence=3, run_id=run_id)]


def load(con: duckdb.DuckDBPyConnection, tables: RunTables) -> None:
    load_run(con, tables)


class TestTheLoad:
    def test_marks_the_mentions_whose_sentence_names_another_person(self, tmp_path: Path) -> None:
        """Starmer and Musk (named twice) share sentence 1; Phillips is alone in hers; a person named twice in a
        sentence with nobody else is alone too."""
        mentions = [*starmer_and_musk("a1", together=True), mention("a1", "ed-davey", 50, sentence=4),
                    mention("a1", "ed-davey", 60, sentence=4, kind="surname")]
        with database.opened(tmp_path / "w.duckdb") as con:
            load(con, run_tables(articles=[article("a1", AS_OF - HOUR)], mentions=mentions))
            flags = con.execute(FLAGS).fetchall()

        assert flags == [("a1", "ed-davey", 4, False), ("a1", "ed-davey", 4, False),
                         ("a1", "elon-musk", 1, True), ("a1", "elon-musk", 1, True),
                         ("a1", "jess-phillips", 3, False), ("a1", "keir-starmer", 1, True)]

    def test_a_revision_that_parts_two_people_ends_their_pair_and_one_that_joins_them_starts_it(
        self, tmp_path: Path
    ) -> None:
        """a1 names them together, then a revision puts them in different sentences; a2 the other way round."""
        first = run_tables(articles=[article("a1", AS_OF - HOUR), article("a2", AS_OF - 2 * HOUR)],
                           mentions=[*starmer_and_musk("a1", together=True), *starmer_and_musk("a2", together=False)])
        revised = run_tables(
            articles=[article("a1", AS_OF - HOUR, run_id="run-2"), article("a2", AS_OF - 2 * HOUR, run_id="run-2")],
            mentions=[*starmer_and_musk("a1", together=False, run_id="run-2"),
                      *starmer_and_musk("a2", together=True, run_id="run-2")],
        )
        revised = RunTables.from_frames(dict(revised.frames()), replaced_article_ids=("a1", "a2"))
        with database.opened(tmp_path / "w.duckdb") as con:
            load(con, first)
            before = pairings(con)
            load(con, revised)
            after = pairings(con)

        assert before == [("elon-musk", "keir-starmer", 1, 0)]
        assert after == [("elon-musk", "keir-starmer", 1, 0)]
        shared = "select distinct article_id from mentions where shares_sentence order by 1"
        with database.opened(tmp_path / "w.duckdb") as con:
            assert con.execute(shared).fetchall() == [("a2",)]

    def test_a_mention_inserted_by_hand_still_pairs(self, tmp_path: Path) -> None:
        """A row inserted with SQL carries no mark: the rule reads it as one that may pair, with and without its
        copy of the article's time."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load(con, run_tables(articles=[article("a1", AS_OF - HOUR), article("a2", AS_OF - 2 * HOUR)],
                                 mentions=[mention("a1", "keir-starmer", 0, sentence=1),
                                           mention("a2", "keir-starmer", 0, sentence=1)]))
            con.execute(
                "insert into mentions (article_id, person_id, char_start, char_end, matched_text, kind, "
                "sentence_index, snippet, run_id, published_at) values "
                "('a1', 'elon-musk', 20, 25, 'Musk', 'full', 1, 'Sentence 1 of a1.', 'by-hand', ?), "
                "('a2', 'elon-musk', 20, 25, 'Musk', 'full', 1, 'Sentence 1 of a2.', 'by-hand', null)",
                [AS_OF - HOUR],
            )
            found = pairings(con)

        assert found == [("elon-musk", "keir-starmer", 2, 0)]


class TestTheUpgrade:
    def test_marks_the_mentions_stored_before_it(self, tmp_path: Path) -> None:
        """A warehouse upgraded from before migration 0022 gets the marks a load would have written."""
        path = tmp_path / "w.duckdb"
        with database.opened(path) as con:
            load(con, run_tables(articles=[article("a1", AS_OF - HOUR), article("a2", AS_OF - 2 * HOUR)],
                                 mentions=[*starmer_and_musk("a1", together=True),
                                           *starmer_and_musk("a2", together=False)]))
            expected = con.execute(FLAGS).fetchall()
            con.execute("alter table mentions drop column shares_sentence")
            con.execute("delete from schema_migrations where version = 22")

        with database.opened(path) as con:
            assert con.execute(FLAGS).fetchall() == expected
            assert pairings(con) == [("elon-musk", "keir-starmer", 1, 0)]
