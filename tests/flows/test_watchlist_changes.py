"""A person added to the watchlist counts in the history the warehouse has: the next run re-derives the stored
text for them by itself, and a backfill publishes what it derives without moving the data's clock. Real runs as
real processes against the loopback newsroom, real warehouse files, the analysts' snapshot read by `presswatch sql`.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer
from newsroom import copy_seeds, start_newsroom, write_feeds_file

from flows import seeds, stages
from flows.backfill import rederive_watchlist_changes
from flows.config import Settings
from flows.pipeline import new_context
from warehouse import database

PROJECT_DIR = Path(__file__).resolve().parents[2]
RAYNER = "angela-rayner,Angela Rayner,Angela,Rayner,Ms,,,,,"
CLOCK = "2025-01-06T21:00:00+00:00"  # the data's clock: the newsroom's articles are of that day


@pytest.fixture
def newsroom() -> Iterator[LoopbackServer]:
    server = start_newsroom()
    yield server
    server.__exit__(None, None, None)


@pytest.fixture
def team(tmp_path: Path, newsroom: LoopbackServer) -> dict[str, str]:
    """The environment of a team's presswatch: its own seeds copy, warehouse, reports, feeds on loopback."""
    feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
    os.environ.pop("PREFECT_API_URL", None)
    return {
        "PRESSWATCH_DB": str(tmp_path / "data" / "w.duckdb"),
        "PRESSWATCH_SEEDS_DIR": str(copy_seeds(tmp_path / "seeds")),
        "PRESSWATCH_FEEDS": str(feeds),
        "PRESSWATCH_REPORT_DIR": str(tmp_path / "reports"),
        "PRESSWATCH_PER_HOST_DELAY_S": "0",
        "PRESSWATCH_TASK_RETRY_DELAY_S": "0",
        "PRESSWATCH_WORKERS": "1",
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }


def presswatch(team: dict[str, str], *arguments: str) -> str:
    """`presswatch ARGUMENTS` as a real process; its output, after checking it succeeded without a traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "flows.interface.cli", *arguments], cwd=PROJECT_DIR, capture_output=True, text=True,
        timeout=600, env={**os.environ, **team},
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stdout + result.stderr
    return result.stdout


def add_rayner(team: dict[str, str]) -> None:
    with (Path(team["PRESSWATCH_SEEDS_DIR"]) / "people.csv").open("a", encoding="utf-8") as people:
        people.write(RAYNER + "\n")


def rayner_in_snapshot(team: dict[str, str]) -> str:
    """What an analyst sees: `presswatch sql` reads the snapshot, not the warehouse."""
    return presswatch(team, "sql", "--csv", "select person_id, count(*) as mentions from mentions "
                                            "where person_id = 'angela-rayner' group by 1")


def report_clock(team: dict[str, str]) -> datetime:
    with database.opened(Path(team["PRESSWATCH_DB"]), read_only=True) as con:
        return database.query_frame(con, "report_clock")["as_of"][0]


class TestAddedPerson:
    def test_the_next_run_counts_them_in_history_and_the_snapshot_shows_it(self, team: dict[str, str]) -> None:
        """After a person is added, the next run (which fetches nothing new) re-derives the stored articles for them,
        says so in one line, and `presswatch sql` finds their mention; the run after says nothing more."""
        first = presswatch(team, "run", "--as-of", CLOCK)
        add_rayner(team)

        second = presswatch(team, "run", "--as-of", CLOCK)
        seen = rayner_in_snapshot(team)
        third = presswatch(team, "run", "--as-of", CLOCK)

        assert "Watchlist:" not in first
        assert "Watchlist: re-derived 3 stored articles for 1 new watchlist entry (Angela Rayner)" in second
        assert seen.splitlines() == ["person_id,mentions", "angela-rayner,1"]
        assert "Watchlist:" not in third

    def test_the_re_derivation_puts_their_story_in_the_baseline_hours(self, team: dict[str, str]) -> None:
        """The run that re-derives the history for an added person counts their story in subject_hours, the hours the
        spike baselines read, and an analyst's `presswatch sql` sees the same count as from the mentions."""
        presswatch(team, "run", "--as-of", CLOCK)
        add_rayner(team)

        presswatch(team, "run", "--as-of", CLOCK)
        hours = presswatch(team, "sql", "--csv", "select subject, sum(stories) as stories from subject_hours "
                                                 "where subject = 'angela-rayner' group by 1")
        recount = presswatch(team, "sql", "--csv", "select person_id as subject, count(distinct story_id) as stories "
                                                   "from base_mentions where person_id = 'angela-rayner' group by 1")

        assert hours.splitlines() == ["subject,stories", "angela-rayner,1"]
        assert hours == recount

    def test_a_changed_person_is_re_derived_too(self, team: dict[str, str]) -> None:
        """An alias added to a person already tracked is a changed entry: its history is derived again."""
        presswatch(team, "run", "--as-of", CLOCK)
        people = Path(team["PRESSWATCH_SEEDS_DIR"]) / "people.csv"
        rows = list(csv.DictReader(people.open(encoding="utf-8")))
        starmer = next(row for row in rows if row["person_id"] == "keir-starmer")
        starmer["aliases"] = ";".join(filter(None, [starmer["aliases"], "the Labour leader"]))
        with people.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

        second = presswatch(team, "run", "--as-of", CLOCK)

        assert "Watchlist: re-derived 3 stored articles for 1 changed watchlist entry (Keir Starmer)" in second


