"""Every analysts' view on a small hand-computed dataset: the rows a person would read off by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from warehouse_rows import AS_OF, article, fetch, mention, run, run_tables, source, topic_mention

from warehouse import database
from warehouse.loads import RunTables, load_run

DAY_BEFORE = datetime(2025, 1, 5, 9, tzinfo=AS_OF.tzinfo)
# Quotes are test text by fictional people (no real person is quoted in tests).
PICKED_UP = "Test words by a fictional speaker, run by two outlets."


def quote(article_id: str, person_id: str | None, text: str, start: int = 0) -> dict[str, object]:
    key = "".join(char for char in text.lower() if char.isalnum() or char == " ")
    return {"quote_id": f"{article_id}-{start}", "article_id": article_id, "person_id": person_id,
            "quote_text": text, "char_start": start, "char_end": start + len(text), "cue": "said", "speaker": None,
            "attribution": "cue" if person_id else "none", "sentence_index": 0, "quote_key": key, "run_id": "run-1"}


def newsroom_tables() -> RunTables:
    """Four articles: a1/a2 are one story on Jan 5, a3/a4 one story on Jan 6 (see each view's expected rows)."""
    hour = timedelta(hours=1)
    return run_tables(
        sources=[source("herald", "Herald"), source("courier", "Courier"), source("gazette", "Gazette"),
                 source("tribune", "Tribune"), source("weekly", "Weekly"), source("quiet", "Quiet")],
        articles=[
            article("a1", DAY_BEFORE, source_id="herald", story_id="s1"),
            article("a2", DAY_BEFORE + hour / 2, source_id="courier", story_id="s1"),
            article("a3", AS_OF - hour / 2, source_id="herald", story_id="s3"),
            article("a4", AS_OF - hour / 4, source_id="courier", story_id="s3"),
        ],
        mentions=[
            mention("a1", "keir-starmer", 0, sentence=0),
            mention("a1", "elon-musk", 20, sentence=0, kind="surname"),
            mention("a1", "keir-starmer", 40, sentence=1, kind="surname"),
            mention("a2", "keir-starmer", 0, sentence=0),
            mention("a2", "jess-phillips", 50, sentence=2),
            mention("a3", "elon-musk", 0, sentence=0),
            mention("a3", "jess-phillips", 10, sentence=0),
            mention("a4", "elon-musk", 3, sentence=1, kind="surname"),
            mention("a4", "elon-musk", 30, sentence=1),
            mention("a4", "jess-phillips", 12, sentence=1),
        ],
        topic_mentions=[
            topic_mention("a1", "grooming-gangs", 5),
            topic_mention("a2", "nhs", 5),
            topic_mention("a3", "grooming-gangs", 5),
            topic_mention("a3", "grooming-gangs", 25, sentence=1),
        ],
        feed_fetches=[
            *[fetch(f"r{n}", "herald", AS_OF + hour * n, "ok") for n in (1, 2)],
            fetch("r1", "courier", AS_OF + hour, "timeout"),
            fetch("r2", "courier", AS_OF + hour * 2, "not-modified", http_status=304),
            fetch("r1", "gazette", AS_OF + hour, "http-4xx", http_status=404),
            fetch("r2", "gazette", AS_OF + hour * 2, "dns"),
            fetch("r3", "gazette", AS_OF + hour * 3, "http-4xx", http_status=410),
            fetch("r4", "gazette", AS_OF + hour * 4, "skipped-backoff"),
            fetch("r5", "gazette", AS_OF + hour * 5, "not-a-feed", http_status=200),
            fetch("r6", "gazette", AS_OF + hour * 6, "http-4xx", http_status=404),
            fetch("r1", "tribune", AS_OF + hour, "ok"),
            fetch("r2", "tribune", AS_OF + hour * 2, "http-5xx", http_status=503),
            fetch("r3", "tribune", AS_OF + hour * 3, "http-4xx", http_status=429),
            fetch("r4", "tribune", AS_OF + hour * 4, "skipped-backoff"),
            fetch("r1", "weekly", AS_OF + hour, "parse-error", http_status=200, entries_total=3),
        ],
        runs=[run("run-1", AS_OF, minutes=3), run("run-2", AS_OF + hour, status="failed")],
        quotes=[
            quote("a1", "tobias-wren", "Fictional test words from the day before."),
            quote("a1", "tobias-wren", "Too short.", start=60),
            quote("a3", "helena-marsh", PICKED_UP),
            quote("a4", None, PICKED_UP),
        ],
    )


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    with database.opened(tmp_path_factory.mktemp("views") / "w.duckdb") as con:
        load_run(con, newsroom_tables())
        yield con


def rounded(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [tuple(round(value, 3) if isinstance(value, float) else value for value in row) for row in rows]


EXPECTED_ROWS = {
    "mentions_daily": (
        "select person_id, cast(day as varchar), articles, stories, mentions from mentions_daily order by all",
        [("elon-musk", "2025-01-05", 1, 1, 1), ("elon-musk", "2025-01-06", 2, 1, 3),
         ("jess-phillips", "2025-01-05", 1, 1, 1), ("jess-phillips", "2025-01-06", 2, 1, 2),
         ("keir-starmer", "2025-01-05", 2, 1, 3)],
    ),
    "mentions_hourly": (
        "select person_id, strftime(hour, '%d %H'), articles, stories, mentions from mentions_hourly order by all",
        [("elon-musk", "05 09", 1, 1, 1), ("elon-musk", "06 11", 2, 1, 3), ("jess-phillips", "05 09", 1, 1, 1),
         ("jess-phillips", "06 11", 2, 1, 2), ("keir-starmer", "05 09", 2, 1, 3)],
    ),
    "topic_mentions_daily": (
        "select topic_id, cast(day as varchar), articles, stories, mentions from topic_mentions_daily order by all",
        [("grooming-gangs", "2025-01-05", 1, 1, 1), ("grooming-gangs", "2025-01-06", 1, 1, 2),
         ("nhs", "2025-01-05", 1, 1, 1)],
    ),
    "topic_mentions_hourly": (
        "select topic_id, strftime(hour, '%d %H'), articles, mentions from topic_mentions_hourly order by all",
        [("grooming-gangs", "05 09", 1, 1), ("grooming-gangs", "06 11", 1, 2), ("nhs", "05 09", 1, 1)],
    ),
    "share_of_voice": (
        "select cast(day as varchar), outlet, person_id, articles, mentions, share_of_outlet, share_of_person "
        "from share_of_voice order by all",
        [("2025-01-05", "Courier", "jess-phillips", 1, 1, 0.5, 1.0),
         ("2025-01-05", "Courier", "keir-starmer", 1, 1, 0.5, 0.5),
         ("2025-01-05", "Herald", "elon-musk", 1, 1, 0.333, 1.0),
         ("2025-01-05", "Herald", "keir-starmer", 1, 2, 0.667, 0.5),
         ("2025-01-06", "Courier", "elon-musk", 1, 2, 0.667, 0.5),
         ("2025-01-06", "Courier", "jess-phillips", 1, 1, 0.333, 0.5),
         ("2025-01-06", "Herald", "elon-musk", 1, 1, 0.5, 0.5),
         ("2025-01-06", "Herald", "jess-phillips", 1, 1, 0.5, 0.5)],
    ),
    "co_mentions_sentence": (
        "select person_a, person_b, sentences, articles from co_mentions_sentence order by all",
        [("elon-musk", "jess-phillips", 2, 2), ("elon-musk", "keir-starmer", 1, 1)],
    ),
    "co_mentions_article": (
        "select person_a, person_b, articles, stories from co_mentions_article order by all",
        [("elon-musk", "jess-phillips", 2, 1), ("elon-musk", "keir-starmer", 1, 1),
         ("jess-phillips", "keir-starmer", 1, 1)],
    ),
    "person_topic": (
        "select person_id, topic_id, articles, stories from person_topic order by all",
        [("elon-musk", "grooming-gangs", 2, 2), ("jess-phillips", "grooming-gangs", 1, 1),
         ("jess-phillips", "nhs", 1, 1), ("keir-starmer", "grooming-gangs", 1, 1), ("keir-starmer", "nhs", 1, 1)],
    ),
    "latest_evidence": (
        "select person_id, evidence_rank, outlet, title, url, matched_text, snippet from latest_evidence "
        "where person_id = 'elon-musk' order by evidence_rank",
        [("elon-musk", 1, "Courier", "Headline a4", "https://courier.example/a4", "Musk", "Sentence 1 of a4."),
         ("elon-musk", 2, "Herald", "Headline a3", "https://herald.example/a3", "Musk", "Sentence 0 of a3."),
         ("elon-musk", 3, "Herald", "Headline a1", "https://herald.example/a1", "Musk", "Sentence 0 of a1.")],
    ),
    "feed_health": (
        "select source_id, state, strftime(failing_since, '%H'), consecutive_failures, hard_failures_in_a_row, "
        "strftime(recovered_at, '%H') from feed_health order by source_id",
        [("courier", "recovered", None, 0, 0, "14"), ("gazette", "dead", "13", 5, 5, None),
         ("herald", "healthy", None, 0, 0, None), ("quiet", "never-fetched", None, 0, 0, None),
         ("tribune", "failing", "14", 2, 0, None), ("weekly", "healthy", None, 0, 0, None)],
    ),
    "quote_pickup": (
        "select person_id, quote_text, first_outlet, outlets, articles, stories from quote_pickup order by all",
        [("helena-marsh", PICKED_UP, "Herald", 2, 2, 1),
         ("tobias-wren", "Fictional test words from the day before.", "Herald", 1, 1, 1)],
    ),
    "run_history": (
        "select run_id, status, duration_s, load_method, articles_stored, mentions_stored, feeds_fetched, feeds_ok "
        "from run_history",
        [("run-2", "failed", 120.0, "direct", 0, 0, 0, 0), ("run-1", "completed", 180.0, "direct", 4, 10, 0, 0)],
    ),
}


class TestViews:
    @pytest.mark.parametrize(("query", "expected"), EXPECTED_ROWS.values(), ids=EXPECTED_ROWS.keys())
    def test_view_rows_match_hand_counts(
        self, newsroom: duckdb.DuckDBPyConnection, query: str, expected: list[tuple[object, ...]]
    ) -> None:
        """The view returns exactly the rows counted by hand from the four-article newsroom."""
        rows = rounded(newsroom.execute(query).fetchall())

        assert rows == expected

    def test_every_view_file_is_checked(self) -> None:
        """No view ships without hand-computed expectations (spikes has its own scenarios below)."""
        stems = {path.stem for path in database.view_files()}

        assert stems == set(EXPECTED_ROWS) | {"spikes"}


def spike_scenario() -> RunTables:
    """Three baseline days of 10 stories (Starmer in 1, Musk in 2 each) then a day of 10 with Starmer in 6."""
    articles, mentions = [], []
    for day in range(4):
        for number in range(10):
            article_id = f"d{day}-{number}"
            # Current-day stories are 30 minutes old; baseline day d sits 2 hours into its own 24-hour window.
            age = timedelta(minutes=30) if day == 0 else timedelta(hours=24 * day + 2)
            articles.append(article(article_id, AS_OF - age))
            if number < (6 if day == 0 else 1):
                mentions.append(mention(article_id, "keir-starmer", 0))
            if number in (8, 9):
                mentions.append(mention(article_id, "elon-musk", 10))
    runs = [run("run-1", AS_OF), run("run-later-failed", AS_OF + timedelta(days=1), status="failed")]
    return run_tables(articles=articles, mentions=mentions, runs=runs)


def weekly_scenario() -> RunTables:
    """Starmer's current hour (4 of 4 stories) against the same hour 1 and 2 weeks ago (1 of 2 each)."""
    articles, mentions = [], []
    layout = {0: (4, 4), 1: (2, 1), 2: (2, 1)}
    for week, (stories, with_starmer) in layout.items():
        for number in range(stories):
            article_id = f"w{week}-{number}"
            articles.append(article(article_id, AS_OF - timedelta(hours=168 * week, minutes=30)))
            if number < with_starmer:
                mentions.append(mention(article_id, "keir-starmer", 0))
    # Busy hour two hours ago, outside the same-hour-of-week baseline: it must not count.
    articles += [article(f"noise-{number}", AS_OF - timedelta(hours=2, minutes=30)) for number in range(5)]
    return run_tables(articles=articles, mentions=mentions, runs=[run("run-1", AS_OF)])


SPIKE_CASES = {
    "day-starmer-spikes": (
        spike_scenario, "day", "keir-starmer",
        (6, 10, "trailing", 3, 1.0, 1.0, 6.0, 5.0, True),
    ),
    "day-musk-steady": (
        spike_scenario, "day", "elon-musk",
        (2, 10, "trailing", 3, 2.0, 2.0, 1.0, 0.0, False),
    ),
    "hour-without-baseline-never-spikes": (
        spike_scenario, "hour", "keir-starmer",
        (6, 10, "trailing", 24, 0.0, None, None, None, False),
    ),
    "hour-same-hour-of-week": (
        weekly_scenario, "hour", "keir-starmer",
        (4, 4, "same-time-of-week", 2, 1.0, 2.0, 2.0, 1.414, False),
    ),
}


class TestSpikes:
    @pytest.mark.parametrize(("scenario", "grain", "subject", "expected"), SPIKE_CASES.values(), ids=SPIKE_CASES.keys())
    def test_spike_figures_match_hand_computation(
        self,
        tmp_path: Path,
        scenario: Callable[[], RunTables],
        grain: str,
        subject: str,
        expected: tuple[object, ...],
    ) -> None:
        """Stories, volume, baseline kind and size, expected count, ratio, z-score and verdict are as computed."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, scenario())
            rows = con.execute(
                "select stories, all_stories, baseline_kind, baseline_windows, baseline_stories, expected_stories, "
                "ratio, zscore, is_spike from spikes where grain = ? and subject = ?",
                [grain, subject],
            ).fetchall()

        assert rounded(rows) == [expected]

    def test_current_window_ends_at_the_latest_completed_run(self, tmp_path: Path) -> None:
        """The demo's clock (a completed run's as_of) anchors the window, not the wall clock or a failed run."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, spike_scenario())
            ends = con.execute("select distinct window_end from spikes").fetchall()

        assert ends == [(AS_OF,)]
