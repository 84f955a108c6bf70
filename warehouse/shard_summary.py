"""What a sharded run left in the warehouse, read-only: its record, its shards, and the counts per table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse import database

COUNTED = ("articles", "mentions", "topic_mentions", "stories", "quotes", "alerts")


@dataclass(frozen=True)
class RunShards:
    run_id: str
    status: str
    error: str | None
    shards: list[tuple[Any, ...]]  # shard, worker, status, articles_new, articles_staged, seconds
    counts: dict[str, int]


def latest_run_shards(db: Path) -> RunShards | None:
    """The latest run and its shards, or None when the warehouse has no run."""
    with database.opened(db, read_only=True) as con:
        run = con.execute(database.read_sql("cluster_latest_run")).fetchone()
        if run is None:
            return None
        shards = con.execute(database.read_sql("cluster_run_shards"), [run[0]]).fetchall()
        counts = con.execute(database.read_sql("cluster_counts")).fetchone() or ()
    return RunShards(str(run[0]), str(run[1]), run[5], shards, dict(zip(COUNTED, map(int, counts), strict=True)))


def warehouse_counts(db: Path) -> dict[str, int]:
    with database.opened(db, read_only=True) as con:
        counts = con.execute(database.read_sql("cluster_counts")).fetchone() or ()
    return dict(zip(COUNTED, map(int, counts), strict=True))
