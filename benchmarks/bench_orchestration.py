"""Orchestration overhead: the same pipeline run as the Prefect flow and as plain stage calls, in one process.

Two newsrooms: the bundled demo (46 articles) and a synthetic loopback newsroom of N articles built from the demo's
pages. Each mode gets a fresh warehouse file, so both do the same work; the ratio flow / plain is the overhead.

    .venv/bin/python benchmarks/bench_orchestration.py [--articles 2000] [--feeds 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from loopback import LoopbackServer, Reply, Request  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from flows.config import DEMO_DIR, settings_from_environment  # noqa: E402
from flows.demo import serve_newsroom  # noqa: E402
from flows.pipeline import call_directly, execute_run, monitor, new_context  # noqa: E402
from flows.runner import in_process_run_settings  # noqa: E402

# Our own loopback server: no politeness delay, and enough parallelism that orchestration, not waiting, is measured.
OVERRIDES = {"per_host_delay_s": 0.0, "per_host_concurrency": 8}
AS_OF_TEXT = "2025-01-06T21:00:00+00:00"


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


def plain(feeds: Path, db: Path) -> int:
    settings = replace(settings_from_environment(), **OVERRIDES)  # type: ignore[arg-type]
    context = new_context("live", None)
    summary = execute_run(settings, feeds, db, context, call_directly)
    return summary.articles_new


def orchestrated(feeds: Path, db: Path) -> int:
    """The flow as `presswatch run` starts it (same settings: heartbeats off against a temporary API)."""
    with in_process_run_settings():
        summary = monitor(feeds_file=str(feeds), db_file=str(db), mode="live", settings_overrides=OVERRIDES)
    return summary.articles_new


def measure(label: str, feeds: Path, work: Path) -> tuple[str, int, float, float]:
    """Time both modes on fresh warehouses; plain first, then the flow, then plain again to damp warm-up bias."""
    timings: dict[str, list[float]] = {"plain": [], "flow": []}
    articles = 0
    runners: list[tuple[str, Callable[[Path, Path], int]]] = [
        ("plain", plain),
        ("flow", orchestrated),
        ("plain", plain),
        ("flow", orchestrated),
    ]
    for index, (mode, runner) in enumerate(runners):
        db = work / f"{label}-{mode}-{index}.duckdb"
        started = time.perf_counter()
        articles = runner(feeds, db)
        timings[mode].append(time.perf_counter() - started)
    return label, articles, min(timings["plain"]), min(timings["flow"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=100)
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as temp, prefect_test_harness(server_startup_timeout=120):
        work = Path(temp)
        with serve_newsroom(DEMO_DIR, work) as demo:
            rows.append(measure("demo newsroom", demo.feeds_file, work))
        synthetic = SyntheticNewsroom(options.feeds, options.articles)
        with synthetic.server:
            rows.append(measure(f"synthetic {options.articles}", synthetic.write_feeds_file(work / "f.csv"), work))
    print(f"{'newsroom':<20} {'articles':>8} {'plain s':>8} {'flow s':>8} {'flow/plain':>10}")
    for label, articles, plain_s, flow_s in rows:
        print(f"{label:<20} {articles:>8} {plain_s:>8.2f} {flow_s:>8.2f} {flow_s / plain_s:>10.3f}")
    print("best of 2 runs per mode, fresh warehouse each; target flow/plain <= 1.15")


if __name__ == "__main__":
    main()
