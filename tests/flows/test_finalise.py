"""The finaliser's faults on the demo newsroom: a shard retried, a shard missing, a finalise run twice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from flows.adapters.demo import serve_newsroom, write_spread_feeds_file
from flows.config import DEMO_DIR, Settings
from flows.finalise import finalise
from flows.pipeline import RunSummary, settings_for_run
from flows.shards import INPUT_TABLES, ROW_TABLES, STATUS_TABLE, ShardPlan, Staging, plan_run, run_shard

pytestmark = pytest.mark.slow

DEMO_ARTICLES = 54  # tests/flows/test_demo.py: 53 reachable pages and one whose page is gone


@dataclass
class Scenario:
    db: Path
    first: ShardPlan
    second: ShardPlan
    partial: RunSummary
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    counts_after_again: dict[str, int]
    staging: Staging


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = ("articles", "mentions", "topic_mentions", "quotes", "alerts", "staged_loads", "shard_runs")
        return {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in tables}  # type: ignore[index]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """Run 1: shard 0 runs twice (its worker died after staging, another took it), shard 1 never finishes;
    finalised with shard 1 missing. Run 2: both shards; finalised, then finalised again."""
    work = tmp_path_factory.mktemp("finalise")
    db = work / "sharded.duckdb"
    with serve_newsroom(DEMO_DIR, work) as newsroom:
        feeds = work / "spread-feeds.csv"
        pairs = write_spread_feeds_file(DEMO_DIR, newsroom.base_url, feeds)
        settings = settings_for_run(Settings(db=db, report_dir=work / "reports"), demo=True, connect_to=pairs)
        staging = Staging.from_settings(settings)
        first = plan_run(settings, feeds, db, 2, staging, mode="demo", as_of=newsroom.as_of)
        run_shard(settings, feeds, staging, first, 0, "worker-a", 0)
        run_shard(settings, feeds, staging, first, 0, "worker-b", 0)
        partial = finalise(settings, feeds, db, staging, first, missing=[1])
        after_first = counts(db)
        second = plan_run(settings, feeds, db, 2, staging, mode="demo", as_of=newsroom.as_of)
        for shard in range(2):
            run_shard(settings, feeds, staging, second, shard, "worker-a", 0)
        finalise(settings, feeds, db, staging, second)
        after_second = counts(db)
        finalise(settings, feeds, db, staging, second)
        yield Scenario(db, first, second, partial, after_first, after_second, counts(db), staging)


def rows(db: Path, sql: str, *parameters: object) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(parameters)).fetchall()


class TestMissingShard:
    def test_run_is_partial_and_the_shard_missing(self, scenario: Scenario) -> None:
        runs = rows(scenario.db, "select status from runs where run_id = ?", scenario.first.run_id)
        shards = rows(
            scenario.db, "select shard, status, worker from shard_runs where run_id = ? order by shard",
            scenario.first.run_id,
        )  # fmt: skip

        assert runs == [("partial",)]
        assert shards == [(0, "completed", "worker-b"), (1, "missing", None)]

    def test_its_hosts_go_first_next_run_and_their_articles_arrive(self, scenario: Scenario) -> None:
        assert scenario.second.first_hosts == scenario.first.hosts_by_shard[1]
        assert scenario.second.hosts_by_shard == scenario.first.hosts_by_shard
        assert scenario.counts_after_first["articles"] < DEMO_ARTICLES
        assert scenario.counts_after_second["articles"] == DEMO_ARTICLES
        assert rows(scenario.db, "select status from runs where run_id = ?", scenario.second.run_id) == [
            ("completed",)
        ]


class TestRetriedShard:
    def test_a_shard_staged_twice_is_loaded_once(self, scenario: Scenario) -> None:
        shard_zero = rows(
            scenario.db, "select articles_staged from shard_runs where run_id = ? and shard = 0", scenario.first.run_id
        )[0][0]

        assert scenario.counts_after_first["articles"] == shard_zero
        assert rows(scenario.db, "select count(*) - count(distinct article_id) from articles") == [(0,)]


class TestFinaliseAgain:
    def test_a_second_finalise_of_the_same_run_changes_nothing(self, scenario: Scenario) -> None:
        assert scenario.counts_after_again == scenario.counts_after_second
        assert rows(scenario.db, "select status from runs where run_id = ?", scenario.second.run_id) == [
            ("completed",)
        ]
        assert rows(scenario.db, "select distinct status from shard_runs where run_id = ?", scenario.second.run_id) == [
            ("completed",)
        ]


class TestStagingAfterwards:
    def test_loaded_rows_leave_the_staging(self, scenario: Scenario) -> None:
        """Staging holds only what is still to load: every batch was loaded, so no row, input or status is left."""
        area = scenario.staging.area()

        left = {name: area.read(name).height for name in (*ROW_TABLES, *INPUT_TABLES, STATUS_TABLE)}
        assert set(left.values()) == {0}
