"""subject_hours holds, after every kind of load, what counting each story in the hour of its first copy naming the
subject from the stored rows gives: new copies, an earlier copy arriving late, a revision that re-clusters an
article into another story, a re-derivation that drops a mention, and the migration's count of older rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from warehouse_rows import article, mention, run_tables, topic_mention

from warehouse import database
from warehouse.loads import RunTables, load_run

NOON = datetime(2025, 1, 6, 12, tzinfo=UTC)
# Counted from the stored rows through the staging views: the definition, spelled apart from the maintenance.
RECOUNT = """
with firsts as (
    select subject_kind, subject, story_id, min(published_at) as first_at
    from base_subject_mentions where published_at is not null group by all
    union all
    select 'all', 'all', story_id, min(published_at) from base_articles where published_at is not null group by all
)
select subject_kind, subject, hour_of(first_at) as hour_start, count(*) as stories
from firsts group by all order by all
"""
STORED = "select subject_kind, subject, hour_start, stories from subject_hours where stories > 0 order by all"


def counts(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()


def at(minutes: int) -> datetime:
    return NOON + timedelta(minutes=minutes)


FIRST_HOUR = run_tables(
    articles=[article("a1", at(10)), article("a2", at(20), story_id="a1"), article("b1", at(30))],
    mentions=[mention("a1", "keir-starmer", 0), mention("a2", "keir-starmer", 0), mention("a2", "elon-musk", 9),
              mention("b1", "elon-musk", 0)],
    topic_mentions=[topic_mention("b1", "nhs", 3)],
)
LATER_COPY = run_tables(  # a copy of story a1 two hours later naming someone new, and a new story
    articles=[article("a3", at(130), story_id="a1"), article("c1", at(140))],
    mentions=[mention("a3", "jess-phillips", 0), mention("a3", "keir-starmer", 9), mention("c1", "keir-starmer", 0)],
)
EARLIER_COPY = run_tables(  # arrives late but was published before every copy of a1: the story moves an hour back
    articles=[article("a0", at(-50), story_id="a1")],
    mentions=[mention("a0", "keir-starmer", 0)],
)
REVISION = run_tables(  # a2 re-extracted: it is now a copy of b1 and names only the NHS
    articles=[article("a2", at(20), story_id="b1")],
    topic_mentions=[topic_mention("a2", "nhs", 1)],
)
LOADS = {"first": [FIRST_HOUR], "later copy": [FIRST_HOUR, LATER_COPY], "earlier copy": [FIRST_HOUR, EARLIER_COPY],
         "revision": [FIRST_HOUR, LATER_COPY, REVISION]}


def revised(tables: RunTables) -> RunTables:
    return RunTables(**{**tables.__dict__, "replaced_article_ids": ("a2",)})


class TestSubjectHours:
    @pytest.mark.parametrize("name", list(LOADS))
    def test_each_load_leaves_the_count_of_first_copies(self, tmp_path: Path, name: str) -> None:
        """After each sequence of loads the table holds exactly the recount from the stored rows."""
        with database.opened(tmp_path / "w.duckdb") as con:
            for tables in LOADS[name]:
                load_run(con, revised(tables) if tables is REVISION else tables)

            assert counts(con, STORED) == counts(con, RECOUNT)

    def test_a_story_counts_once_in_the_hour_of_its_first_copy(self, tmp_path: Path) -> None:
        """Starmer's story a1 runs at 12:10, 12:20 and 14:10: one story in the 12:00 hour, none at 14:00; the
        later copy is Jess Phillips' first, so she counts at 14:00."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, FIRST_HOUR)
            load_run(con, LATER_COPY)

            stored = {(subject, hour.hour): stories for _, subject, hour, stories in counts(con, STORED)}

        assert stored[("keir-starmer", 12)] == 1
        assert stored[("keir-starmer", 14)] == 1  # c1, a story of its own
        assert stored[("jess-phillips", 14)] == 1
        assert stored[("all", 12)] == 2 and stored[("all", 14)] == 1

    def test_the_migration_counts_the_rows_stored_before_it(self, tmp_path: Path) -> None:
        """A warehouse upgraded from before the table gets the same rows as one that kept it all along."""
        path = tmp_path / "w.duckdb"
        with database.opened(path) as con:
            for tables in LOADS["revision"]:
                load_run(con, revised(tables) if tables is REVISION else tables)
            expected = counts(con, RECOUNT)
            con.execute("drop table subject_hours")
            con.execute("delete from schema_migrations where version = 21")

        with database.opened(path) as con:
            assert counts(con, STORED) == expected
