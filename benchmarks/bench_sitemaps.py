"""Reading large sitemaps: `parse_sitemap` against a plain lxml iterparse of the same bytes (time and peak memory).

Inputs, generated here: a sitemap index naming 50,000 sitemaps (the protocol's maximum), one an hour back in time
(only those of the last 48 hours can hold news, and only they are kept), the same index without any lastmod (all
50,000 kept: the worst case), and a sitemap of 50,000 URLs of which 1,000 are news of the last two days (the rest
old pages and old news), plain and gzipped.
Each method runs in a fresh interpreter (so the peak resident memory, VmHWM, is its own), best of 5 runs for
time. The baseline walks the same bytes with `lxml.etree.iterparse`, clearing elements, keeping only each
<loc>: the least any reader of the document must do. A full-tree parse (`etree.fromstring`) is shown for scale.

    .venv/bin/python benchmarks/bench_sitemaps.py
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "tests" / "support"))

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)
URLS = 50_000
NEWS = 1_000
RUNS = 5
METHODS = ("parse_sitemap", "iterparse", "fromstring")


def build(directory: Path) -> dict[str, Path]:
    """The three documents, written once."""
    from sitemaps import news_url, plain_url, sitemap_index, urlset

    # An archive index: one sitemap a day back for 50,000 days' worth of names, dated; and the worst case, the
    # same index without lastmod, where nothing can be dropped while reading.
    dated = [(f"https://news.example.org/sitemaps/{day}.xml", NOW - timedelta(hours=day)) for day in range(URLS)]
    index = sitemap_index(dated)
    undated = sitemap_index([(url, None) for url, _ in dated])
    old_news = URLS // 10
    old = NOW - timedelta(days=400)
    pages = [plain_url(f"https://news.example.org/archive/{n}.html", old) for n in range(URLS - NEWS - old_news)]
    past = [
        news_url(f"https://news.example.org/old/{n}.html", f"Old {n}", NOW - timedelta(days=3 + n % 300))
        for n in range(old_news)
    ]
    recent = [
        news_url(f"https://news.example.org/news/{n}.html", f"Story {n}", NOW - timedelta(minutes=2 * n))
        for n in range(NEWS)
    ]
    sitemap = urlset(pages + past + recent)
    files = {
        "index, 50,000 dated": (directory / "index.xml", index),
        "index, 50,000 undated": (directory / "undated.xml", undated),
        "news sitemap (50,000 URLs)": (directory / "sitemap.xml", sitemap),
        "news sitemap, gzip file": (directory / "sitemap.xml.gz", gzip.compress(sitemap)),
    }
    for path, body in files.values():
        path.write_bytes(body)
    return {name: path for name, (path, _) in files.items()}


def peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def run_one(method: str, path: Path) -> dict[str, float]:
    """One method on one file in this (fresh) interpreter: best time of RUNS and the peak memory it added."""
    from lxml import etree

    from transforms.sitemaps import gunzip_capped, parse_sitemap

    raw = path.read_bytes()
    before = rss_kib()
    times, found = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        body, _ = gunzip_capped(raw, 200_000_000)
        if method == "parse_sitemap":
            parsed = parse_sitemap(body, base_url="https://news.example.org/sitemap.xml", now=NOW)
            found = len(parsed.entries) + len(parsed.links)
        elif method == "iterparse":
            locs = []
            for _, element in etree.iterparse(io.BytesIO(body), events=("end",)):
                if element.tag.endswith("}loc"):
                    locs.append(element.text)
                elif element.tag.endswith(("}url", "}sitemap")):
                    element.clear()
                    while element.getprevious() is not None:
                        del element.getparent()[0]
            found = len(locs)
        else:
            tree = etree.fromstring(body, parser=etree.XMLParser(huge_tree=True))
            found = len(tree)
            del tree
        times.append(time.perf_counter() - started)
    return {"seconds": min(times), "peak_mib": (peak_kib() - before) / 1024, "found": found}


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(run_one(sys.argv[2], Path(sys.argv[3]))))
        return
    with tempfile.TemporaryDirectory() as folder:
        files = build(Path(folder))
        print(f"{'document':<28} {'method':<14} {'best of 5':>10} {'vs iterparse':>13} {'peak MiB':>9} {'kept':>7}")
        for name, path in files.items():
            results = {}
            for method in METHODS:
                output = subprocess.run(
                    [sys.executable, __file__, "--one", method, str(path)], capture_output=True, text=True, check=True
                )
                results[method] = json.loads(output.stdout)
            base = results["iterparse"]["seconds"]
            size = path.stat().st_size / 1_000_000
            for method in METHODS:
                result = results[method]
                print(
                    f"{name if method == METHODS[0] else '':<28} {method:<14} {result['seconds']:>9.3f}s "
                    f"{result['seconds'] / base:>12.2f}x {result['peak_mib']:>9.1f} {int(result['found']):>7}"
                )
            print(f"{'':<28} ({size:.1f} MB on disk)")
        print(
            "kept: news entries of the last 48 h and index links that may hold news (parse_sitemap), <loc> values "
            "(iterparse), top-level elements (fromstring)"
        )


if __name__ == "__main__":
    main()
