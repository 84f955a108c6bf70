"""Orchestration overhead of a one-off run, as a person pays it: whole processes, start-up and any server included.

Each measurement is a fresh Python process on a fresh warehouse, timed from outside, doing the same work:
- plain:     the pipeline's stages called as plain functions (`execute_run` with `call_directly`): the baseline;
- run:       `presswatch run` as shipped, with no Prefect server up (the plain runner, lock, run record, retries);
- server:    `presswatch run` while a persistent Prefect server answers (the run is recorded in its UI);
- ephemeral: the flow against a throwaway Prefect server started for the run (the first build's `presswatch run`).
Two newsrooms: the bundled demo and a synthetic loopback newsroom of N articles built from the demo's pages.

    .venv/bin/python benchmarks/bench_orchestration.py [--articles 2000] [--feeds 100] [--repeat 2]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from synthetic_newsroom import SyntheticNewsroom  # noqa: E402

from flows.orchestration.server import free_port, local_server  # noqa: E402

AS_OF = "2025-01-06T21:00:00+00:00"
# Our own loopback server: no politeness delay, and enough parallelism that orchestration, not waiting, is measured.
ENVIRONMENT = {"PRESSWATCH_PER_HOST_DELAY_S": "0", "PRESSWATCH_PER_HOST_CONCURRENCY": "8"}
# Each script takes FEEDS (a feeds file, or "demo": serve the demo newsroom in this process, as `run --demo` does),
# the warehouse, and the clock.
NEWSROOM = """
import contextlib, sys
from datetime import datetime
from pathlib import Path
from flows.config import DEMO_DIR, settings_from_environment
from flows.adapters.demo import serve_newsroom
from flows.pipeline import settings_for_run
demo = sys.argv[1] == "demo"
served = serve_newsroom(DEMO_DIR, Path(sys.argv[2]).parent) if demo else contextlib.nullcontext(None)
as_of = datetime.fromisoformat(sys.argv[3])
"""
PLAIN = NEWSROOM + """
from flows.pipeline import call_directly, execute_run, new_context
with served as newsroom:
    feeds = newsroom.feeds_file if demo else Path(sys.argv[1])
    settings = settings_for_run(settings_from_environment(), demo=demo, connect_to=newsroom.connect_to if demo else ())
    execute_run(settings, feeds, Path(sys.argv[2]), new_context("live", as_of), call_directly)
"""
EPHEMERAL = NEWSROOM + """
import os
from flows.orchestration.environment import QUIET_PREFECT
os.environ.update(QUIET_PREFECT)
from flows.orchestration.flow import monitor
with served as newsroom:
    feeds = str(newsroom.feeds_file if demo else sys.argv[1])
    connect_to = [list(pair) for pair in newsroom.connect_to] if demo else None
    monitor(feeds_file=feeds, db_file=sys.argv[2], as_of=as_of, demo=demo, connect_to=connect_to)
"""


def command(mode: str, feeds: Path | None, db: Path) -> list[str]:
    """The process for one mode; `feeds` None means the demo newsroom, served by that process itself."""
    if mode in ("plain", "ephemeral"):
        return [sys.executable, "-c", PLAIN if mode == "plain" else EPHEMERAL, str(feeds or "demo"), str(db), AS_OF]
    source = ["--feeds", str(feeds)] if feeds else ["--demo"]
    return [sys.executable, "-m", "flows.interface.cli", "run", *source, "--db", str(db), "--as-of", AS_OF]


def timed_process(mode: str, feeds: Path | None, work: Path, index: int, api_url: str | None) -> float:
    """Wall seconds of one whole process doing one run on a fresh warehouse. A failed run stops the benchmark,
    except the throwaway server's, whose failures on a busy machine are what this benchmark documents (nan)."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_API_URL", "PRESSWATCH_"))
    }
    environment.update(ENVIRONMENT, PRESSWATCH_REPORT_DIR=str(work / "reports"), PYTHONPATH=str(ROOT))
    environment["PREFECT_HOME"] = str(work / "prefect-home")
    if mode == "server" and api_url:
        environment["PREFECT_API_URL"] = api_url
    db = work / f"{mode}-{index}.duckdb"
    started = time.perf_counter()
    finished = subprocess.run(command(mode, feeds, db), cwd=ROOT, env=environment, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if finished.returncode != 0 and mode == "ephemeral":
        last = (finished.stderr.strip().splitlines() or ["?"])[-1]
        print(f"ephemeral run {index} failed after {elapsed:.1f} s: {last}", flush=True)
        return float("nan")
    if finished.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{finished.stdout[-2000:]}\n{finished.stderr[-2000:]}")
    return elapsed


def measure(label: str, feeds: Path | None, work: Path, repeat: int, api_url: str) -> list[tuple[str, str, float]]:
    """Best of `repeat` per mode, the modes interleaved so drifting load hits each alike."""
    timings: dict[str, list[float]] = {mode: [] for mode in ("plain", "run", "server", "ephemeral")}
    for index in range(repeat):
        for mode in timings:
            timings[mode].append(timed_process(mode, feeds, work, index, api_url))
    rows = []
    for mode, values in timings.items():
        finished = [value for value in values if not math.isnan(value)]
        rows.append((label, mode, min(finished) if finished else float("nan")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        started = time.perf_counter()
        # The server keeps its state (and server.json) away from the warehouses: a `run` finds serve's server through
        # `<warehouse folder>/prefect/server.json`, and the `run` mode must measure a run with no server to find.
        with local_server(work / "orchestrator", port=free_port(), notice=lambda message: None) as server:
            startup = time.perf_counter() - started
            rows += measure("demo newsroom", None, work, options.repeat, server.api_url)
            synthetic = SyntheticNewsroom(options.feeds, options.articles)
            with synthetic.server:
                feeds = synthetic.write_feeds_file(work / "f.csv")
                rows += measure(f"synthetic {options.articles}", feeds, work, options.repeat, server.api_url)
    print(f"persistent Prefect server start-up (paid once by `presswatch serve`): {startup:.1f} s")
    print(f"{'newsroom':<16} {'mode':<10} {'wall s':>7} {'vs plain':>9} {'overhead s':>10}")
    baseline = {label: seconds for label, mode, seconds in rows if mode == "plain"}
    for label, mode, seconds in rows:
        ratio, extra = seconds / baseline[label], seconds - baseline[label]
        print(f"{label:<16} {mode:<10} {seconds:>7.2f} {ratio:>9.3f} {extra:>10.2f}")
    print(f"best of {options.repeat} whole processes per mode, fresh warehouse each; "
          "goals for `run`: overhead <= 1 s, ratio <= 1.10")


if __name__ == "__main__":
    main()
