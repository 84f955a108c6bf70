"""Text retention drops old full text and nothing else."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from warehouse_rows import AS_OF, article, mention, run, run_tables

from warehouse import database
from warehouse.loads import load_run
from warehouse.retention import apply_retention


def loaded(db: Path) -> None:
    with database.opened(db) as con:
        load_run(con, run_tables(
            articles=[article("old", AS_OF - timedelta(days=40), first_seen_at=AS_OF - timedelta(days=40)),
                      article("new", AS_OF - timedelta(days=2), first_seen_at=AS_OF - timedelta(days=2))],
            mentions=[mention("old", "keir-starmer", 0), mention("new", "keir-starmer", 0)],
            runs=[run("run-1", AS_OF)],
        ))


class TestApplyRetention:
    @pytest.mark.parametrize(("keep_days", "dropped", "with_text"), [(None, 0, ["new", "old"]), (30, 1, ["new"]),
                                                                      (0, 2, [])])
    def test_text_older_than_the_setting_is_dropped(
        self, tmp_path: Path, keep_days: int | None, dropped: int, with_text: list[str]
    ) -> None:
        """Articles first stored before the cutoff (against the latest run's clock) lose their text only."""
        db = tmp_path / "w.duckdb"
        loaded(db)

        with database.opened(db) as con:
            count = apply_retention(con, keep_days)
            texts = [row[0] for row in con.execute(
                "select article_id from articles where text is not null order by 1").fetchall()]
            kept = con.execute("select count(*), count(snippet) from mentions").fetchall()
            marked = con.execute("select count(*) from articles where text_dropped_at is not null").fetchall()

        assert (count, texts, kept, marked) == (dropped, with_text, [(2, 2)], [(dropped,)])

    def test_negative_days_are_refused(self, tmp_path: Path) -> None:
        """A negative setting is a mistake worth saying, not a reason to drop everything."""
        with database.opened(tmp_path / "w.duckdb") as con, pytest.raises(ValueError, match="0 or more"):
            apply_retention(con, -1)
