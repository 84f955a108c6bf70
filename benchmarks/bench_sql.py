"""How fast `presswatch sql` answers: the command against bare DuckDB doing the same in a fresh interpreter.

Each measurement starts a new Python process (what an analyst's shell does), on one small warehouse file, and takes
the median of N runs. Rows:

- bare: `python -c` that imports duckdb, opens the file read-only and runs `select 1` (the floor);
- `presswatch sql "select 1"`: the command (argparse, settings, locked-down session, rich table);
- through flows.console: the same query through the module the command used before, which imports Prefect.

    .venv/bin/python benchmarks/bench_sql.py [--runs 7]
"""

from __future__ import annotations

import argparse
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
    "import sys; from pathlib import Path; from flows.console import run_sql; run_sql(Path(sys.argv[1]), 'select 1')"
)


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "w.duckdb"
        with opened(db):
            pass
        bare = median_seconds([sys.executable, "-c", BARE, str(db)], runs)
        command = median_seconds([sys.executable, "-m", "flows.cli", "sql", "--db", str(db), "select 1"], runs)
        console = median_seconds([sys.executable, "-c", THROUGH_CONSOLE, str(db)], runs)
    print(f"{'way in':<40} {'median s':>9} {'vs bare':>8}")
    for name, seconds in (
        ("bare duckdb (python -c)", bare),
        ('presswatch sql "select 1"', command),
        ("the same through flows.console", console),
    ):
        print(f"{name:<40} {seconds:>9.3f} {seconds / bare:>8.2f}")


if __name__ == "__main__":
    main()
