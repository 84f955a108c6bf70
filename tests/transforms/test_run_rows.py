"""The rows a run loads, built without a network or a warehouse: shapes, types and counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from transforms.feed_state import FeedFetch, FeedSource, FeedState
from transforms.records import ExtractedPage, FeedEntry, Mention
from transforms.revisions import NewEntry
from transforms.run_rows import (
    FEED_STATE_TIMES,
    TIMESTAMP,
    ArticleRecord,
    RunContext,
    RunTotals,
    articles_frame,
    feed_frames,
    occurrence_rows,
    runs_frame,
)
from transforms.watchlist import parse_watchlist

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CONTEXT = RunContext(run_id="run-2", started_at=NOW, as_of=NOW, mode="live")
WATCHLIST = parse_watchlist({"people.csv": "person_id,name\nada-vale,Ada Vale\n"})
SOURCES = [FeedSource("old", "Old Outlet", "http://127.0.0.1:9/old.xml"), FeedSource("new", "New", "http://x/n.xml")]


def entry(url: str) -> FeedEntry:
    return FeedEntry(url=url, guid=None, title=f"About {url}", published_at=NOW, summary="")


def fetch(source_id: str, state: FeedState, outcome: str = "ok", entries: int = 0) -> FeedFetch:
    return FeedFetch(
        source_id=source_id,
        started_at=NOW,
        duration_s=0.1,
        http_status=200 if outcome == "ok" else None,
        outcome=outcome,
        entries=tuple(entry(f"http://x/{source_id}/{n}") for n in range(entries)),
        size_bytes=10,
        error=None,
        state=state,
    )


def page(method: str = "trafilatura", error: str | None = None) -> ExtractedPage:
    quality = "failed" if method == "failed" else "ok"
    return ExtractedPage("Body", "Title", None, None, None, None, None, method, quality, error=error)


def article(article_id: str, *, method: str = "trafilatura", mentions: int = 0, revision: int = 0) -> ArticleRecord:
    found = tuple(Mention("ada-vale", "Ada Vale", "full", 0, 0, 8, "Ada Vale spoke.") for _ in range(mentions))
    return ArticleRecord(
        article_id=article_id, source_id="old", url=f"http://x/{article_id}", guid=None, title="T", feed_title="T",
        published_at=NOW, feed_published_at=None, page_published_at=None, first_seen_at=NOW, fetched_at=None,
        extracted_at=NOW, text="Ada Vale spoke.", page=page(method), http_status=None, fetch_outcome="ok",
        revision_count=revision, mentions=found,
    )  # fmt: skip


class TestFeedRows:
    def test_a_new_feed_beside_a_feed_with_history_has_one_timestamp_type(self) -> None:
        """A feed with no state (all times null) and one carrying stored times make one feed_state frame typed UTC."""
        stored = FeedState("old", consecutive_failures=2, failing_since=NOW - timedelta(hours=3), next_attempt_at=NOW)
        fetches = [fetch("old", stored, "timeout"), fetch("new", FeedState("new"))]
        frames = feed_frames(CONTEXT, WATCHLIST, SOURCES, fetches, [])
        alone = feed_frames(CONTEXT, WATCHLIST, SOURCES[1:], [fetch("new", FeedState("new"))], [])

        combined = pl.concat([frames["feed_state"], alone["feed_state"]])

        assert {combined.schema[name] for name in FEED_STATE_TIMES} == {TIMESTAMP}
        assert combined.get_column("failing_since").to_list() == [NOW - timedelta(hours=3), None, None]

    def test_feed_fetches_count_only_entries_never_seen(self) -> None:
        """entries_new counts a feed's unseen entries, not its revisions of stored articles."""
        fetches = [fetch("old", FeedState("old"), entries=3)]
        picked = [
            NewEntry("old", entry("http://x/old/0")),
            NewEntry("old", entry("http://x/old/1"), known_article_id="a-1", revision_count=1),
        ]

        rows = feed_frames(CONTEXT, WATCHLIST, SOURCES[:1], fetches, picked)["feed_fetches"].to_dicts()

        assert [(row["source_id"], row["entries_total"], row["entries_new"], row["failed"]) for row in rows] == [
            ("old", 3, 1, False)
        ]


class TestRunRows:
    def test_the_run_row_adds_up_every_batch(self) -> None:
        """Two batches: new articles, failed pages and mentions are summed; a revision is not a new article."""
        totals = RunTotals(feeds_total=2)
        totals.add_batch([NewEntry("old", entry("http://x/1"))], [article("a", mentions=2)])
        totals.add_batch(
            [NewEntry("old", entry("http://x/2")), NewEntry("old", entry("http://x/3"), known_article_id="c")],
            [article("b", method="failed"), article("c", mentions=1, revision=1)],
        )

        row = runs_frame(CONTEXT, totals, "loading").to_dicts()[0]

        assert (row["feeds_total"], row["articles_new"], row["articles_failed"], row["mentions_new"]) == (2, 2, 1, 3)
        assert (row["status"], row["finished_at"], row["run_id"]) == ("loading", None, "run-2")


class TestArticleRows:
    def test_columns_that_are_all_null_keep_their_types(self) -> None:
        """A batch where no page gave a date, a status or an author still loads typed columns."""
        frame = articles_frame([article("a"), article("b", revision=1)], "run-2")

        assert (frame.schema["page_published_at"], frame.schema["http_status"], frame.schema["author"]) == (
            TIMESTAMP,
            pl.Int32,
            pl.String,
        )
        assert frame.get_column("revised_at").to_list() == [None, NOW]
        assert frame.get_column("text_sha256").n_unique() == 1  # same text, same digest

    def test_occurrence_rows_are_the_records_fields_between_article_and_run(self) -> None:
        """A mention row holds the article, every field of the Mention record, and the run."""
        rows = occurrence_rows("a", article("a", mentions=1).mentions, "run-2")

        assert list(rows[0]) == [
            "article_id", "person_id", "matched_text", "kind", "sentence_index", "char_start", "char_end", "snippet",
            "run_id",
        ]  # fmt: skip
