"""Extraction stage throughput against a bare trafilatura loop, 1 vs 2 workers, peak memory, real-page quality.

Run: `.venv/bin/python benchmarks/bench_extraction.py [--pages 2000]`. Uses the 181 real pages of
../shared/corpora/article-extraction-benchmark when present (cycled, each copy varied by a marker paragraph so no
cache can help), else the eval pages under tests/eval/extraction. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from flows.adapters.extraction import PageToExtract, extract_many  # noqa: E402
from transforms.stories import StoryInput, assign_stories  # noqa: E402
from transforms.text import article_text, extract_page  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark"
EVAL_PAGES = ROOT / "tests" / "eval" / "extraction" / "pages"


def load_sources() -> tuple[str, list[tuple[str, str, str | None]]]:
    """(label, [(id, html, gold body or None)]) from the real corpus when present, else our eval pages."""
    if (CORPUS / "ground-truth.json").exists():
        truth = json.loads((CORPUS / "ground-truth.json").read_text())
        pages = [
            (
                key,
                gzip.decompress((CORPUS / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace"),
                value["articleBody"],
            )
            for key, value in sorted(truth.items())
        ]
        return "article-extraction-benchmark (181 real pages)", pages
    print("note: ../shared/corpora/article-extraction-benchmark absent; using the eval pages", file=sys.stderr)
    return "tests/eval/extraction pages", [(p.stem, p.read_text(), None) for p in sorted(EVAL_PAGES.glob("*.html"))]


def varied(sources: list[tuple[str, str, str | None]], count: int) -> list[PageToExtract]:
    """Cycle the sources to `count` pages, each copy carrying a distinct comment so every page is new."""
    pages = []
    for number in range(count):
        key, html, _ = sources[number % len(sources)]
        marked = html.replace("</body>", f"<!-- copy {number} --></body>", 1)
        pages.append(PageToExtract(url=f"https://example.org/{key}/{number}", html=marked))
    return pages


def token_f1(extracted: str, gold: str) -> float:
    ours, truth = Counter(re.findall(r"\w+", extracted.lower())), Counter(re.findall(r"\w+", gold.lower()))
    overlap = sum((ours & truth).values())
    precision, recall = overlap / max(sum(ours.values()), 1), overlap / max(sum(truth.values()), 1)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def cpu_seconds() -> float:
    """CPU time of this process plus its finished workers: a measure the other tenants of the machine do not skew."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_loop(pages: list[PageToExtract]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    for page in pages:
        trafilatura.extract(page.html)
    return time.perf_counter() - wall, cpu_seconds() - cpu


def whole_stage(pages: list[PageToExtract], workers: int) -> tuple[float, float, int, float]:
    """Extraction in workers, then story assignment over the results.

    Returns wall and CPU seconds of the whole stage, the stories found, and the wall seconds of extraction alone
    (story assignment runs once in the parent, so it is the serial part of the 1-vs-2 worker comparison).
    """
    wall, cpu = time.perf_counter(), cpu_seconds()
    results = extract_many(pages, workers=workers)
    extraction_wall = time.perf_counter() - wall
    base = datetime(2025, 1, 6, tzinfo=UTC)
    inputs = [
        StoryInput(
            page.url,
            result.title or "",
            article_text(result.title or "", result.text),
            base + timedelta(seconds=index),
            "bench",
        )
        for index, (page, result) in enumerate(zip(pages, results, strict=True))
    ]
    stories = assign_stories(inputs, [])
    return time.perf_counter() - wall, cpu_seconds() - cpu, len(set(stories.values())), extraction_wall


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    label, sources = load_sources()
    pages = varied(sources, args.pages)

    gold = [(html, body) for _, html, body in sources if body is not None]
    f1 = sum(token_f1(extract_page(h, url="https://example.org/x").text, b) for h, b in gold) / max(len(gold), 1)
    bare_f1 = sum(token_f1(trafilatura.extract(h) or "", b) for h, b in gold) / max(len(gold), 1)

    # the baseline runs before and after the stage and is averaged: other tenants of the machine come and go
    bare_before, bare_cpu_before = bare_loop(pages)
    two, two_cpu, story_count, two_extraction = whole_stage(pages, workers=2)
    one, one_cpu, _, one_extraction = whole_stage(pages, workers=1)
    bare_after, bare_cpu_after = bare_loop(pages)
    bare, bare_cpu = (bare_before + bare_after) / 2, (bare_cpu_before + bare_cpu_after) / 2

    count = len(pages)
    print(f"corpus: {label}; {count} pages; {story_count} stories found; load average {os.getloadavg()[0]:.1f}")
    print(f"{'measure':<42}{'wall s':>8}{'pages/s':>9}{'ratio':>7}{'cpu s':>8}{'cpu ratio':>10}")
    for name, wall, cpu in [
        ("bare trafilatura.extract loop, mean of 2", bare, bare_cpu),
        ("stage: extract_many 1 worker + stories", one, one_cpu),
        ("stage: extract_many 2 workers + stories", two, two_cpu),
    ]:
        print(f"{name:<42}{wall:>8.1f}{count / wall:>9.1f}{bare / wall:>7.2f}{cpu:>8.1f}{bare_cpu / cpu:>10.2f}")
    print(f"2 workers vs 1 worker speedup (wall), whole stage: {one / two:.2f}x")
    print(
        f"2 workers vs 1 worker speedup (wall), extraction alone: {one_extraction / two_extraction:.2f}x "
        f"({one_extraction:.1f} s vs {two_extraction:.1f} s; target >= 1.8x on two idle cores)"
    )
    print(f"stage (2 workers) vs bare loop (wall): {bare / two:.2f} (target >= 0.85)")
    print(
        f"peak RSS of this process: {peak_mb(resource.RUSAGE_SELF):.0f} MB (holds all {count} pages as str); "
        "each worker is capped at 1024 MB of address space"
    )
    if gold:
        print(f"token F1 vs ground truth ({len(gold)} pages): extract_page {f1:.3f}, bare extract {bare_f1:.3f}")


if __name__ == "__main__":
    main()
