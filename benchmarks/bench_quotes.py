"""Benchmark: the quote stage's cost as a ratio of the mention stage's, on the same texts (goal: under 1.0x, issue #27).

Both stages run as the detect stage runs them: the mention detector over each article's text, then the quote
extractor over the same text with those mentions. The sentence split is shared by the stages (made once, by the
first that needs it), so on equal terms each stage is handed the finished split and the split is timed on its own
(split CPU s). "as run" is the quote stage's ratio when it pays for the split of every article the mention
detector did not split (an article naming nobody tracked: most general news), the mention stage for the rest.
Three corpora, each timed best of several passes (CPU seconds, the stages interleaved):
- the demo newsroom: its 46 pages extracted as a run extracts them, with the shipped watchlist (the case presswatch
  is built for: UK political copy naming tracked people in most paragraphs);
- real news: the 181 hand-cleaned article bodies of ../shared/corpora/article-extraction-benchmark (when present),
  with the shipped watchlist (general news: few tracked people, many quotes);
- quote-dense: our annotated quote passages (tests/eval/quotes), with their fictional watchlist: nearly every
  paragraph holds a quote, the worst case for the quote stage.

    .venv/bin/python benchmarks/bench_quotes.py
    .venv/bin/python benchmarks/bench_quotes.py --copies 5 --passes 3   # quicker
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from tests.eval.quotes.gold import SEEDS as EVAL_SEEDS  # noqa: E402
from tests.eval.quotes.gold import load_passages  # noqa: E402
from transforms.mentions import MentionDetector  # noqa: E402
from transforms.quotes import QuoteExtractor, parse_speech_cues  # noqa: E402
from transforms.records import Mention  # noqa: E402
from transforms.sentences import SentenceSplit  # noqa: E402
from transforms.watchlist import WATCHLIST_FILES, Watchlist, parse_watchlist  # noqa: E402

CORPUS = PROJECT_DIR.parent / "shared" / "corpora" / "article-extraction-benchmark" / "ground-truth.json"
GOAL = 1.0  # issue #27: the quote stage should cost less than the mention stage
Article = tuple[str, date | None]


def watchlist_from(directory: Path) -> Watchlist:
    return parse_watchlist({name: (directory / name).read_text(encoding="utf-8") for name in WATCHLIST_FILES})


def real_news(path: Path) -> list[Article]:
    """The corpus's article bodies as presswatch stores them: headline, blank line, paragraphs."""
    bodies = json.loads(path.read_text(encoding="utf-8"))
    return [
        (f"{item.get('headline') or 'Headline'}\n\n" + re.sub(r"\n+", "\n\n", item["articleBody"]), date(2019, 11, 19))
        for item in bodies.values()
    ]


def demo_newsroom() -> list[Article]:
    """The demo site's article pages as a run stores them (extracted text), dated by the demo's manifest."""
    from transforms.text import article_text, extract_page

    manifest = (PROJECT_DIR / "seeds" / "demo" / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    articles: list[tuple[str, date | None]] = []
    for line in manifest:
        path, _, published = line.split(",")[:3]
        html = (PROJECT_DIR / "seeds" / "demo" / "site" / path).read_bytes().decode("utf-8", "replace")
        page = extract_page(html, url=f"http://127.0.0.1/{path}")
        articles.append((article_text(page.title or "", page.text), date.fromisoformat(published[:10])))
    return articles


def quote_dense() -> list[Article]:
    return [(passage.text, passage.published) for passage in load_passages()]


def best_of(passes: int, *work: Callable[[], object]) -> list[float]:
    """Each piece of work's best CPU time over the passes, the pieces interleaved so load on a shared machine
    falls on both alike (CPU seconds: time spent waiting for a core is not counted)."""
    timings: list[list[float]] = [[] for _ in work]
    for _ in range(passes):
        for index, piece in enumerate(work):
            started = time.process_time()
            piece()
            timings[index].append(time.process_time() - started)
    return [min(each) for each in timings]


def measure(name: str, articles: list[Article], watchlist: Watchlist, copies: int, passes: int) -> tuple[str, ...]:
    detector = MentionDetector(watchlist)
    extractor = QuoteExtractor(parse_speech_cues((PROJECT_DIR / "seeds" / "speech_cues.csv").read_text("utf-8")))
    texts = articles * copies
    splits = [SentenceSplit(text) for text, _ in texts]
    mentions: list[list[Mention]] = [
        detector.detect(text, day, split) for (text, day), split in zip(texts, splits, strict=True)
    ]
    # What the mention detector hands the quote stage in a run: the split if it made one, else nothing
    handed = [split.spans() if split.done else None for split in splits]
    spans = [split.spans() for split in splits]

    def detect_as_run() -> None:  # pays for the split of the articles it splits
        for text, published in texts:
            detector.detect(text, published, SentenceSplit(text))

    def extract_as_run() -> None:  # pays for the split of the others
        for (text, _), found, given in zip(texts, mentions, handed, strict=True):
            extractor.extract(text, found, SentenceSplit(text, given))

    def split() -> None:
        for text, _ in texts:
            SentenceSplit(text).spans()

    def detect() -> None:
        for (text, published), given in zip(texts, spans, strict=True):
            detector.detect(text, published, SentenceSplit(text, given))

    def extract() -> None:
        for (text, _), found, given in zip(texts, mentions, spans, strict=True):
            extractor.extract(text, found, SentenceSplit(text, given))

    mention_s, quote_s, split_s, run_mention_s, run_quote_s = best_of(
        passes, detect, extract, split, detect_as_run, extract_as_run
    )
    quotes = sum(len(extractor.extract(text, found)) for (text, _), found in zip(texts, mentions, strict=True))
    megabytes = sum(len(text.encode("utf-8")) for text, _ in texts) / 1e6
    ratio = quote_s / mention_s
    return (name, f"{len(texts):,}", f"{megabytes:.1f}", f"{quotes:,}", f"{split_s:.3f}", f"{mention_s:.3f}",
            f"{quote_s:.3f}", f"{ratio:.2f}x", "yes" if ratio < GOAL else "NO",
            f"{run_quote_s / run_mention_s:.2f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="repeat each corpus this many times")
    parser.add_argument("--passes", type=int, default=5, help="best of this many timed passes")
    arguments = parser.parse_args()
    rows = [measure("demo newsroom (46 articles)", demo_newsroom(), watchlist_from(PROJECT_DIR / "seeds"),
                    arguments.copies * 4, arguments.passes)]  # fmt: skip
    if CORPUS.exists():
        rows.append(measure("real news (181 articles)", real_news(CORPUS), watchlist_from(PROJECT_DIR / "seeds"),
                            arguments.copies, arguments.passes))  # fmt: skip
    else:
        print(f"(real corpus not found at {CORPUS}; measuring the quote-dense passages only)")
    rows.append(
        measure("quote-dense (eval passages)", quote_dense(), watchlist_from(EVAL_SEEDS), arguments.copies * 5,
                arguments.passes)
    )  # fmt: skip
    headers = ("corpus", "articles", "MB", "quotes", "split CPU s", "mentions CPU s", "quotes CPU s", "quotes/mentions",
               f"< {GOAL}x", "as run")  # fmt: skip
    widths = [max(len(header), *(len(row[index]) for row in rows)) for index, header in enumerate(headers)]
    print("  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)))
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
