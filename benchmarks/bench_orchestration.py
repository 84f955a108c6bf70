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

from loopback import LoopbackServer, Reply, Request  # noqa: E402

from flows.config import DEMO_DIR  # noqa: E402
from flows.demo import serve_newsroom  # noqa: E402
from flows.orchestration.server import free_port, local_server  # noqa: E402

AS_OF = "2025-01-06T21:00:00+00:00"
# Our own loopback server: no politeness delay, and enough parallelism that orchestration, not waiting, is measured.
ENVIRONMENT = {"PRESSWATCH_PER_HOST_DELAY_S": "0", "PRESSWATCH_PER_HOST_CONCURRENCY": "8"}
PLAIN = """
import sys
from datetime import datetime
from pathlib import Path
from flows.config import settings_from_environment
from flows.pipeline import call_directly, execute_run, new_context
context = new_context("live", datetime.fromisoformat(sys.argv[3]))
execute_run(settings_from_environment(), Path(sys.argv[1]), Path(sys.argv[2]), context, call_directly)
"""
EPHEMERAL = """
import os, sys
from datetime import datetime
from flows.orchestration.environment import QUIET_PREFECT
os.environ.update(QUIET_PREFECT)
from flows.orchestration.flow import monitor
monitor(feeds_file=sys.argv[1], db_file=sys.argv[2], as_of=datetime.fromisoformat(sys.argv[3]))
"""


def demo_pages() -> list[bytes]:
    """The demo newsroom's article pages, used as the synthetic newsroom's bodies."""
    return [path.read_bytes() for path in sorted((DEMO_DIR / "site").rglob("*.html"))]


class SyntheticNewsroom:
    """`feeds` RSS feeds of `per_feed` items each; item pages are demo pages with a unique paragraph added."""

    def __init__(self, feeds: int, articles: int) -> None:
        self.feeds = feeds
        self.per_feed = max(1, articles // feeds)
        self.pages = demo_pages()
        self.server = LoopbackServer(fallback=self.answer)

    def answer(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        base = self.server.url("").rstrip("/")
        if parts[0] == "feed":
            feed = int(parts[1].removesuffix(".xml"))
            items = "".join(
                f"<item><title>Story {feed}-{i}</title><link>{base}/a/{feed}/{i}.html</link>"
                f"<guid>{base}/a/{feed}/{i}.html</guid><pubDate>Mon, 06 Jan 2025 {i % 20:02d}:00:00 +0000</pubDate>"
                f"<description>Story {feed}-{i}</description></item>"
                for i in range(self.per_feed)
            )
            body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed {feed}</title>{items}</channel></rss>"
            return Reply(body=body.encode(), content_type="application/rss+xml")
        if parts[0] == "a":
            feed, item = int(parts[1]), int(parts[2].removesuffix(".html"))
            page = self.pages[(feed * self.per_feed + item) % len(self.pages)]
            page = page.replace(b"__NEWSROOM__", base.encode())
            unique = f"<p>Bulletin {feed}-{item}: council officers confirmed the figures on Monday.</p></article>"
            return Reply(body=page.replace(b"</article>", unique.encode(), 1))
        if parts[0] == "robots.txt":
            return Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
        return Reply(status=404, body=b"not found")

    def write_feeds_file(self, path: Path) -> Path:
        rows = ["source_id,name,feed_url,respect_robots"] + [
            f"feed-{k},Feed {k},{self.server.url(f'/feed/{k}.xml')},true" for k in range(self.feeds)
        ]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        return path


def command(mode: str, feeds: Path, db: Path) -> list[str]:
    if mode == "plain":
        return [sys.executable, "-c", PLAIN, str(feeds), str(db), AS_OF]
    if mode == "ephemeral":
        return [sys.executable, "-c", EPHEMERAL, str(feeds), str(db), AS_OF]
    return [sys.executable, "-m", "flows.cli", "run", "--feeds", str(feeds), "--db", str(db), "--as-of", AS_OF]


def timed_process(mode: str, feeds: Path, work: Path, index: int, api_url: str | None) -> float:
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


def measure(label: str, feeds: Path, work: Path, repeat: int, api_url: str) -> list[tuple[str, str, float]]:
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
        with local_server(work, port=free_port(), notice=lambda message: None) as server:
            startup = time.perf_counter() - started
            with serve_newsroom(DEMO_DIR, work) as demo:
                rows += measure("demo newsroom", demo.feeds_file, work, options.repeat, server.api_url)
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
