"""The sharded path counts as one machine does where a shard alone cannot tell: an article stored long ago that a
feed lists again (known, or revised when its headline changed), and an article two shards both fetched."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from flows.adapters.demo import serve_newsroom, write_spread_feeds_file
from flows.config import DEMO_DIR, Settings
from flows.finalise import finalise
from flows.pipeline import monitor_run, new_context, plain_runner, settings_for_run
from flows.shards import Staging, plan_run, run_shard

pytestmark = pytest.mark.slow

SHARDS = 3  # four outlets on three shards: two outlets listing the same article URL land on different shards
FEED = Path("civic-courier/rss.xml")
OLD_HEADLINE = "<title>Davey: waiting list plan will fail without a fix for social care</title>"
NEW_HEADLINE = "<title>Davey: waiting list plan will fail without social care, Lib Dems say</title>"
# Older than a shard's own look at its feeds' stored articles (flows/shards.py KNOWN_LOOKBACK).
AGE = "cast(current_date as timestamptz) - interval 30 day"


@dataclass
class Warehouses:
    one: Path
    sharded: Path


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(con.execute(sql).fetchall(), key=repr)


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouses]:
    """The demo's outlets (each on its own host) run twice by one machine into one file and through shards into
    another; between the runs every stored article is aged 30 days and one feed changes one headline, so the feed
    lists all its articles again."""
    work = tmp_path_factory.mktemp("sharded-counts")
    demo = work / "demo"
    shutil.copytree(DEMO_DIR, demo)
    one, sharded = work / "one.duckdb", work / "sharded.duckdb"
    with serve_newsroom(demo, work) as newsroom:
        feeds = work / "spread-feeds.csv"
        connect_to = write_spread_feeds_file(demo, newsroom.base_url, feeds)
        settings = settings_for_run(Settings(report_dir=work / "reports", db=sharded), demo=True, connect_to=connect_to)
        staging = Staging.from_settings(settings)
        for round_ in range(2):
            if round_:
                for db in (one, sharded):
                    with duckdb.connect(str(db)) as con:
                        con.execute(f"update articles set first_seen_at = {AGE}")
                page = demo / "site" / FEED
                page.write_text(page.read_text(encoding="utf-8").replace(OLD_HEADLINE, NEW_HEADLINE), encoding="utf-8")
            context = new_context("demo", newsroom.as_of)
            monitor_run(settings, feeds, one, context, plain_runner(settings))
            plan = plan_run(settings, feeds, sharded, SHARDS, staging, mode="demo", as_of=newsroom.as_of)
            for shard in range(plan.shards):
                run_shard(settings, feeds, staging, plan, shard, f"worker-{shard}", 0)
            finalise(settings, feeds, sharded, staging, plan)
    yield Warehouses(one, sharded)


def test_an_old_article_listed_again_is_stored_as_one_machine_stores_it(warehouses: Warehouses) -> None:
    """Known articles stay as they were; the one whose headline changed is a revision keeping its first sighting."""
    sql = "select article_id, source_id, feed_title, revision_count, first_seen_at, text_sha256 from articles"

    stored = query(warehouses.one, sql)
    assert sum(1 for row in stored if row[3]) == 1  # the changed headline: one revision
    assert query(warehouses.sharded, sql) == stored
    for table in ("mentions", "topic_mentions", "quotes"):
        occurrences = f"select article_id, count(*) from {table} group by article_id"
        assert query(warehouses.sharded, occurrences) == query(warehouses.one, occurrences)


def test_the_second_run_counts_no_new_article(warehouses: Warehouses) -> None:
    sql = "select articles_new, mentions_new, topic_mentions_new from runs order by started_at"

    assert query(warehouses.sharded, sql) == query(warehouses.one, sql)
    with duckdb.connect(str(warehouses.one), read_only=True) as con:
        assert con.execute(f"{sql} offset 1").fetchall()[0][0] == 0


def test_each_feed_counts_the_new_entries_one_machine_counts(warehouses: Warehouses) -> None:
    """An article URL two outlets list, fetched by both their shards, is new for the outlet listed first only."""
    sql = (
        "select dense_rank() over (order by run_id) as run, source_id, outcome, entries_total, entries_new "
        "from feed_fetches"
    )

    assert query(warehouses.sharded, sql) == query(warehouses.one, sql)
