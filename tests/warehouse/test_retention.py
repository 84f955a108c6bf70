"""Text retention drops old full text and nothing else, by a clock three runs agree on, never one reading."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from warehouse_rows import AS_OF, article, mention, run, run_tables

from warehouse import database
from warehouse.loads import load_run
from warehouse.retention import apply_retention

HOUR = timedelta(hours=1)


def loaded(db: Path, *run_starts: datetime) -> None:
    """Two articles first seen 40 and 2 days before AS_OF, and completed runs started at `run_starts`."""
    with database.opened(db) as con:
        load_run(con, run_tables(
            articles=[article("old", AS_OF - timedelta(days=40), first_seen_at=AS_OF - timedelta(days=40)),
                      article("new", AS_OF - timedelta(days=2), first_seen_at=AS_OF - timedelta(days=2))],
            mentions=[mention("old", "keir-starmer", 0), mention("new", "keir-starmer", 0)],
            runs=[run(f"run-{index}", start) for index, start in enumerate(run_starts)],
        ))


def with_text(db: Path) -> list[str]:
    with database.opened(db) as con:
        return [row[0] for row in con.execute("select article_id from articles where text is not null order by 1")
                .fetchall()]


class TestApplyRetention:
    @pytest.mark.parametrize(("keep_days", "dropped", "kept"), [(None, 0, ["new", "old"]), (30, 1, ["new"]),
                                                                 (0, 2, [])])
    def test_text_older_than_the_setting_is_dropped(
        self, tmp_path: Path, keep_days: int | None, dropped: int, kept: list[str]
    ) -> None:
        """Articles first seen before the cutoff (against the confirmed clock) lose their text only."""
        db = tmp_path / "w.duckdb"
        loaded(db, AS_OF - 2 * HOUR, AS_OF - HOUR)

        with database.opened(db) as con:
            outcome = apply_retention(con, keep_days, now=AS_OF)
            counts = con.execute("select count(*), count(snippet) from mentions").fetchall()
            marked = con.execute("select count(*) from articles where text_dropped_at = ?", [AS_OF]).fetchall()

        assert (outcome.dropped, with_text(db), counts, marked) == (dropped, kept, [(2, 2)], [(dropped,)])

    def test_negative_days_are_refused(self, tmp_path: Path) -> None:
        """A negative setting is a mistake worth saying, not a reason to drop everything."""
        with database.opened(tmp_path / "w.duckdb") as con, pytest.raises(ValueError, match="0 or more"):
            apply_retention(con, -1, now=AS_OF)


JUMP = timedelta(days=1826)  # five years


class TestConfirmedClock:
    @pytest.mark.parametrize(
        ("run_starts", "now", "kept"),
        [
            pytest.param([AS_OF - 2 * HOUR, AS_OF - HOUR], AS_OF + JUMP, ["new"], id="this run's clock jumped"),
            pytest.param([AS_OF - 2 * HOUR, AS_OF - HOUR, AS_OF + JUMP], AS_OF, ["new"], id="an earlier run's had"),
            pytest.param([AS_OF - HOUR, AS_OF + JUMP], AS_OF + JUMP + HOUR, ["new"], id="two runs in a row jumped"),
            pytest.param([AS_OF - 2 * HOUR, AS_OF - HOUR], AS_OF, ["new"], id="three runs agree"),
            pytest.param([AS_OF - timedelta(days=60)], AS_OF, ["new", "old"], id="one run on record"),
        ],
    )
    def test_readings_ahead_of_the_others_never_age_text(
        self, tmp_path: Path, run_starts: list[datetime], now: datetime, kept: list[str]
    ) -> None:
        """Only a time this run and the two completed runs before it all reached ages text: one or two clocks
        five years ahead leave the recent article's text, and with one run on record nothing is dropped."""
        db = tmp_path / "w.duckdb"
        loaded(db, *run_starts)

        with database.opened(db) as con:
            apply_retention(con, 30, now=now)

        assert with_text(db) == kept

    def test_a_held_back_clock_is_said(self, tmp_path: Path) -> None:
        """When this run's clock is far ahead of the runs before it, retention says which clock it used."""
        db = tmp_path / "w.duckdb"
        loaded(db, AS_OF - 2 * HOUR, AS_OF - HOUR)

        with database.opened(db) as con:
            outcome = apply_retention(con, 30, now=AS_OF + JUMP)

        assert outcome.clock == AS_OF - 2 * HOUR
        assert "not this machine's clock" in outcome.note

    def test_this_runs_own_row_is_not_a_confirming_reading(self, tmp_path: Path) -> None:
        """A run's own record (here already completed) cannot confirm its own clock."""
        db = tmp_path / "w.duckdb"
        loaded(db, AS_OF - timedelta(days=60), AS_OF + JUMP)

        with database.opened(db) as con:
            outcome = apply_retention(con, 30, now=AS_OF + JUMP, run_id="run-1")

        assert (outcome.clock, with_text(db)) == (None, ["new", "old"])
