"""The sharded path's fixed cost per run, against the one-machine run, on the bundled demo newsroom.

Each round, on fresh warehouses: `presswatch run --demo` (the baseline: one process, no server), then
`presswatch cluster demo --workers 2` (a Prefect server, two process workers and an S3 endpoint on loopback, the
demo in two shards). The cluster demo reports its own start-up and the sharded run's wall time (plan, shard flow
runs queued, picked up and run, finalise); the run's overhead is that time minus the one-machine run's.
Goal (issue 26): overhead under 30 s on one machine, so the sharded path is only used where it pays.

    .venv/bin/python benchmarks/bench_cluster.py [--rounds 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRESSWATCH = [sys.executable, "-m", "flows.interface.cli"]
TIMINGS = re.compile(r"Timings: cluster start-up ([\d.]+) s, sharded run ([\d.]+) s")
GOAL_S = 30.0


def environment(work: Path) -> dict[str, str]:
    base = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_API_URL", "PRESSWATCH_"))}
    return {**base, "PRESSWATCH_REPORT_DIR": str(work / "reports"), "PYTHONPATH": str(ROOT)}


def one_machine(work: Path) -> float:
    started = time.perf_counter()
    subprocess.run([*PRESSWATCH, "run", "--demo", "--db", str(work / "one.duckdb")], cwd=ROOT, env=environment(work),
                   check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def cluster(work: Path, workers: int) -> tuple[float, float, float]:
    """Whole command wall seconds, its start-up, and the sharded run's own seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [*PRESSWATCH, "cluster", "demo", "--workers", str(workers), "--db", str(work / "cluster.duckdb")],
        cwd=ROOT, env=environment(work), capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    found = TIMINGS.search(done.stdout)
    if done.returncode != 0 or not found:
        sys.exit(f"cluster demo failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-400:]}")
    return wall, float(found.group(1)), float(found.group(2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    baseline: list[float] = []
    runs: list[float] = []
    startups: list[float] = []
    walls: list[float] = []
    for _ in range(arguments.rounds):
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
            work = Path(folder)
            baseline.append(one_machine(work))
            wall, startup, run = cluster(work, arguments.workers)
            walls.append(wall)
            startups.append(startup)
            runs.append(run)
        # Each round too: on a shared machine one round moves by more than a change does.
        print(f"  round {len(runs)}: one-machine {baseline[-1]:.1f} s, sharded run {run:.1f} s, "
              f"fixed cost {run - baseline[-1]:.1f} s, start-up {startup:.1f} s", flush=True)  # fmt: skip
    one = statistics.median(baseline)
    sharded = statistics.median(runs)
    overhead = sharded - one
    print(f"demo newsroom, {arguments.workers} workers/shards, {arguments.rounds} round(s), medians:")
    print(f"  one-machine run (presswatch run --demo, whole process)  {one:7.1f} s   1.00x")
    print(f"  sharded run (plan, shard flow runs, finalise)           {sharded:7.1f} s   {sharded / one:.2f}x")
    print(f"  sharded path's fixed cost per run                       {overhead:7.1f} s   "
          f"goal < {GOAL_S:.0f} s: {'met' if overhead < GOAL_S else 'NOT met'}")  # fmt: skip
    print(f"  cluster start-up (server, S3 endpoint, workers; once)   {statistics.median(startups):7.1f} s")
    print(f"  whole cluster demo command                              {statistics.median(walls):7.1f} s   "
          f"{statistics.median(walls) / one:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
