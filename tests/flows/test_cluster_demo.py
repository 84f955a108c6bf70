"""`presswatch cluster demo` as a person runs it: a real process starting a Prefect server, process workers and an
S3-compatible endpoint on loopback, the demo newsroom in shards, and everything stopped afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from processes import PRESSWATCH, PROJECT_DIR, alive, descendants, kill_leftovers, start, wait_for

from warehouse.shard_summary import warehouse_counts

pytestmark = pytest.mark.slow

DEMO_S = 1200.0  # server, endpoint and two workers started beside CPU-bound work on 2 cores, then the run
STOP_S = 60.0


def environment(work: Path) -> dict[str, str]:
    return {"PRESSWATCH_REPORT_DIR": str(work / "reports"), "PREFECT_API_URL": ""}


def cluster_demo(work: Path, db: Path) -> tuple[int, str, set[int]]:
    """Run the demo to its end; its exit code, output, and every process it had started below it."""
    log = work / f"demo-{db.stem}-{len(list(work.glob('demo-*.log')))}.log"
    demo = start(["cluster", "demo", "--workers", "2", "--db", str(db)], environment=environment(work), log=log)
    seen: set[int] = set()

    def ended() -> bool:
        seen.update(descendants(demo.pid))
        return demo.poll() is not None

    try:
        wait_for(ended, timeout_s=DEMO_S, interval_s=1.0, what="the cluster demo to end")
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
    return int(demo.returncode), log.read_text(encoding="utf-8"), seen


def test_cluster_demo_gives_run_demo_warehouse_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    one = tmp_path / "one.duckdb"
    subprocess.run([*PRESSWATCH, "run", "--demo", "--db", str(one)], cwd=PROJECT_DIR, check=True,
                   env={**os.environ, **environment(tmp_path)}, capture_output=True)  # fmt: skip
    db = tmp_path / "cluster.duckdb"

    code, output, seen = cluster_demo(tmp_path, db)
    first = warehouse_counts(db)
    again, second_output, seen_again = cluster_demo(tmp_path, db)

    assert code == 0, output
    assert first == warehouse_counts(one)
    assert again == 0, second_output
    assert warehouse_counts(db) == first
    assert "Traceback" not in output + second_output
    assert "      0  worker-" in output and "      1  worker-" in output
    assert len(seen) >= 5, "server, S3 endpoint, two workers and their flow runs were all running"
    assert alive(seen | seen_again) == set()


def test_ctrl_c_stops_everything_the_demo_started(tmp_path: Path) -> None:
    log = tmp_path / "demo.log"
    db = tmp_path / "cluster.duckdb"
    demo = start(["cluster", "demo", "--workers", "2", "--db", str(db)], environment=environment(tmp_path), log=log)
    seen: set[int] = set()
    try:

        def running() -> bool:
            seen.update(descendants(demo.pid))
            return "running the demo newsroom" in log.read_text(encoding="utf-8")

        wait_for(running, timeout_s=DEMO_S, interval_s=1.0, what="the sharded run to start")
        seen.update(descendants(demo.pid))
        os.killpg(demo.pid, signal.SIGINT)  # what Ctrl-C at a terminal does
        wait_for(lambda: demo.poll() is not None and not alive(seen), timeout_s=STOP_S, what="every process")
    finally:
        kill_leftovers(demo, seen)
    output = log.read_text(encoding="utf-8")
    assert "Traceback" not in output
    assert "presswatch: interrupted" in output
    assert len(seen) >= 4
