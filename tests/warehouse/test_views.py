"""Every analysts' view on a small hand-computed dataset: the rows a person would read off by hand."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from report_warehouse import store_shipped_rules
from warehouse_rows import AS_OF, article, feed_state, fetch, mention, run, run_tables, source, topic_mention

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


def named(id_column: str, rows: dict[str, str]) -> list[dict[str, object]]:
    return [{id_column: key, "name": name, "updated_at": AS_OF} for key, name in rows.items()]


def newsroom_tables() -> RunTables:
    """Four articles: a1/a2 are one story on Jan 5, a3/a4 one story on Jan 6 (see each view's expected rows).

    Rishi Sunak and housing are tracked but never named: the series give them rows of zeros.
    """
    hour = timedelta(hours=1)
    return run_tables(
        sources=[source("herald", "Herald"), source("courier", "Courier"), source("gazette", "Gazette"),
                 source("tribune", "Tribune"), source("weekly", "Weekly"), source("quiet", "Quiet"),
                 source("wire", "Wire")],
        people=named("person_id", {"keir-starmer": "Keir Starmer", "elon-musk": "Elon Musk",
                                   "jess-phillips": "Jess Phillips", "rishi-sunak": "Rishi Sunak"}),
        topics=named("topic_id", {"grooming-gangs": "Grooming gangs", "nhs": "NHS", "housing": "Housing"}),
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
            topic_mention("a3", "nhs", 40, sentence=2),
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
            *[fetch(f"r{n}", "wire", AS_OF + hour * n, "timeout") for n in (1, 2, 3)],
        ],
        # What the fetch layer stored after those fetches: failures in a row and since when.
        feed_state=[feed_state("herald"), feed_state("courier"), feed_state("weekly"),
                    feed_state("gazette", 5, AS_OF + hour), feed_state("tribune", 2, AS_OF + hour * 2),
                    feed_state("wire", 3, AS_OF + hour)],
        runs=[
            run("run-1", AS_OF, minutes=3),
            run("run-2", AS_OF + hour, status="failed"),
            # The fetching runs: started on the hour after AS_OF, their clocks a few minutes before it.
            *[{**run(f"r{n}", AS_OF + hour * n), "as_of": AS_OF - timedelta(minutes=7 - n)} for n in range(1, 7)],
        ],
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
        store_shipped_rules(con)
        yield con


def rounded(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [tuple(round(value, 3) if isinstance(value, float) else value for value in row) for row in rows]


WHOLE_WEEK = "timestamptz '2025-01-01 00:00+00', timestamptz '2025-01-07 00:00+00'"

EXPECTED_ROWS = {
    "base_articles": (
        "select article_id, outlet, story_id from base_articles order by all",
        [("a1", "Herald", "s1"), ("a2", "Courier", "s1"), ("a3", "Herald", "s3"), ("a4", "Courier", "s3")],
    ),
    "base_mentions": (
        "select article_id, count(*), any_value(story_id), any_value(outlet), any_value(title) from base_mentions "
        "group by all order by all",
        [("a1", 3, "s1", "Herald", "Headline a1"), ("a2", 2, "s1", "Courier", "Headline a2"),
         ("a3", 2, "s3", "Herald", "Headline a3"), ("a4", 3, "s3", "Courier", "Headline a4")],
    ),
    "base_topic_mentions": (
        "select article_id, topic_id, count(*), any_value(story_id), any_value(outlet) from base_topic_mentions "
        "group by all order by all",
        [("a1", "grooming-gangs", 1, "s1", "Herald"), ("a2", "nhs", 1, "s1", "Courier"),
         ("a3", "grooming-gangs", 2, "s3", "Herald"), ("a3", "nhs", 1, "s3", "Herald")],
    ),
    "base_subject_mentions": (
        "select subject_kind, subject, count(*), count(distinct story_id) from base_subject_mentions "
        "group by all order by all",
        [("person", "elon-musk", 4, 2), ("person", "jess-phillips", 3, 2), ("person", "keir-starmer", 3, 1),
         ("topic", "grooming-gangs", 3, 2), ("topic", "nhs", 2, 2)],
    ),
    "is_selected": (
        "select is_selected([], 'a'), is_selected(['a', 'b'], 'a'), is_selected(['b'], 'a')",
        [(True, True, False)],
    ),
    "base_subjects": (
        "select subject_kind, subject, name from base_subjects order by all",
        [("person", "elon-musk", "Elon Musk"), ("person", "jess-phillips", "Jess Phillips"),
         ("person", "keir-starmer", "Keir Starmer"), ("person", "rishi-sunak", "Rishi Sunak"),
         ("topic", "grooming-gangs", "Grooming gangs"), ("topic", "housing", "Housing"), ("topic", "nhs", "NHS")],
    ),
    "subject_series": (
        # Jan 4 lies before the first article (Jan 5 09:00): no row. Jan 6 counts up to 10:00 only, before a3 and a4:
        # a quiet day. Housing is tracked but never named.
        "select subject, subject_name, strftime(bucket, '%d %H'), articles, stories, mentions "
        "from subject_series('topic', 'day', timestamptz '2025-01-04 12:00+00', timestamptz '2025-01-06 10:00+00') "
        "order by all",
        [("grooming-gangs", "Grooming gangs", "05 00", 1, 1, 1), ("grooming-gangs", "Grooming gangs", "06 00", 0, 0, 0),
         ("housing", "Housing", "05 00", 0, 0, 0), ("housing", "Housing", "06 00", 0, 0, 0),
         ("nhs", "NHS", "05 00", 1, 1, 1), ("nhs", "NHS", "06 00", 0, 0, 0)],
    ),
    "alert_evidence": (
        # Starmer's a1 sentence 1 beats the headline; the topic's a3 sentence 1 too; the pair shares a3/a4 sentences.
        f"select 'person', article_id, snippet from alert_evidence('person', 'keir-starmer', null, {WHOLE_WEEK}) "
        f"union all select 'topic', article_id, snippet "
        f"from alert_evidence('topic', 'grooming-gangs', null, {WHOLE_WEEK}) "
        f"union all select 'pair', article_id, snippet "
        f"from alert_evidence('pair', 'elon-musk', 'jess-phillips', {WHOLE_WEEK}) "
        f"union all select 'watch', article_id, snippet "
        f"from alert_evidence('watch', 'jess-phillips', 'grooming-gangs', {WHOLE_WEEK}) order by all",
        [("pair", "a3", "Sentence 0 of a3."), ("pair", "a4", "Sentence 1 of a4."),
         ("person", "a1", "Sentence 1 of a1."), ("person", "a2", "Sentence 0 of a2."),
         ("topic", "a1", "Sentence 0."), ("topic", "a3", "Sentence 1."),
         ("watch", "a3", "Sentence 0 of a3.")],
    ),
    "mentions_daily": (
        "select person_id, person_name, cast(day as varchar), articles, stories, mentions from mentions_daily "
        "order by all",
        [("elon-musk", "Elon Musk", "2025-01-05", 1, 1, 1), ("elon-musk", "Elon Musk", "2025-01-06", 2, 1, 3),
         ("jess-phillips", "Jess Phillips", "2025-01-05", 1, 1, 1),
         ("jess-phillips", "Jess Phillips", "2025-01-06", 2, 1, 2),
         ("keir-starmer", "Keir Starmer", "2025-01-05", 2, 1, 3),
         ("keir-starmer", "Keir Starmer", "2025-01-06", 0, 0, 0),
         ("rishi-sunak", "Rishi Sunak", "2025-01-05", 0, 0, 0), ("rishi-sunak", "Rishi Sunak", "2025-01-06", 0, 0, 0)],
    ),
    "mentions_hourly": (
        "select person_id, strftime(hour, '%d %H'), articles, stories, mentions from mentions_hourly "
        "where mentions > 0 order by all",
        [("elon-musk", "05 09", 1, 1, 1), ("elon-musk", "06 11", 2, 1, 3), ("jess-phillips", "05 09", 1, 1, 1),
         ("jess-phillips", "06 11", 2, 1, 2), ("keir-starmer", "05 09", 2, 1, 3)],
    ),
    "topic_mentions_daily": (
        "select topic_id, topic_name, cast(day as varchar), articles, stories, mentions from topic_mentions_daily "
        "where mentions > 0 order by all",
        [("grooming-gangs", "Grooming gangs", "2025-01-05", 1, 1, 1),
         ("grooming-gangs", "Grooming gangs", "2025-01-06", 1, 1, 2),
         ("nhs", "NHS", "2025-01-05", 1, 1, 1), ("nhs", "NHS", "2025-01-06", 1, 1, 1)],
    ),
    "topic_mentions_hourly": (
        "select topic_id, strftime(hour, '%d %H'), articles, mentions from topic_mentions_hourly "
        "where mentions > 0 order by all",
        [("grooming-gangs", "05 09", 1, 1), ("grooming-gangs", "06 11", 1, 2), ("nhs", "05 09", 1, 1),
         ("nhs", "06 11", 1, 1)],
    ),
    "stories": (
        "select story_id, headline, strftime(first_published_at, '%d %H:%M'), outlets, articles, outlet_names, "
        "people, person_ids, topics, topic_ids from stories order by story_id",
        [("s1", "Headline a1", "05 09:00", 2, 2, ["Courier", "Herald"],
          ["Elon Musk", "Jess Phillips", "Keir Starmer"], ["elon-musk", "jess-phillips", "keir-starmer"],
          ["Grooming gangs", "NHS"], ["grooming-gangs", "nhs"]),
         ("s3", "Headline a3", "06 11:30", 2, 2, ["Courier", "Herald"], ["Elon Musk", "Jess Phillips"],
          ["elon-musk", "jess-phillips"], ["Grooming gangs", "NHS"], ["grooming-gangs", "nhs"])],
    ),
    "mention_details": (
        "select person_name, outlet, headline, url, strftime(published_at, '%d %H:%M'), sentence, matched_text, kind "
        "from mention_details where article_id = 'a4' order by char_start",
        [("Elon Musk", "Courier", "Headline a4", "https://courier.example/a4", "06 11:45", "Sentence 1 of a4.",
          "Musk", "surname"),
         ("Jess Phillips", "Courier", "Headline a4", "https://courier.example/a4", "06 11:45", "Sentence 1 of a4.",
          "Phillips", "full"),
         ("Elon Musk", "Courier", "Headline a4", "https://courier.example/a4", "06 11:45", "Sentence 1 of a4.",
          "Musk", "full")],
    ),
    "topic_share_of_voice": (
        "select cast(day as varchar), outlet, topic_name, articles, stories, mentions, share_of_outlet, "
        "share_of_topic from topic_share_of_voice order by all",
        [("2025-01-05", "Courier", "NHS", 1, 1, 1, 1.0, 1.0),
         ("2025-01-05", "Herald", "Grooming gangs", 1, 1, 1, 1.0, 1.0),
         ("2025-01-06", "Herald", "Grooming gangs", 1, 1, 2, 0.667, 1.0),
         ("2025-01-06", "Herald", "NHS", 1, 1, 1, 0.333, 1.0)],
    ),
    "share_of_voice": (
        "select cast(day as varchar), outlet, person_name, articles, mentions, share_of_outlet, share_of_person "
        "from share_of_voice order by all",
        [("2025-01-05", "Courier", "Jess Phillips", 1, 1, 0.5, 1.0),
         ("2025-01-05", "Courier", "Keir Starmer", 1, 1, 0.5, 0.5),
         ("2025-01-05", "Herald", "Elon Musk", 1, 1, 0.333, 1.0),
         ("2025-01-05", "Herald", "Keir Starmer", 1, 2, 0.667, 0.5),
         ("2025-01-06", "Courier", "Elon Musk", 1, 2, 0.667, 0.5),
         ("2025-01-06", "Courier", "Jess Phillips", 1, 1, 0.333, 0.5),
         ("2025-01-06", "Herald", "Elon Musk", 1, 1, 0.5, 0.5),
         ("2025-01-06", "Herald", "Jess Phillips", 1, 1, 0.5, 0.5)],
    ),
    "co_mentions_sentence": (
        "select person_a, person_a_name, person_b, person_b_name, sentences, articles from co_mentions_sentence "
        "order by all",
        [("elon-musk", "Elon Musk", "jess-phillips", "Jess Phillips", 2, 2),
         ("elon-musk", "Elon Musk", "keir-starmer", "Keir Starmer", 1, 1)],
    ),
    "co_mentions_article": (
        "select person_a, person_b, person_b_name, articles, stories, strftime(last_published_at, '%d %H:%M') "
        "from co_mentions_article order by all",
        [("elon-musk", "jess-phillips", "Jess Phillips", 2, 1, "06 11:45"),
         ("elon-musk", "keir-starmer", "Keir Starmer", 1, 1, "05 09:00"),
         ("jess-phillips", "keir-starmer", "Keir Starmer", 1, 1, "05 09:30")],
    ),
    "person_topic": (
        "select person_name, topic_name, articles, stories from person_topic order by all",
        [("Elon Musk", "Grooming gangs", 2, 2), ("Elon Musk", "NHS", 1, 1), ("Jess Phillips", "Grooming gangs", 1, 1),
         ("Jess Phillips", "NHS", 2, 2), ("Keir Starmer", "Grooming gangs", 1, 1), ("Keir Starmer", "NHS", 1, 1)],
    ),
    "latest_evidence": (
        "select person_name, evidence_rank, outlet, title, url, matched_text, snippet from latest_evidence "
        "where person_id = 'elon-musk' order by evidence_rank",
        [("Elon Musk", 1, "Courier", "Headline a4", "https://courier.example/a4", "Musk", "Sentence 1 of a4."),
         ("Elon Musk", 2, "Herald", "Headline a3", "https://herald.example/a3", "Musk", "Sentence 0 of a3."),
         ("Elon Musk", 3, "Herald", "Headline a1", "https://herald.example/a1", "Musk", "Sentence 0 of a1.")],
    ),
    "windowed_subject_mentions": (
        # Hourly windows back from AS_OF (Jan 6 12:00), window n holding ages over n hours up to n + 1: a3 and a4
        # are in window 0, a1 (27 hours old) and a2 (26.5) in window 26; only those two windows are asked for.
        "select subject, \"window\", count(distinct story_id), count(*) from windowed_subject_mentions('person', "
        "timestamptz '2025-01-06 12:00+00', 1, [0, 26], 30) group by all order by all",
        [("elon-musk", 0, 1, 3), ("elon-musk", 26, 1, 1), ("jess-phillips", 0, 1, 2), ("jess-phillips", 26, 1, 1),
         ("keir-starmer", 26, 1, 3)],
    ),
    "feed_health": (
        "select source_id, state, strftime(failing_since, '%H'), consecutive_failures, hard_failures_in_a_row, "
        "strftime(recovered_at, '%H') from feed_health order by source_id",
        # Dead is the alert rule's 3 failures in a row (feed-dead, dead_runs 3): wire's 3 timeouts are dead too.
        # Weekly's latest document was damaged but its entries were read: working, and called damaged (not healthy).
        [("courier", "recovered", None, 0, 0, "14"), ("gazette", "dead", "13", 5, 5, None),
         ("herald", "healthy", None, 0, 0, None), ("quiet", "never-fetched", None, 0, 0, None),
         ("tribune", "failing", "14", 2, 0, None), ("weekly", "damaged", None, 0, 0, None),
         ("wire", "dead", "13", 3, 0, None)],
    ),
    "quote_pickup": (
        "select person_id, quote_text, first_outlet, outlets, articles, stories from quote_pickup order by all",
        [("helena-marsh", PICKED_UP, "Herald", 2, 2, 1),
         ("tobias-wren", "Fictional test words from the day before.", "Herald", 1, 1, 1)],
    ),
    "run_history": (
        "select run_id, status, duration_s, load_method, articles_stored, mentions_stored, feeds_fetched, feeds_ok "
        "from run_history where run_id in ('run-1', 'run-2', 'r1') order by run_id",
        [("r1", "completed", 120.0, "direct", 0, 0, 6, 2), ("run-1", "completed", 180.0, "direct", 4, 10, 0, 0),
         ("run-2", "failed", 120.0, "direct", 0, 0, 0, 0)],
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

        assert stems == set(EXPECTED_ROWS) | {"spikes", "spike_scores"}


SERIES_SHAPES = {
    "mentions_hourly": ("person_id", "hour", (4, 28, "2025-01-05 09:00:00+00", "2025-01-06 12:00:00+00",
                                               "TIMESTAMP WITH TIME ZONE")),
    "mentions_daily": ("person_id", "day", (4, 2, "2025-01-05", "2025-01-06", "DATE")),
    "topic_mentions_hourly": ("topic_id", "hour", (3, 28, "2025-01-05 09:00:00+00", "2025-01-06 12:00:00+00",
                                                    "TIMESTAMP WITH TIME ZONE")),
    "topic_mentions_daily": ("topic_id", "day", (3, 2, "2025-01-05", "2025-01-06", "DATE")),
}


class TestSeries:
    @pytest.mark.parametrize(("view", "subject", "time", "expected"),
                             [(view, *shape) for view, shape in SERIES_SHAPES.items()], ids=SERIES_SHAPES.keys())
    def test_every_subject_has_every_hour_or_day_of_the_data(
        self, newsroom: duckdb.DuckDBPyConnection, view: str, subject: str, time: str, expected: tuple[object, ...]
    ) -> None:
        """Each tracked subject gets one row per hour or day from the first article to the latest run, zone kept."""
        row = newsroom.execute(
            f"select count(distinct {subject}), count(*) // count(distinct {subject}), cast(min({time}) as varchar), "
            f"cast(max({time}) as varchar), typeof(any_value({time})) from {view}"
        ).fetchone()

        assert row == expected

    def test_infinite_bounds_typed_as_plain_strings_give_the_datas_own_range(
        self, newsroom: duckdb.DuckDBPyConnection
    ) -> None:
        """`'-infinity'` and `'infinity'`, as docs/warehouse.md says to write them, and a plain date string, bind
        (they were ambiguous to DuckDB 2.0's time zone function) and read the same as typed bounds."""
        typed = newsroom.execute(
            "select * from subject_series('topic', 'day', timestamptz '-infinity', timestamptz 'infinity') order by all"
        ).fetchall()
        plain = newsroom.execute(
            "select * from subject_series('topic', 'day', '-infinity', 'infinity') order by all").fetchall()
        dated = newsroom.execute(
            "select * from subject_series('topic', 'day', '2025-01-01', '2025-12-31') order by all").fetchall()

        assert typed and plain == typed == dated


# Written once, in the staging layer (base_articles, is_selected): a copy elsewhere is how they drifted apart.
STAGED_RULES = {
    "an article's story": re.compile(r"coalesce\(\s*(?:\w+\.)?story_id\s*,\s*(?:\w+\.)?article_id\s*\)", re.I),
    "the --people filter": re.compile(r"list_contains\(\s*cast\(\s*\$people", re.I),
}
STAGING_FILES = {"base_articles.sql", "is_selected.sql"}


def sql_files() -> list[Path]:
    return sorted([*database.VIEWS_DIR.glob("*.sql"), *database.QUERIES_DIR.glob("*.sql")])


class TestBaseLayer:
    @pytest.mark.parametrize("rule", STAGED_RULES, ids=STAGED_RULES)
    def test_shared_rules_are_written_only_in_the_staging_layer(self, rule: str) -> None:
        """No view or named query outside the staging files spells out a rule the staging layer writes once."""
        copies = [
            path.name
            for path in sql_files()
            if path.name not in STAGING_FILES
            and STAGED_RULES[rule].search(database.strip_comments(path.read_text(encoding="utf-8")))
        ]

        assert copies == []

    def test_unclustered_article_is_its_own_story_and_unknown_outlet_its_source(self, tmp_path: Path) -> None:
        """An article without a story id counts as a story of its own; a feed missing from sources shows its id."""
        loose = {**article("loose", AS_OF, source_id="gone"), "story_id": None}
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, run_tables(articles=[loose]))
            rows = con.execute("select story_id, outlet from base_articles").fetchall()

        assert rows == [("loose", "gone")]

    def test_mention_without_a_time_copy_still_joins_its_article(self, tmp_path: Path) -> None:
        """A mention inserted by hand, without the load's copy of published_at, is still read with its article."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, run_tables(articles=[article("a1", AS_OF)], mentions=[mention("a1", "keir-starmer", 0)]))
            con.execute(
                "insert into mentions (article_id, person_id, char_start, char_end, matched_text, kind, "
                "sentence_index, snippet, run_id) values ('a1', 'elon-musk', 9, 13, 'Musk', 'full', 0, 's', 'r')"
            )
            rows = con.execute(
                "select person_id, published_at from base_mentions where published_at >= ? order by 1", [AS_OF]
            ).fetchall()

        assert rows == [("elon-musk", AS_OF), ("keir-starmer", AS_OF)]

    def test_windowed_mentions_are_the_views_rows_in_those_windows(self, tmp_path: Path) -> None:
        """windowed_subject_mentions returns what filtering base_subject_mentions by window does, a mention without
        the time copy included, and nothing from the hours between the windows asked for."""
        hour = timedelta(hours=1)
        week = [article(f"w{n}", AS_OF - hour * n - hour / 3, story_id=f"s{n % 4}") for n in range(0, 200, 7)]
        tables = run_tables(
            articles=week,
            mentions=[mention(row["article_id"], "keir-starmer", 0) for row in week],
            topic_mentions=[topic_mention(row["article_id"], "nhs", 5) for row in week],
        )
        windows = [0, 1, 2, 168]
        found = {}
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, tables)
            con.execute(
                "insert into mentions (article_id, person_id, char_start, char_end, matched_text, kind, "
                "sentence_index, snippet, run_id) values ('w168', 'elon-musk', 9, 13, 'Musk', 'full', 0, 's', 'r')"
            )
            for kind in ("person", "topic"):
                macro = con.execute(
                    "select subject, \"window\", story_id from windowed_subject_mentions(?, ?, 1, ?, 168) "
                    "order by all",
                    [kind, AS_OF, windows],
                ).fetchall()
                view = con.execute(
                    "select subject, window_number(?, 1, published_at) as w, story_id from base_subject_mentions "
                    "where subject_kind = ? and published_at <= ? and published_at > ? - interval 169 hours "
                    "and list_contains(?, w) order by all",
                    [AS_OF, kind, AS_OF, AS_OF, windows],
                ).fetchall()

                assert macro == view
                found[kind] = macro

        # w0 is in window 0 and w168 in window 168; w7 to w161 lie in windows not asked for.
        assert found["person"] == [("elon-musk", 168, "s0"), ("keir-starmer", 0, "s0"), ("keir-starmer", 168, "s0")]
        assert found["topic"] == [("nhs", 0, "s0"), ("nhs", 168, "s0")]

    def test_alert_evidence_window_excludes_its_start(self, newsroom: duckdb.DuckDBPyConnection) -> None:
        """A window (start, end] leaves out an article published exactly at its start."""
        rows = newsroom.execute(
            "select article_id from alert_evidence('person', 'keir-starmer', null, ?, ?)", [DAY_BEFORE, AS_OF]
        ).fetchall()

        assert rows == [("a2",)]


class TestAlertQueries:
    def test_pairings_count_distinct_stories_in_the_window_and_the_lookback(self, tmp_path: Path) -> None:
        """Starmer and Musk share a sentence in two window stories (one story of two copies, one naming Musk twice),
        in one lookback story, and in one story before the lookback, which is not read."""
        hour = timedelta(hours=1)
        articles = [article("now-1", AS_OF - hour, story_id="s-now"),
                    article("now-2", AS_OF - hour * 2, story_id="s-now"),
                    article("now-3", AS_OF - hour * 3, story_id="s-now-3"),
                    article("week", AS_OF - timedelta(days=7), story_id="s-week"),
                    article("old", AS_OF - timedelta(days=20), story_id="s-old")]
        mentions = [mention(row["article_id"], person, start, sentence=1)
                    for row in articles for person, start in (("keir-starmer", 0), ("elon-musk", 20))]
        mentions.append(mention("now-3", "elon-musk", 40, sentence=1, kind="surname"))
        mentions.append(mention("now-3", "jess-phillips", 60, sentence=2))
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, run_tables(articles=articles, mentions=mentions))
            pairs = database.query_frame(
                con,
                "alert_pairings",
                {"as_of": AS_OF, "window_start": AS_OF - timedelta(days=1),
                 "lookback_start": AS_OF - timedelta(days=15)},
            )

        assert pairs.rows() == [("elon-musk", "keir-starmer", 2, 1)]


# From just after a1 (Jan 5 09:00) to the end of Jan 6: a2 is in, a1 out (see newsroom_tables).
PERIOD = {"since": DAY_BEFORE + timedelta(minutes=15), "until": datetime(2025, 1, 6, 23, tzinfo=AS_OF.tzinfo)}


class TestReportQueries:
    def test_topic_trend_counts_the_period_with_quiet_days_as_zeros(self, newsroom: duckdb.DuckDBPyConnection) -> None:
        """Grooming gangs' Jan 5 story (a1) is before the period, so its Jan 5 is a zero; NHS has a2 on Jan 5."""
        frame = database.query_frame(newsroom, "report_topic_trend", PERIOD)
        rows = [(row["topic"], str(row["day"].date()), row["stories"], row["articles"])
                for row in frame.iter_rows(named=True)]

        assert rows == [("Grooming gangs", "2025-01-05", 0, 0), ("Grooming gangs", "2025-01-06", 1, 1),
                        ("NHS", "2025-01-05", 1, 1), ("NHS", "2025-01-06", 1, 1)]

    def test_top_outlets_count_articles_naming_the_selected_people(self, newsroom: duckdb.DuckDBPyConnection) -> None:
        """Of the period's articles, Courier's a2 and a4 and Herald's a3; Musk is named in a3 and a4 only."""
        frame = database.query_frame(newsroom, "report_top_outlets", {**PERIOD, "people": ["elon-musk"], "limit": 5})

        assert frame.select("outlet", "articles", "stories", "articles_naming_people").rows() == [
            ("Courier", 2, 2, 1), ("Herald", 1, 1, 1)]


@pytest.fixture(scope="module")
def tied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Three one-article stories at the same minute, stored last story first; two people named as often as
    each other at each outlet, stored last name first."""
    moment = AS_OF - timedelta(hours=2)
    stories = ["s-zulu", "s-mike", "s-alpha"]
    tables = run_tables(
        sources=[source("herald", "Herald"), source("courier", "Courier")],
        articles=[article(f"a-{story}", moment, story_id=story) for story in stories],
        mentions=[mention(f"a-{story}", person, start)
                  for story in stories for person, start in (("keir-starmer", 0), ("elon-musk", 20))],
    )
    with database.opened(tmp_path_factory.mktemp("ties") / "w.duckdb") as con:
        load_run(con, tables)
        yield con


class TestReportTies:
    """Tied rows come out in one stated order, so the same warehouse always gives the same report."""

    def test_top_stories_cut_at_the_limit_keeps_the_first_story_ids(self, tied: duckdb.DuckDBPyConnection) -> None:
        """Stories level on outlets, articles and time are ranked by story id, so the cut keeps the same ones."""
        frame = database.query_frame(tied, "report_top_stories", {**PERIOD, "since": AS_OF - timedelta(days=1),
                                                                   "people": [], "limit": 2})

        assert frame["story_id"].to_list() == ["s-alpha", "s-mike"]

    def test_share_of_voice_ranks_level_people_by_id(self, tied: duckdb.DuckDBPyConnection) -> None:
        """Two people with the same mentions at an outlet come out in person-id order."""
        frame = database.query_frame(tied, "report_share_of_voice", {**PERIOD, "since": AS_OF - timedelta(days=1),
                                                                      "people": []})

        assert frame.select("outlet", "person_id", "mentions").rows() == [
            ("Herald", "elon-musk", 3), ("Herald", "keir-starmer", 3)]


def test_report_co_mentions_count_stories_and_articles_per_pair(tmp_path: Path) -> None:
    """Starmer and Musk share two copies of one story and one article of another; Phillips shares one with Musk; an
    article not yet matched to a story is a story of its own."""
    moment = AS_OF - timedelta(hours=3)
    articles = [article("a1", moment, story_id="s1"), article("a2", moment, source_id="courier", story_id="s1"),
                article("a3", moment, story_id="s2"), article("a4", moment, story_id="s4")]
    articles[3]["story_id"] = None
    pairs = {"a1": ("keir-starmer", "elon-musk"), "a2": ("keir-starmer", "elon-musk"),
             "a3": ("keir-starmer", "elon-musk", "jess-phillips"), "a4": ("elon-musk", "jess-phillips")}
    mentions = [mention(article_id, person, 10 * index)
                for article_id, people in pairs.items() for index, person in enumerate(people)]
    with database.opened(tmp_path / "w.duckdb") as con:
        load_run(con, run_tables(sources=[source("herald", "Herald"), source("courier", "Courier")],
                                 articles=articles, mentions=mentions))
        frame = database.query_frame(con, "report_co_mentions",
                                     {"since": AS_OF - timedelta(days=1), "until": AS_OF, "people": []})

    assert frame.select("person_id", "other_person_id", "stories", "articles").rows() == [
        ("elon-musk", "jess-phillips", 2, 2), ("elon-musk", "keir-starmer", 2, 3),
        ("jess-phillips", "elon-musk", 2, 2), ("jess-phillips", "keir-starmer", 1, 1),
        ("keir-starmer", "elon-musk", 2, 3), ("keir-starmer", "jess-phillips", 1, 1)]


def test_a_storys_headline_and_link_come_from_one_article_when_copies_tie(tmp_path: Path) -> None:
    """Copies published at the same minute: the headline and its link are both the first copy's by article id,
    never one copy's headline linked to another copy."""
    moment = AS_OF - timedelta(hours=3)
    copies = [article(article_id, moment, source_id=outlet, story_id="s1")
              for article_id, outlet in (("c-9", "herald"), ("c-5", "courier"), ("c-7", "gazette"), ("c-1", "wire"))]
    with database.opened(tmp_path / "w.duckdb") as con:
        load_run(con, run_tables(sources=[source(name, name.title()) for name in ("herald", "courier", "gazette",
                                                                                   "wire")], articles=copies))
        rows = con.execute("select headline, url from stories_between(?::timestamptz, ?::timestamptz)",
                           [AS_OF - timedelta(days=1), AS_OF]).fetchall()

    assert rows == [("Headline c-1", "https://wire.example/c-1")]


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


def weekly_scenario(weeks: int = 3) -> RunTables:
    """Starmer's current hour (4 of 4 stories) against the same hour in each earlier week (1 of 2 each)."""
    articles, mentions = [], []
    layout = {0: (4, 4), **{week: (2, 1) for week in range(1, weeks + 1)}}
    for week, (stories, with_starmer) in layout.items():
        for number in range(stories):
            article_id = f"w{week}-{number}"
            articles.append(article(article_id, AS_OF - timedelta(hours=168 * week, minutes=30)))
            if number < with_starmer:
                mentions.append(mention(article_id, "keir-starmer", 0))
    # Busy hour two hours ago, outside the same-hour-of-week baseline: it must not count there.
    articles += [article(f"noise-{number}", AS_OF - timedelta(hours=2, minutes=30)) for number in range(5)]
    return run_tables(articles=articles, mentions=mentions, runs=[run("run-1", AS_OF)])


# The shipped rules: a day against the 6 days before (floor 5, ratio 2, z 2); an hour against the same hour of 3+
# earlier weeks, else the trailing 24 hours once 12 are covered (floor 4, ratio 3, z 3).
SPIKE_CASES = {
    "day-starmer-spikes": (
        spike_scenario, "day", "keir-starmer",
        (6, 10, "trailing", 3, 1.0, 1.0, 6.0, 5.0, True),
    ),
    "day-musk-steady": (
        spike_scenario, "day", "elon-musk",
        (2, 10, "trailing", 3, 2.0, 2.0, 1.0, 0.0, False),
    ),
    "hour-without-baseline-stories-never-spikes": (
        spike_scenario, "hour", "keir-starmer",
        (6, 10, "trailing", 24, 0.0, None, None, None, False),
    ),
    "hour-same-hour-of-three-weeks": (
        weekly_scenario, "hour", "keir-starmer",
        (4, 4, "same-time-of-week", 3, 1.0, 2.0, 2.0, 1.414, False),
    ),
    "hour-two-weeks-is-trailing": (
        lambda: weekly_scenario(weeks=2), "hour", "keir-starmer",
        (4, 4, "trailing", 24, 0.0, 0.5, 8.0, 4.95, True),
    ),
}
SPIKE_COLUMNS = (
    "stories, all_stories, baseline_kind, baseline_windows, baseline_stories, expected_stories, ratio, zscore, is_spike"
)


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
            store_shipped_rules(con)
            rows = con.execute(
                f"select {SPIKE_COLUMNS} from spikes where grain = ? and subject_kind = 'person' and subject = ?",
                [grain, subject],
            ).fetchall()

        assert rounded(rows) == [expected]

    def test_current_window_ends_at_the_latest_completed_run(self, tmp_path: Path) -> None:
        """The demo's clock (a completed run's as_of) anchors the window, not the wall clock or a failed run."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, spike_scenario())
            store_shipped_rules(con)
            ends = con.execute("select distinct window_end from spikes").fetchall()

        assert ends == [(AS_OF,)]

    def test_thresholds_come_from_the_stored_rules(self, tmp_path: Path) -> None:
        """Raising the stored day rule's floor above Starmer's 6 stories ends his spike: nothing is hard-coded."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, spike_scenario())
            store_shipped_rules(con)
            con.execute("update alert_rules set min_stories = 7 where rule_id = 'spike-person-day'")
            rows = con.execute(
                "select rule_id, stories, min_stories, is_spike from spikes where subject = 'keir-starmer' "
                "and grain = 'day'"
            ).fetchall()

        assert rows == [("spike-person-day", 6, 7, False)]

    def test_no_stored_rules_judge_nothing(self, tmp_path: Path) -> None:
        """Before any alert stage stored the rules, the view has no rule to apply and says nothing."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, spike_scenario())
            rows = con.execute("select count(*) from spikes").fetchall()

        assert rows == [(0,)]


class TestSpikeScores:
    def test_reach_given_as_a_constant_reads_the_same(self, tmp_path: Path) -> None:
        """Passing spike_reach's answer as read_from, as the report does, changes no row of the judgement."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, weekly_scenario())
            store_shipped_rules(con)
            computed = con.execute("select * from spikes_at(?) order by all", [AS_OF]).fetchall()
            given = con.execute(
                "select * from spikes_at(?, read_from := spike_reach(?, ?, false)) order by all", [AS_OF] * 3
            ).fetchall()

        assert len(computed) == 2 and given == computed

    def test_kinds_asked_for_are_judged_as_with_every_kind(self, tmp_path: Path) -> None:
        """subject_kinds := ['person'] (the report's trend) gives the people's rows of the full judgement, no topic."""
        tables = weekly_scenario()
        topics = [topic_mention(row["article_id"], "nhs", 5) for row in tables.articles.head(6).iter_rows(named=True)]
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, run_tables(articles=tables.articles.to_dicts(), mentions=tables.mentions.to_dicts(),
                                     topic_mentions=topics, runs=tables.runs.to_dicts()))
            store_shipped_rules(con)
            every = con.execute(
                "select * from spike_scores(?, ?, true) where subject_kind = 'person' order by all",
                [AS_OF, AS_OF - timedelta(days=1)],
            ).fetchall()
            people = con.execute(
                "select * from spike_scores(?, ?, true, subject_kinds := ['person']) order by all",
                [AS_OF, AS_OF - timedelta(days=1)],
            ).fetchall()
            topic_rows = con.execute(
                "select count(*) from spike_scores(?, ?, true) where subject_kind = 'topic'",
                [AS_OF, AS_OF - timedelta(days=1)],
            ).fetchall()

        assert topic_rows != [(0,)] and len(every) > 0 and people == every

    def test_a_mention_without_a_time_copy_is_counted(self, tmp_path: Path) -> None:
        """A mention inserted by hand without the load's copy of published_at still counts for its article's window."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, weekly_scenario())
            store_shipped_rules(con)
            con.execute(
                "insert into mentions (article_id, person_id, char_start, char_end, matched_text, kind, "
                "sentence_index, snippet, run_id) values ('w0-0', 'elon-musk', 9, 13, 'Musk', 'full', 0, 's', 'r')"
            )
            rows = con.execute(
                "select stories, all_stories from spikes where grain = 'hour' and subject = 'elon-musk'"
            ).fetchall()

        assert rows == [(1, 4)]


    def test_calendar_days_are_judged_like_the_clock(self, tmp_path: Path) -> None:
        """On calendar days, each day of the period gets the rule's verdict on its own UTC day and the days before."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, spike_scenario())
            store_shipped_rules(con)
            rows = con.execute(
                "select strftime(window_start, '%d %H'), stories, all_stories, baseline_windows, "
                "round(expected_stories, 3), is_spike from spike_scores(?, ?, true) "
                "where rule_id = 'spike-person-day' and subject = 'keir-starmer' order by window_start",
                [AS_OF, AS_OF - timedelta(days=1)],
            ).fetchall()

        # Jan 5: 1 story of 10, and only Jan 3-4 lie after the first article (Jan 3 10:00): 2 baseline days of the
        # 3 the rule needs, so no expectation. Jan 6 (counted up to noon): 6 of 10 against 1 of 10 on each of
        # Jan 3, 4 and 5: expected 1, a spike.
        assert rows == [("05 00", 1, 10, 2, None, False), ("06 00", 6, 10, 3, 1.0, True)]
