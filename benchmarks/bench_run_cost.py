"""What a whole run costs per article against extraction alone: CPU seconds, stage by stage, on real pages.

The 181 real pages of ../shared/corpora/article-extraction-benchmark are served on loopback, each under 11 URLs
with one distinct paragraph (1,991 articles, 11 feeds of 181 items). One `presswatch run` (a fresh process, no
Prefect server, one extraction worker, politeness off, no per-feed cap) reads them into an empty warehouse. Its
CPU is the kernel's account of that process and its extraction worker (`getrusage` of children); each stage's CPU
is that process's CPU inside the stage, the worker's whole CPU is counted under extraction. The baseline is a bare
`trafilatura.extract` loop over the same 1,991 pages in one fresh process (import not counted), measured before and
after the run and averaged, since other tenants of the machine come and go. Prints a table; asserts nothing.

    .venv/bin/python benchmarks/bench_run_cost.py [--copies 11] [--rounds 1] [--pages N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from loopback import LoopbackServer, Reply, Request  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark"
AS_OF = "2025-01-06T21:00:00+00:00"
GOAL = 1.25
STAGES = ("feeds", "pages", "extract", "detect", "load", "watchlist", "alerts", "report", "publish")
# The run process: each timed stage's CPU (threads included) beside its wall seconds; the extraction worker's CPU
# is known once the pool has waited for it, at the end.
RUN_PROBE = """
import json, resource, sys, time
from flows import pipeline
from flows.interface.cli import main
cpu = {}
measured = pipeline.timed
def timed(summary, stage, function, *args, **kwargs):
    started = time.process_time()
    try:
        return measured(summary, stage, function, *args, **kwargs)
    finally:
        cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - started
pipeline.timed = timed
code = main(["run", "--feeds", sys.argv[1], "--as-of", sys.argv[2]])
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
print("RUNCOST", json.dumps({"code": code, "stages": cpu, "workers": workers.ru_utime + workers.ru_stime}), flush=True)
"""
# The baseline: the same pages through trafilatura.extract, one after another, in one process.
BARE_PROBE = """
import json, sys, time
import trafilatura
pages = json.loads(open(sys.argv[1]).read())
started = time.process_time()
for html in pages:
    trafilatura.extract(html)