class TestBackfill:
    def test_backfill_publishes_the_snapshot_and_keeps_the_data_clock(self, team: dict[str, str]) -> None:
        """`presswatch run --since DATE` re-derives the added person's mentions, the snapshot shows them at once,
        and the warehouse's clock (the report's period, the spikes' clock) stays the data's, not the wall clock's."""
        presswatch(team, "run", "--as-of", CLOCK)
        before = report_clock(team)
        add_rayner(team)

        output = presswatch(team, "run", "--since", "2025-01-01")
        seen = rayner_in_snapshot(team)

        with duckdb.connect(team["PRESSWATCH_DB"], read_only=True) as con:
            backfill_clock = con.execute("select as_of from runs where mode = 'backfill'").fetchone()
        assert "Backfill backfill-" in output and "3 stored articles" in output
        assert seen.splitlines() == ["person_id,mentions", "angela-rayner,1"]
        assert report_clock(team) == before == datetime(2025, 1, 6, 21, tzinfo=UTC)
        assert backfill_clock == (before,)


class TestBounds:
    def test_a_run_re_derives_at_most_its_limit_and_names_the_rest(self, team: dict[str, str], tmp_path: Path) -> None:
        """With more stored articles than a run re-derives, the newest are done and the line gives the command for
        the older ones."""
        presswatch(team, "run", "--as-of", CLOCK)
        add_rayner(team)
        settings = Settings(seeds_dir=Path(team["PRESSWATCH_SEEDS_DIR"]))
        watchlist = seeds.load_watchlist(settings.seeds_dir)
        context = new_context("live", datetime(2025, 1, 6, 22, tzinfo=UTC))

        change = rederive_watchlist_changes(Path(team["PRESSWATCH_DB"]), context, watchlist, settings.seeds_dir,
                                            {"angela-rayner": "Angela Rayner"}, limit=2)

        assert change.notice() == (
            "re-derived 2 stored articles for 1 new watchlist entry (Angela Rayner); the 1 oldest were left "
            "(at most 2 a run): presswatch run --since 2025-01-06 re-derives them")

    def test_a_warehouse_that_cannot_be_read_is_one_line_and_tried_again(self, tmp_path: Path) -> None:
        """Whatever stops the re-derivation is one line in the run's notices, never a traceback or a failed run."""
        db = tmp_path / "w.duckdb"
        db.write_bytes(b"not a warehouse" * 100)
        settings = Settings(seeds_dir=PROJECT_DIR / "seeds")
        context = new_context("live", datetime(2025, 1, 6, 22, tzinfo=UTC))

        change = stages.watchlist_stage(db, context, seeds.load_watchlist(settings.seeds_dir), settings, {})

        assert change.notice().startswith("watchlist changes not checked: ")
        assert "\n" not in change.notice()
