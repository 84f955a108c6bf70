"""How fast `presswatch sql` answers: the command against bare DuckDB doing the same in a fresh interpreter.

Each measurement starts a new Python process (what an analyst's shell does), on one small warehouse file, and takes
the median of N runs, wall-clock and CPU. Rows:

- bare: `python -c` that imports duckdb, opens the file read-only and runs `select 1` (the floor);
- `presswatch sql "select 1"`: the command (argparse, settings, locked-down session, rich table);
- through flows.interface.console: the same query through the module the command used before, which imports Prefect.

    .venv/bin/python benchmarks/bench_sql.py [--runs 7]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from warehouse.database import opened  # noqa: E402

BARE = "import sys, duckdb; print(duckdb.connect(sys.argv[1], read_only=True).execute('select 1').fetchall())"
THROUGH_CONSOLE = (
    "import sys; from pathlib import Path; from flows.interface.console import run_sql; "
    "run_sql(Path(sys.argv[1]), 'select 1')"
)


def median_seconds(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU (user + system) seconds of the command; CPU is the steadier on a busy machine."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "w.duckdb"
        with opened(db):
            pass
        bare = median_seconds([sys.executable, "-c", BARE, str(db)], runs)
        presswatch_sql = [sys.executable, "-m", "flows.interface.cli", "sql", "--db", str(db), "select 1"]
        command = median_seconds(presswatch_sql, runs)
        console = median_seconds([sys.executable, "-c", THROUGH_CONSOLE, str(db)], runs)
    print(f"{'way in':<34} {'wall s':>7} {'vs bare':>8} {'CPU s':>7} {'vs bare':>8}")
    for name, (wall, cpu) in (
        ("bare duckdb (python -c)", bare),
        ('presswatch sql "select 1"', command),
        ("the same through flows.interface.console", console),
    ):
        print(f"{name:<34} {wall:>7.3f} {wall / bare[0]:>8.2f} {cpu:>7.3f} {cpu / bare[1]:>8.2f}")


if __name__ == "__main__":
    main()
