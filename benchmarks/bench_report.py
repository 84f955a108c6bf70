"""The report stage's cost as a run pays it: a fresh process imports the report, reads the warehouse, builds the
specs and writes the page. Median of 5 fresh processes each, on a week of fourteen people (tests/support's crowd
warehouse, 307 articles).

Baseline measured in the same run: the Vega bundle built by vl-convert in every process (what every run did before
the bundle was kept on disk) against the bundle read from the disk cache. Each process also reports where its time
went: imports, warehouse queries, spec building, bundle, HTML.

    .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from report_crowd import build_crowd_warehouse  # noqa: E402

RUNS = 5
# One report stage in a fresh interpreter, timed phase by phase; prints the phases as JSON.
STAGE = """
import json, sys, time
from datetime import UTC, datetime
from pathlib import Path
started = time.perf_counter()
from flows import report
from transforms import report_page
imported = time.perf_counter()
options = report.ReportOptions(out=Path(sys.argv[2]), cache_dir=Path(sys.argv[3]))
data = report.read_report_data(Path(sys.argv[1]), options)
queried = time.perf_counter()
page = report.build_page(data, options, generated_at=datetime.now(UTC))
built = time.perf_counter()
bundle = report.vega_bundle(options.cache_dir)
bundled = time.perf_counter()
options.out.write_text(report_page.page_html(page, bundle), encoding="utf-8")
written = time.perf_counter()
print(json.dumps({"imports": imported - started, "queries": queried - imported, "specs": built - queried,
                  "bundle": bundled - built, "html": written - bundled, "total": written - started}))
"""


def stage(db: Path, out: Path, cache: Path) -> dict[str, float]:
    finished = subprocess.run(
        [sys.executable, "-c", STAGE, str(db), str(out), str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    phases: dict[str, float] = json.loads(finished.stdout.strip().splitlines()[-1])
    return phases


def median_phases(samples: list[dict[str, float]]) -> dict[str, float]:
    return {phase: statistics.median(sample[phase] for sample in samples) for phase in samples[0]}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = build_crowd_warehouse(work / "crowd.duckdb")
        cache = work / "cache"
        cold: list[dict[str, float]] = []
        warm: list[dict[str, float]] = []
        for _ in range(RUNS):  # interleaved, so machine load falls on both alike
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(stage(db, work / "cold.html", cache))
            warm.append(stage(db, work / "warm.html", cache))
        size = (work / "warm.html").stat().st_size
    for label, samples in (("bundle built in the process (before)", cold), ("bundle from the disk cache", warm)):
        phases = median_phases(samples)
        detail = ", ".join(f"{phase} {seconds:.2f}" for phase, seconds in phases.items() if phase != "total")
        print(f"{label:38s} {phases['total']:6.2f} s   ({detail})")
    ratio = median_phases(cold)["total"] / median_phases(warm)["total"]
    print(f"report stage: {ratio:.1f}x faster with the bundle cached; page {size / 1e6:.2f} MB, median of {RUNS}")


if __name__ == "__main__":
    main()
