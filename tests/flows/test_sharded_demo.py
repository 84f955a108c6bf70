"""The demo newsroom through the sharded path (plan -> each shard -> finalise) gives the one-machine warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.adapters.demo import serve_newsroom, write_spread_feeds_file
from flows.config import DEMO_DIR, Settings
from flows.finalise import finalise
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner, settings_for_run
from flows.shards import ShardPlan, Staging, plan_run, run_shard

pytestmark = pytest.mark.slow

# What a user compares: every row of these tables, on the columns a run does not stamp with its own id or clock.
COMPARED = ("articles", "mentions", "topic_mentions", "quotes", "alerts")
# Three shards for four outlets: two outlets listing the same article URL land on different shards.
SHARDS = 3
STAMPED = {"run_id", "details", "status", "channel", "attempts", "last_error", "story_signature"}


def stable_rows(db: Path, table: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
        kept = [name for name in columns if name not in STAMPED and not name.endswith("_at")]
        return sorted(con.execute(f"select {', '.join(kept)} from {table}").fetchall(), key=repr)


@pytest.fixture(scope="module")
def warehouses(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, Path, list[ShardPlan], list[RunSummary]]]:
    """`run --demo` into one file; two sharded runs (3 shards, plans through JSON) into another."""
    work = tmp_path_factory.mktemp("sharded")
    one, sharded = work / "one.duckdb", work / "sharded.duckdb"
    base = Settings(report_dir=work / "reports", db=sharded)
    with serve_newsroom(DEMO_DIR, work) as newsroom:
        settings = settings_for_run(base, demo=True, connect_to=newsroom.connect_to)
        monitor_run(settings, newsroom.feeds_file, one, new_context("demo", newsroom.as_of), plain_runner(settings))
        feeds = work / "spread-feeds.csv"
        spread = settings_for_run(
            base, demo=True, connect_to=write_spread_feeds_file(DEMO_DIR, newsroom.base_url, feeds)
        )
        staging = Staging.from_settings(spread)
        plans, summaries = [], []
        for _ in range(2):
            plan = ShardPlan.from_json(
                plan_run(spread, feeds, sharded, SHARDS, staging, mode="demo", as_of=newsroom.as_of).to_json()
            )
            for shard in range(plan.shards):
                run_shard(spread, feeds, staging, plan, shard, f"worker-{shard}", 0)
            plans.append(plan)
            summaries.append(finalise(spread, feeds, sharded, staging, plan))
    yield one, sharded, plans, summaries


@pytest.mark.parametrize("table", COMPARED)
def test_sharded_run_equals_one_machine(
    warehouses: tuple[Path, Path, list[ShardPlan], list[RunSummary]], table: str
) -> None:
    one, sharded, _, _ = warehouses

    assert stable_rows(one, table)  # the demo fills every compared table, alerts included
    assert stable_rows(sharded, table) == stable_rows(one, table)


def test_demo_spreads_over_every_shard(warehouses: tuple[Path, Path, list[ShardPlan], list[RunSummary]]) -> None:
    _, sharded, plans, _ = warehouses

    assert all(plans[0].hosts_by_shard.values()) and sum(map(len, plans[0].hosts_by_shard.values())) == 4
    with duckdb.connect(str(sharded), read_only=True) as con:
        staged = con.execute(
            "select shard, status, articles_staged from shard_runs where run_id = ? order by shard", [plans[0].run_id]
        ).fetchall()
    assert [row[1] for row in staged] == ["completed"] * SHARDS
    assert all(row[2] > 0 for row in staged)


def test_the_runs_record_counts_as_one_machine(
    warehouses: tuple[Path, Path, list[ShardPlan], list[RunSummary]],
) -> None:
    one, sharded, _, summaries = warehouses
    sql = (
        "select feeds_total, entries_seen, articles_new, articles_failed, mentions_new, topic_mentions_new "
        "from runs order by started_at limit 1"
    )

    with duckdb.connect(str(one), read_only=True) as first, duckdb.connect(str(sharded), read_only=True) as second:
        assert second.execute(sql).fetchall() == first.execute(sql).fetchall()
    assert summaries[0].articles_new == 54


def test_second_sharded_run_changes_nothing(warehouses: tuple[Path, Path, list[ShardPlan], list[RunSummary]]) -> None:
    one, sharded, plans, summaries = warehouses

    assert (summaries[1].articles_new, summaries[1].alerts) == (0, [])
    assert plans[1].hosts_by_shard == plans[0].hosts_by_shard  # hosts kept their shards
    for table in COMPARED:
        assert stable_rows(sharded, table) == stable_rows(one, table)
    with duckdb.connect(str(sharded), read_only=True) as con:
        assert con.execute("select status from runs order by started_at").fetchall() == [("completed",), ("completed",)]