print("BARE", time.process_time() - started, flush=True)
"""


def corpus_pages(limit: int | None) -> list[tuple[str, str]]:
    truth = json.loads((CORPUS / "ground-truth.json").read_text())
    keys = sorted(truth)[:limit]
    return [(key, gzip.decompress((CORPUS / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace"))
            for key in keys]


def varied(html: str, key: str, copy: int) -> str:
    """The page with one paragraph of its own after its first one, so every copy is a distinct article."""
    unique = f"<p>Bulletin {key} copy {copy}: council officers confirmed the figures on Monday evening.</p>"
    if "</p>" in html:
        return html.replace("</p>", "</p>" + unique, 1)
    return html.replace("</body>", unique + "</body>", 1)


class Newsroom:
    """`copies` RSS feeds, one per copy, each listing every page once."""

    def __init__(self, pages: list[tuple[str, str]], copies: int) -> None:
        self.pages, self.copies = pages, copies
        self.bodies = {(number, copy): varied(html, key, copy).encode()
                       for number, (key, html) in enumerate(pages) for copy in range(copies)}
        self.server = LoopbackServer(fallback=self.answer)

    def answer(self, request: Request) -> Reply:
        parts = request.path.strip("/").split("/")
        base = self.server.url("").rstrip("/")
        if parts[0] == "feed":
            copy = int(parts[1].removesuffix(".xml"))
            items = "".join(
                f"<item><title>Page {number} copy {copy}</title><link>{base}/a/{copy}/{number}.html</link>"
                f"<pubDate>Mon, 06 Jan 2025 {number % 20:02d}:{copy:02d}:00 +0000</pubDate></item>"
                for number in range(len(self.pages))
            )
            body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Copy {copy}</title>{items}</channel></rss>"
            return Reply(body=body.encode(), content_type="application/rss+xml")
        if parts[0] == "a":
            return Reply(body=self.bodies[(int(parts[2].removesuffix(".html")), int(parts[1]))])
        if parts[0] == "robots.txt":
            return Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
        return Reply(status=404, body=b"not found")

    def write_feeds_file(self, path: Path) -> Path:
        rows = ["source_id,name,feed_url,respect_robots"] + [
            f"copy-{copy},Copy {copy},{self.server.url(f'/feed/{copy}.xml')},true" for copy in range(self.copies)
        ]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        return path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare(pages_file: Path) -> float:
    """CPU seconds of the bare extract loop over every served page, in a fresh process."""
    finished = subprocess.run([sys.executable, "-c", BARE_PROBE, str(pages_file)], capture_output=True, text=True,
                              check=True)
    return float(next(line for line in finished.stdout.splitlines() if line.startswith("BARE")).split()[1])


def whole_run(feeds: Path, work: Path, label: str) -> dict[str, float]:
    """CPU seconds of one `presswatch run` process and its worker: stage by stage, the worker, and in all."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PRESSWATCH_", "PREFECT_"))}
    environment.update(
        PYTHONPATH=str(ROOT),
        PRESSWATCH_DB=str(work / f"{label}.duckdb"),
        PRESSWATCH_REPORT_DIR=str(work / f"reports-{label}"),
        PRESSWATCH_PER_HOST_DELAY_S="0",
        PRESSWATCH_FEED_PER_HOST_DELAY_S="0",
        PRESSWATCH_PER_HOST_CONCURRENCY="8",
        PRESSWATCH_WORKERS="1",
        PRESSWATCH_MAX_NEW_PER_FEED="0",
        PRESSWATCH_RUN_DEADLINE_S="0",
        PREFECT_HOME=str(work / "prefect-home"),
    )
    before = children_cpu()
    finished = subprocess.run([sys.executable, "-c", RUN_PROBE, str(feeds), AS_OF], cwd=ROOT, env=environment,
                              capture_output=True, text=True)
    total = children_cpu() - before
    line = next((line for line in finished.stdout.splitlines() if line.startswith("RUNCOST")), "")
    if not line:
        raise SystemExit(f"run {label} failed:\n{finished.stdout[-1500:]}\n{finished.stderr[-1500:]}")
    measured = json.loads(line.split(" ", 1)[1])
    if measured["code"] != 0:
        raise SystemExit(f"run {label} exited {measured['code']}:\n{finished.stdout[-1500:]}")
    row = {stage: measured["stages"].get(stage, 0.0) for stage in STAGES}
    row["extract (worker)"] = measured["workers"]
    row["start-up and the rest"] = total - sum(row.values())
    row["total"] = total
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=11, help="URLs per real page (each with its own paragraph)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pages", type=int, help="only the first N real pages (a quick look)")
    options = parser.parse_args()
    if not (CORPUS / "ground-truth.json").exists():
        print(f"note: {CORPUS} absent; nothing to measure", file=sys.stderr)
        return
    pages = corpus_pages(options.pages)
    newsroom = Newsroom(pages, options.copies)
    count = len(newsroom.bodies)
    rows, bares = [], []
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as temp, newsroom.server:
        work = Path(temp)
        pages_file = work / "pages.json"
        pages_file.write_text(json.dumps([body.decode() for body in newsroom.bodies.values()]))
        feeds = newsroom.write_feeds_file(work / "feeds.csv")
        bares.append(bare(pages_file))
        for number in range(options.rounds):
            rows.append(whole_run(feeds, work, f"run-{number}"))
            bares.append(bare(pages_file))
    baseline = sum(bares) / len(bares)
    per_article = baseline / count * 1000
    print(f"{len(pages)} real pages x {options.copies} URLs = {count} articles; load average {os.getloadavg()[0]:.1f}")
    print(f"bare trafilatura.extract loop: {baseline:.1f} CPU s ({per_article:.1f} ms a page; "
          + " / ".join(f"{value:.1f}" for value in bares) + " s)")
    print("\nCPU seconds and ms an article; `extract` is the run process's side (sending pages, receiving results)")
    print(f"{'stage (CPU)':<24}" + "".join(f"{'run ' + str(n + 1):>16}" for n in range(len(rows))))
    for stage in ["extract (worker)", *STAGES, "start-up and the rest", "total"]:
        cells = "".join(f"{row[stage]:>8.1f} s{row[stage] / count * 1000:>5.1f}ms" for row in rows)
        print(f"{stage:<24}{cells}")
    best = min(row["total"] for row in rows)
    outside = min(row["total"] - row["extract (worker)"] - row["extract"] for row in rows)
    print(f"\nwhole run / bare loop: {best / baseline:.2f}x (goal <= {GOAL}); "
          f"{best / count * 1000:.1f} vs {per_article:.1f} ms an article; "
          f"everything but extraction: {outside / baseline:.2f}x the bare loop")


if __name__ == "__main__":
    main()
