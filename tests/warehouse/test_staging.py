"""Delta staging: a batch written twice is there once; shards racing to write the same table both land."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.staging import StagingArea


def rows(count: int, label: str) -> pl.DataFrame:
    return pl.DataFrame({"article_id": [f"{label}-{index}" for index in range(count)], "title": [label] * count})


class TestIdempotentBatches:
    def test_a_batch_staged_twice_is_staged_once(self, tmp_path: Path) -> None:
        area = StagingArea(str(tmp_path))
        area.write_batch("articles", rows(3, "first"), run_id="run-1", shard=0, batch=0)
        area.write_batch("articles", rows(2, "again"), run_id="run-1", shard=0, batch=0)

        assert sorted(area.read("articles")["article_id"].to_list()) == ["again-0", "again-1"]

    def test_replacing_a_batch_keeps_the_other_batches_and_shards(self, tmp_path: Path) -> None:
        area = StagingArea(str(tmp_path))
        area.write_batch("articles", rows(2, "zero"), run_id="run-1", shard=0, batch=0)
        area.write_batch("articles", rows(2, "one"), run_id="run-1", shard=0, batch=1)
        area.write_batch("articles", rows(2, "other"), run_id="run-1", shard=1, batch=0)
        area.write_batch("articles", rows(1, "retried"), run_id="run-1", shard=0, batch=1)

        staged = area.read("articles", {"staged_run": "run-1"})
        assert staged.group_by("shard", "batch").len().sort("shard", "batch").rows() == [(0, 0, 2), (0, 1, 1), (1, 0, 2)]
