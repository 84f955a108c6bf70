"""Robustness and speed of parse_feed over feedparser's own test corpus (about 2,100 documents).

Every document goes through parse_feed; each gets an outcome and none may crash. Baseline: feedparser with
its defaults (HTML sanitising and relative-URI resolution on), timed in the same run over the same bytes.

    .venv/bin/python benchmarks/bench_feeds_corpus.py [--corpus PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.feeds import parse_feed

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feedparser-tests"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def main() -> int:
    """Run the corpus through parse_feed and print outcome counts and timings."""
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    arguments.add_argument("--repeat", type=int, default=1, help="timing passes (best is reported)")
    options = arguments.parse_args()
    if not options.corpus.is_dir():
        print(f"skipped: corpus not found at {options.corpus}")
        return 0
    documents = [(path, path.read_bytes()) for path in sorted(options.corpus.rglob("*.xml"))]
    outcomes: Counter[str] = Counter()
    by_folder: Counter[tuple[str, str]] = Counter()
    crashes: list[str] = []
    entries = 0
    for path, body in documents:
        base = f"http://corpus.invalid/{path.relative_to(options.corpus).as_posix()}"
        try:
            parsed = parse_feed(body, base_url=base, now=NOW)
        except Exception as error:  # the point of this run: count, do not stop
            crashes.append(f"{path.name}: {error!r}")
            outcomes["CRASH"] += 1
            continue
        outcomes[parsed.outcome] += 1
        by_folder[(path.relative_to(options.corpus).parts[0], parsed.outcome)] += 1
        entries += len(parsed.entries)

    ours = best_of(
        options.repeat, lambda: [parse_feed(b, base_url="http://corpus.invalid/", now=NOW) for _, b in documents]
    )
    baseline = best_of(options.repeat, lambda: [feedparser.parse(io.BytesIO(b)) for _, b in documents])
    print(f"{len(documents)} documents from {options.corpus}")
    print(f"{'outcome':<14}{'count':>7}")
    for outcome, count in outcomes.most_common():
        print(f"{outcome:<14}{count:>7}")
    print(f"entries read: {entries}; crashes: {len(crashes)}")
    for folder in sorted({folder for folder, _ in by_folder}):
        parts = ", ".join(f"{o}={c}" for (f, o), c in sorted(by_folder.items()) if f == folder)
        print(f"  {folder}: {parts}")
    print(f"\n{'parser':<44}{'seconds':>9}{'docs/s':>9}{'ratio':>7}")
    for name, seconds in (
        ("parse_feed (no sanitise, no URI pass)", ours),
        ("feedparser.parse defaults (baseline)", baseline),
    ):
        print(f"{name:<44}{seconds:>9.2f}{len(documents) / seconds:>9.0f}{baseline / seconds:>7.2f}")
    heavy = rich_feed(items=100)
    heavy_ours = best_of(
        max(options.repeat, 3), lambda: [parse_feed(heavy, base_url="https://n.example/rss", now=NOW) for _ in range(5)]
    )
    heavy_base = best_of(max(options.repeat, 3), lambda: [feedparser.parse(io.BytesIO(heavy)) for _ in range(5)])
    print("\ncontent-heavy feed (100 items, ~3 KB HTML each, relative links), 5 parses:")
    print(f"{'parse_feed (no sanitise, no URI pass)':<44}{heavy_ours:>9.2f}{'':>9}{heavy_base / heavy_ours:>7.2f}")
    print(f"{'feedparser.parse defaults (baseline)':<44}{heavy_base:>9.2f}{'':>9}{1.0:>7.2f}")
    for crash in crashes[:10]:
        print("CRASH", crash)
    return 1 if crashes else 0


def rich_feed(items: int) -> bytes:
    """An RSS feed whose descriptions carry paragraphs, links, images and inline markup, as big outlets send."""
    paragraph = (
        '<p>The <a href="/politics/story">Prime Minister</a> said <em>on Monday</em> that the '
        '<strong>inquiry</strong> would report. <img src="/img/a.jpg" alt="x"/> '
        '<span style="color:red">More</span> <a href="../other">coverage</a>.</p>'
    )
    description = (paragraph * 12).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = "".join(
        f"<item><title>Story {i}</title><link>/story/{i}?utm_source=rss</link>"
        f"<pubDate>Mon, 06 Jan 2025 10:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>{description}</description></item>"
        for i in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'.encode()


def best_of(repeat: int, work: object) -> float:
    """Best wall time of `repeat` runs of `work`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


if __name__ == "__main__":
    raise SystemExit(main())
