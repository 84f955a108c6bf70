"""How fast commands that do not orchestrate answer: each as a fresh process, against a bare interpreter's start.

    .venv/bin/python benchmarks/bench_commands.py [--runs 5]

`presswatch sql "select 1"` is also compared with the same query through bare DuckDB in a fresh process, and the
report with writing it from an empty warehouse (its cost is the report itself, not the command's start).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse import database  # noqa: E402

BARE_DUCKDB = "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True).sql('select 1').fetchall()"
COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "bare duckdb select 1": [sys.executable, "-c", BARE_DUCKDB],
    "presswatch --version": ["--version"],
    "presswatch --help": ["--help"],
    "presswatch config": ["config"],
    'presswatch sql "select 1"': ["sql", "select 1"],
    "presswatch alerts test": ["alerts", "test"],
    "presswatch alerts preview": ["alerts", "preview"],
    "presswatch report": ["report"],
    "presswatch check": ["check"],
    "presswatch feeds export": ["feeds", "export"],
}  # fmt: skip


def wall_seconds(command: list[str], db: Path, work: Path) -> float:
    if command[0] != sys.executable:
        command = [sys.executable, "-m", "flows.interface.cli", *command]
    elif command[-1] == BARE_DUCKDB:
        command = [*command, str(db)]
    environment = {**os.environ, "PRESSWATCH_DB": str(db), "PRESSWATCH_REPORT_DIR": str(work), "PYTHONPATH": str(ROOT)}
    environment.pop("PRESSWATCH_ALERT_URLS", None)
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        db = work / "w.duckdb"
        with database.opened(db):
            pass
        medians: dict[str, list[float]] = {}
        for _ in range(options.runs):  # interleaved, so drifting load hits every command alike
            for label, command in COMMANDS.items():
                medians.setdefault(label, []).append(wall_seconds(command, db, work))
    baseline = statistics.median(medians["python -c pass (baseline)"])
    print(f"{'command':<30} {'median s':>9} {'minus bare start':>17}")
    for label, values in medians.items():
        value = statistics.median(values)
        print(f"{label:<30} {value:>9.3f} {value - baseline:>17.3f}")
    print(f"median of {options.runs} fresh processes each, empty warehouse; goal: every command under 1 s idle")


if __name__ == "__main__":
    main()
