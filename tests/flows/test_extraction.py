"""Tests for flows.adapters.extraction: worker processes with a time limit and a memory cap, results in input order."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.adapters.extraction import PageToExtract, extract_many
from flows.adapters.fetching import PageFetch
from flows.adapters.http import FetchResult
from flows.stages import NewEntry, build_articles
from transforms.records import FeedEntry
from transforms.stories import print_text
from transforms.text import extract_page

PAGES_DIR = Path(__file__).resolve().parents[1] / "eval" / "extraction" / "pages"
# About 5 MB of markup: seconds of parsing and a few hundred MB of tree, far over the limits used below
HEAVY_HTML = "<html><body>" + "<div><p>Words in a paragraph of a very long page.</p></div>" * 100_000 + "</body></html>"


def eval_pages(count: int) -> list[PageToExtract]:
    paths = sorted(PAGES_DIR.glob("*.html"))[:count]
    return [PageToExtract(url=f"https://example.org/{p.stem}", html=p.read_text()) for p in paths]


class TestExtractMany:
    def test_results_match_in_process_extraction_in_input_order(self) -> None:
        """Two workers return exactly what extract_page gives, in the order the pages were passed."""
        pages = eval_pages(6)

        results = extract_many(pages, workers=2)

        assert [replace(r, story_print=None) for r in results] == [extract_page(p.html, url=p.url) for p in pages]

    def test_each_page_carries_the_print_of_the_text_the_run_stores(self) -> None:
        """The worker prints exactly the text build_articles stores (page title, else feed title), once per page."""
        pages = [
            *eval_pages(2),
            PageToExtract(url="https://example.org/untitled", html="<html><body>" + "<p>Plain words here.</p>" * 30
                          + "</body></html>", feed_title="The feed's headline"),
            PageToExtract(url="https://example.org/summary", html="", feed_title="Briefing",
                          feed_summary="Councillors backed the plan."),
        ]
        now = datetime(2025, 1, 6, 12, tzinfo=UTC)
        entries = [NewEntry("wire", FeedEntry(p.url, None, p.feed_title, now, p.feed_summary)) for p in pages]
        fetches = [PageFetch(p.url, FetchResult(p.url, p.url, 200, "ok" if p.html else "http-4xx", text=p.html))
                   for p in pages]

        articles = build_articles(entries, fetches, extract_many(pages, workers=2), now)

        assert [article.page.story_print for article in articles] == [print_text(a.text) for a in articles]
        assert articles[2].text.startswith("The feed's headline\n\n")

    def test_slow_page_times_out_and_the_pool_recovers(self) -> None:
        """A page over the time limit fails with a timeout and the pages after it are still extracted."""
        pages = [PageToExtract(url="https://example.org/heavy", html=HEAVY_HTML), *eval_pages(2)]

        # The heavy page needs minutes; an ordinary page well under a second even on a loaded machine, so a limit
        # of seconds separates them without depending on how busy the machine is.
        results = extract_many(pages, workers=1, time_limit_s=10)

        assert (results[0].method, results[0].error, results[0].story_print) == ("failed", "timeout after 10s", None)
        assert [r.method for r in results[1:]] == ["trafilatura", "trafilatura"]

    def test_page_over_the_memory_cap_fails_alone(self) -> None:
        """A page that needs more memory than the cap fails with a memory-limit reason; the next page succeeds."""
        pages = [PageToExtract(url="https://example.org/heavy", html=HEAVY_HTML), *eval_pages(1)]

        results = extract_many(pages, workers=1, time_limit_s=60, memory_limit_mb=150)

        assert results[0].method == "failed"
        assert "memory limit" in (results[0].error or "")
        assert results[1].method == "trafilatura"

    def test_empty_page_uses_the_feed_summary_without_a_worker(self) -> None:
        """A page that could not be fetched yields its feed summary, or a recorded failure without one."""
        pages = [
            PageToExtract(url="https://example.org/a", html="", feed_summary="Councillors backed the plan."),
            PageToExtract(url="https://example.org/b", html=""),
        ]

        results = extract_many(pages)

        assert [(r.method, r.quality) for r in results] == [("feed-summary", "too-short"), ("failed", "failed")]

    def test_runs_from_a_thread(self) -> None:
        """Called from a worker thread (as inside a Prefect task) it still returns every result."""
        results: list[int] = []
        thread = threading.Thread(target=lambda: results.append(len(extract_many(eval_pages(3), workers=2))))

        thread.start()
        thread.join(timeout=120)

        assert results == [3]

    @pytest.mark.parametrize("workers", [0, 1, 5])
    def test_any_worker_count_returns_every_page(self, workers: int) -> None:
        """Zero, one or more workers than pages all return one result per page."""
        results = extract_many(eval_pages(2), workers=workers)

        assert [r.method for r in results] == ["trafilatura", "trafilatura"]
