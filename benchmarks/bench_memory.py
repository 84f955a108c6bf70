"""Peak memory and time of a run against the number of new articles: in batches (as shipped) and in one go.

Each run is a fresh `presswatch run` process (no Prefect server) on a fresh warehouse against a synthetic loopback
newsroom; the process reports its own peak RSS (extraction workers are separate processes, capped by
PRESSWATCH_EXTRACTION_MEMORY_MB). "one go" sets the batch as large as the run, which is how runs worked before.

    .venv/bin/python benchmarks/bench_memory.py [--sizes 2000 8000 32000] [--feeds 100]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from synthetic_newsroom import SyntheticNewsroom  # noqa: E402

PROBE = """
import resource, sys
from flows.interface.cli import main
code = main(["run", "--feeds", sys.argv[1], "--as-of", "2025-01-06T21:00:00+00:00"])
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "CODE", code, flush=True)
"""
GOAL_MB = 700


def measure(feeds: Path, work: Path, label: str, batch_size: int) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of one run process."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PRESSWATCH_", "PREFECT_"))}
    environment.update(
        PYTHONPATH=str(ROOT),
        PRESSWATCH_DB=str(work / f"{label}.duckdb"),
        PRESSWATCH_REPORT_DIR=str(work / "reports"),
        PRESSWATCH_PER_HOST_DELAY_S="0",
        PRESSWATCH_PER_HOST_CONCURRENCY="8",
        PRESSWATCH_BATCH_SIZE=str(batch_size),
        PRESSWATCH_MAX_NEW_PER_FEED="0",  # this measures a run against its number of new articles: no cap
        PREFECT_HOME=str(work / "prefect-home"),
    )
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", PROBE, str(feeds)], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    line = next((line for line in finished.stdout.splitlines() if line.startswith("PEAK_KB")), "")
    if not line or not line.endswith("CODE 0"):
        raise SystemExit(f"run {label} failed:\n{finished.stdout[-1500:]}\n{finished.stderr[-1500:]}")
    return int(line.split()[1]) / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000, 32000])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--batch", type=int, default=500)
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        for size in options.sizes:
            newsroom = SyntheticNewsroom(options.feeds, size)
            with newsroom.server:
                feeds = newsroom.write_feeds_file(work / f"feeds-{size}.csv")
                batched = measure(feeds, work, f"batched-{size}", options.batch)
                one_go = measure(feeds, work, f"one-go-{size}", size)
            rows.append((size, batched, one_go))
            print(f"{size} articles: batched {batched[0]:.0f} MB {batched[1]:.1f} s; "
                  f"one go {one_go[0]:.0f} MB {one_go[1]:.1f} s", flush=True)
    print(f"\n{'articles':>8} {'batched MB':>10} {'one-go MB':>10} {'batched s':>10} {'one-go s':>9}")
    for size, (batched_mb, batched_s), (one_mb, one_s) in rows:
        print(f"{size:>8} {batched_mb:>10.0f} {one_mb:>10.0f} {batched_s:>10.1f} {one_s:>9.1f}")
    by_size = {size: batched for size, batched, _ in rows}
    if 2000 in by_size and 8000 in by_size:
        print(f"8,000 vs 2,000 articles, batched: {by_size[8000][1] / by_size[2000][1]:.2f}x the time (goal <= 4.2)")
    print(f"peak RSS of the run process (batch {options.batch}); goal <= {GOAL_MB} MB at every size")


if __name__ == "__main__":
    main()
