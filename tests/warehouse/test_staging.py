"""Delta staging: a batch written twice is there once; shards racing to write the same table both land."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
from s3_endpoint import KEY_ID, SECRET, s3_bucket

from warehouse.staging import StagingArea

PROJECT_DIR = Path(__file__).resolve().parents[2]
WRITER = PROJECT_DIR / "tests" / "support" / "staging_writer.py"


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
        counts = staged.group_by("shard", "batch").len().sort("shard", "batch").rows()
        assert counts == [(0, 0, 2), (0, 1, 1), (1, 0, 2)]


def race(tmp_path: Path, uri: str, options: dict[str, str]) -> StagingArea:
    """Two shard writers in two processes, released at the same instant, each staging four batches of one table."""
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), uri, str(shard), "4", "3", str(go), json.dumps(options)],
            cwd=PROJECT_DIR,
            env={**os.environ, "PYTHONPATH": str(PROJECT_DIR)},
        )
        for shard in (0, 1)
    ]
    time.sleep(1.0)  # both have imported deltalake and wait for the go file
    go.touch()
    assert [writer.wait(timeout=300) for writer in writers] == [0, 0]
    return StagingArea(uri, options)


class TestRacingShards:
    def test_two_shards_racing_on_local_disk_both_land(self, tmp_path: Path) -> None:
        area = race(tmp_path, str(tmp_path / "staging"), {})

        staged = area.read("articles", {"staged_run": "race"})
        assert staged.height == 2 * 4 * 3 and staged["article_id"].n_unique() == 24

    def test_two_shards_racing_on_an_s3_endpoint_both_land(self, tmp_path: Path) -> None:
        with s3_bucket() as endpoint:
            options = {
                "AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": "true", "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET, "conditional_put": "etag",
            }  # fmt: skip
            area = race(tmp_path, "s3://staging/presswatch", options)
            staged = area.read("articles", {"staged_run": "race"})

        assert staged.height == 2 * 4 * 3 and staged["article_id"].n_unique() == 24
