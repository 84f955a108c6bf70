"""The shard contract's pieces: the plan as a Prefect parameter, where staging goes, a shard that fails."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from s3_endpoint import KEY_ID, SECRET, s3_bucket

from flows.config import Settings, StagingSettings, describe_settings
from flows.finalise import finalise
from flows.shards import STATUS_TABLE, ShardPlan, Staging, plan_run, run_shard, shard_staging


def test_a_plan_survives_json() -> None:
    plan = ShardPlan(
        run_id="20261207T210000-abc123", shards=3, hosts_by_shard={0: ["a.example"], 1: [], 2: ["b.example"]},
        started_at="2026-12-07T21:00:00+00:00", as_of="2026-12-07T21:00:00+00:00", mode="live",
        first_hosts=["b.example"],
    )  # fmt: skip

    assert ShardPlan.from_json(plan.to_json()) == plan


def test_staging_defaults_to_a_folder_beside_the_warehouse(tmp_path: Path) -> None:
    staging = Staging.from_settings(Settings(db=tmp_path / "w.duckdb"))

    assert staging == Staging(str((tmp_path / "staging").resolve()), {})


def test_staging_on_an_s3_endpoint_from_the_settings(tmp_path: Path) -> None:
    with s3_bucket("presswatch") as endpoint:
        settings = Settings(
            db=tmp_path / "w.duckdb",
            staging=StagingSettings(uri="s3://presswatch/staging", endpoint_url=endpoint, key_id=KEY_ID,
                                    secret_key=SECRET),
        )  # fmt: skip
        area = Staging.from_settings(settings).area()
        area.write_batch("articles", pl.DataFrame({"article_id": ["a", "b"]}), run_id="r", shard=1, batch=0)
        staged = area.read("articles", {"staged_run": "r", "shard": 1})

    assert staged["article_id"].to_list() == ["a", "b"]
    shown = {name: value for name, value, _ in describe_settings(settings, {})}
    assert shown["PRESSWATCH_STAGING_SECRET_KEY"] == "<hidden>" and SECRET not in " ".join(shown.values())


def failed_shard(tmp_path: Path) -> tuple[Settings, Path, Path, Staging, ShardPlan]:
    """A one-shard run whose shard failed on worker-a (its feeds file is gone there), not yet finalised."""
    db = tmp_path / "w.duckdb"
    feeds = tmp_path / "feeds.csv"
    feeds.write_text("source_id,name,feed_url\nlocal,Local,http://127.0.0.1:9/feed.xml\n", encoding="utf-8")
    settings = Settings(db=db, report_dir=tmp_path / "reports")
    staging = Staging.from_settings(settings)
    plan = plan_run(settings, feeds, db, 1, staging)
    with pytest.raises(Exception, match=r"missing\.csv"):
        run_shard(settings, tmp_path / "missing.csv", staging, plan, 0, "worker-a", 0)
    return settings, feeds, db, staging, plan


def test_a_failing_shard_is_recorded_failed_and_the_run_partial(tmp_path: Path) -> None:
    """The shard's feeds file is gone on its worker: the shard stages a `failed` status and raises; the
    finaliser records the shard `failed` and the run `partial`."""
    settings, feeds, db, staging, plan = failed_shard(tmp_path)

    finalise(settings, feeds, db, staging, plan)

    with duckdb.connect(str(db), read_only=True) as con:
        shard = con.execute("select status, worker, error from shard_runs").fetchall()
        run = con.execute("select status from runs").fetchall()
    assert shard[0][:2] == ("failed", "worker-a") and "missing.csv" in shard[0][2]
    assert run == [("partial",)]


def test_a_failed_shards_status_leaves_the_staging_once_recorded(tmp_path: Path) -> None:
    """Once the finaliser has recorded the failed shard, its status row is gone from staging: a later finalise
    reads nothing of it, and the shard stays recorded `failed`."""
    settings, feeds, db, staging, plan = failed_shard(tmp_path)

    finalise(settings, feeds, db, staging, plan)
    left = staging.area().read(STATUS_TABLE).height
    finalise(settings, feeds, db, staging, plan)

    assert left == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select status, worker from shard_runs").fetchall() == [("failed", "worker-a")]


def test_shards_without_hosts_need_no_worker(tmp_path: Path) -> None:
    """Three shards for one host: the two empty shards are never run, yet the run completes."""
    db = tmp_path / "w.duckdb"
    feeds = tmp_path / "feeds.csv"
    feeds.write_text("source_id,name,feed_url\nlocal,Local,http://127.0.0.1:9/feed.xml\n", encoding="utf-8")
    settings = Settings(db=db, report_dir=tmp_path / "reports").with_values(**{"runs.task_retries": 0})
    staging = Staging.from_settings(settings)
    plan = plan_run(settings, feeds, db, 3, staging)
    busy = [shard for shard, hosts in plan.hosts_by_shard.items() if hosts]

    run_shard(settings, feeds, staging, plan, busy[0], "worker-a", 0)
    summary = finalise(settings, feeds, db, staging, plan)

    with duckdb.connect(str(db), read_only=True) as con:
        statuses = con.execute("select status from shard_runs order by shard").fetchall()
        run = con.execute("select status from runs").fetchall()
    assert busy == [0] and statuses == [("completed",)] * 3 and run == [("completed",)]
    assert summary.feeds == {"local": "connect-error"}


def test_a_shard_stages_where_its_plan_says_whatever_its_machine_defaults_to(tmp_path: Path) -> None:
    """A worker machine with no staging setting of its own (its default folder sits beside its own PRESSWATCH_DB)
    stages where the parent planned, so the finaliser finds the shard: completed, not missing."""
    db = tmp_path / "warehouse-machine" / "w.duckdb"
    feeds = tmp_path / "feeds.csv"
    feeds.write_text("source_id,name,feed_url\nlocal,Local,http://127.0.0.1:9/feed.xml\n", encoding="utf-8")
    settings = Settings(db=db, report_dir=tmp_path / "reports").with_values(**{"runs.task_retries": 0})
    staging = Staging.from_settings(settings)
    plan = plan_run(settings, feeds, db, 1, staging)
    worker_machine = Settings(db=tmp_path / "worker-machine" / "w.duckdb").with_values(**{"runs.task_retries": 0})

    run_shard(worker_machine, feeds, shard_staging(worker_machine, plan), plan, 0, "worker-b", 0)
    finalise(settings, feeds, db, staging, plan)

    with duckdb.connect(str(db), read_only=True) as con:
        shard = con.execute("select status, worker from shard_runs").fetchall()
        run = con.execute("select status from runs").fetchall()
    assert shard == [("completed", "worker-b")] and run == [("completed",)]
