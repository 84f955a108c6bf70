"""Peak memory of one heavy `presswatch sql` query in its own process, under the session's memory cap and without one.

    .venv/bin/python benchmarks/bench_sql_memory.py [--values 30000000] [--cap-mb 300]

Peak resident memory is the kernel's account of that one child (`os.wait4`); "bare DuckDB" runs the same query with
DuckDB's default limit (80 % of RAM), which is what `presswatch sql` used before it had a cap.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from warehouse.database import opened  # noqa: E402

TIGHT = {"PRESSWATCH_SQL_MEMORY_MB": "100", "PRESSWATCH_SQL_SPILL_MB": "50"}
BARE = "import sys, duckdb; print(duckdb.connect(sys.argv[1], read_only=True).execute(sys.argv[2]).fetchall())"


def peak(command: list[str], environment: dict[str, str]) -> tuple[int, int, str]:
    """Exit code, peak resident memory in MB and the first line of errors of the command."""
    child = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **environment}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    errors = child.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss // 1024, (errors.splitlines() or [""])[0][:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=30_000_000)  # the issue used 120,000,000: 4.6 GB bare
    parser.add_argument("--cap-mb", type=int, default=300)
    options = parser.parse_args()
    query = f"select count(distinct x) from range({options.values}) t(x)"
    with tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "w.duckdb"
        with opened(db):
            pass
        sql = [sys.executable, "-m", "flows.interface.cli", "sql", "--db", str(db), query]
        for name, command, environment in (
            ("bare DuckDB, default limit", [sys.executable, "-c", BARE, str(db), query], {}),
            ("presswatch sql, default cap", sql, {}),
            (f"presswatch sql, {options.cap_mb} MB cap", sql, {"PRESSWATCH_SQL_MEMORY_MB": str(options.cap_mb)}),
            ("presswatch sql, 100 MB cap, 50 MB spill", sql, TIGHT),
        ):
            code, peak_mb, error = peak(command, environment)
            print(f"{name}: exit {code}, peak {peak_mb:,} MB" + (f" ({error})" if error else ""))


if __name__ == "__main__":
    main()
