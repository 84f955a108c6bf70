"""One spike rule and one dead-feed rule: the views, the report's trend and the alert stage judge the same rows alike.

The alert stage applies the rules in Python (transforms.alerts) with thresholds read from seeds/alert_rules.csv;
the views apply them in SQL with the thresholds it stored. Fed the same warehouse, they must name the same spikes
with the same figures, and the same dead feeds.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from report_warehouse import RULES_FILE, store_shipped_rules
from warehouse_rows import article, feed_state, fetch, mention, run, run_tables, topic_mention

from flows.alerting import evaluate_rules, feed_health_rows, read_rules
from transforms import report_page
from transforms.alerts import find_feed_health
from warehouse import database
from warehouse.loads import RunTables, load_run

END = datetime(2025, 1, 27, 21, tzinfo=UTC)
PEOPLE = ("keir-starmer", "elon-musk", "jess-phillips", "kemi-badenoch")
TOPICS = ("nhs", "grooming-gangs")
# Clocks the rules are judged at: the latest run, an hour and a few hours before, days before, and the starts of a
# UTC day and of an hour (where the report's calendar windows and the alert stage's windows coincide); then clocks
# inside an hour and either side of its boundary, where the current window (from the clock) and the baseline's
# whole hours (from the last whole hour before it) part.
CLOCKS = (
    END,
    END - timedelta(hours=1),
    END - timedelta(hours=7),
    END - timedelta(days=3),
    datetime(2025, 1, 27, tzinfo=UTC),
    datetime(2025, 1, 27, 14, tzinfo=UTC),
    END - timedelta(minutes=25),
    datetime(2025, 1, 27, 14, 59, 59, tzinfo=UTC),
    datetime(2025, 1, 27, 15, 0, 1, tzinfo=UTC),
    datetime(2025, 1, 26, 23, 30, tzinfo=UTC),
)


def coverage() -> RunTables:
    """26 days of hourly coverage with syndicated copies, and surges: Starmer late on Jan 26, Badenoch's last hour.

    No article sits on an hour's boundary, so a window [start, end) and (start, end] hold the same articles.
    """
    rng = random.Random(20250127)
    articles, mentions, topic_mentions = [], [], []
    start = END - timedelta(days=26)

    def story(number: int, published: datetime, people: list[str], topics: list[str], story_id: str) -> None:
        article_id = f"a{number}"
        articles.append(article(article_id, published, source_id=rng.choice(("herald", "courier")), story_id=story_id))
        mentions.extend(mention(article_id, person, 10 * index) for index, person in enumerate(people))
        topic_mentions.extend(topic_mention(article_id, topic, 5 + 10 * index) for index, topic in enumerate(topics))

    number = 0
    for hour in range(26 * 24):
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            number += 1
            published = start + timedelta(hours=hour, minutes=rng.randrange(1, 59))
            # A fifth of the articles are copies of the one before: two articles, one story.
            story_id = f"a{number - 1}" if number > 1 and rng.random() < 0.2 else f"a{number}"
            story(number, published, rng.sample(PEOPLE, rng.choice((1, 1, 2))), rng.sample(TOPICS, rng.choice((0, 1))),
                  story_id)
    for index in range(16):
        number += 1
        story(number, END - timedelta(hours=23) + timedelta(minutes=3 + 7 * index), ["keir-starmer"], ["nhs"],
              f"a{number}")
    for index in range(5):
        number += 1
        story(number, END - timedelta(minutes=50 - 7 * index), ["kemi-badenoch"], [], f"a{number}")
    return run_tables(articles=articles, mentions=mentions, topic_mentions=topic_mentions)


def revisions(loaded: RunTables) -> list[RunTables]:
    """History changed after it was loaded: every ninth article re-extracted into the story of the article before it
    (re-clustered) naming Elon Musk instead, then a backfill that finds Jess Phillips in every seventh article."""
    articles = loaded.articles
    moved = articles.filter(pl.int_range(pl.len()) % 9 == 4).with_columns(
        story_id=pl.concat_str(pl.lit("a"), pl.col("article_id").str.slice(1).cast(pl.Int64) - 1)
    )
    moved_ids = tuple(moved["article_id"].to_list())
    revision = run_tables(mentions=[mention(article_id, "elon-musk", 0) for article_id in moved_ids])
    revision = replace(revision, articles=moved, replaced_article_ids=moved_ids)
    found = articles.filter(pl.int_range(pl.len()) % 7 == 2)["article_id"].to_list()
    kept = loaded.mentions.filter(pl.col("article_id").is_in(found) & ~pl.col("article_id").is_in(moved_ids))
    backfill = run_tables(mentions=[mention(article_id, "jess-phillips", 40) for article_id in found])
    backfill = replace(
        backfill, mentions=pl.concat([kept, backfill.mentions], how="diagonal_relaxed"),
        topic_mentions=loaded.topic_mentions.filter(pl.col("article_id").is_in(found)),
        replaced_article_ids=tuple(found),
    )
    return [revision, backfill]


@pytest.fixture(scope="module", params=["loaded", "revised"])
def warehouse(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The coverage as loaded, and the same after a revision that re-clusters and a backfill that re-derives."""
    with database.opened(tmp_path_factory.mktemp("one-rule") / "w.duckdb") as con:
        loaded = coverage()
        load_run(con, loaded)
        for changed in revisions(loaded) if request.param == "revised" else []:
            load_run(con, changed)
        store_shipped_rules(con)
        yield con


def set_clock(con: duckdb.DuckDBPyConnection, clock: datetime) -> None:
    """Make `clock` the latest completed run's, the clock the spikes view judges at."""
    con.execute("delete from runs")
    load_run(con, run_tables(runs=[run("clock", clock)]))


STORED_HOURS = "select subject_kind, subject, hour_start, stories from subject_hours where stories > 0 order by all"
RECOUNTED_HOURS = """
with firsts as (
    select subject_kind, subject, story_id, min(published_at) as first_at from base_subject_mentions group by all
    union all
    select 'all', 'all', story_id, min(published_at) from base_articles group by all
)
select subject_kind, subject, hour_of(first_at) as hour_start, count(*) as stories from firsts group by all order by all
"""


def alert_spikes(con: duckdb.DuckDBPyConnection, clock: datetime) -> dict[tuple[str, str], tuple[float, float]]:
    """What the alert stage would fire (before cool-down): rule and subject, with stories and expected count."""
    alerts = evaluate_rules(con, [rule for rule in read_rules(RULES_FILE) if rule.kind == "spike"], clock)
    return {(alert.rule, alert.subject): (alert.value, alert.expected) for alert in alerts}


class TestSpikeRule:
    @pytest.mark.parametrize("clock", CLOCKS, ids=lambda clock: clock.strftime("%d-%H%M%S"))
    def test_spikes_view_names_what_the_alert_stage_fires(
        self, warehouse: duckdb.DuckDBPyConnection, clock: datetime
    ) -> None:
        """At each clock the view's spikes are the alert stage's, rule by rule, with the same counts and expectation."""
        set_clock(warehouse, clock)

        fired = alert_spikes(warehouse, clock)
        viewed = {
            (rule, subject): (float(stories), expected)
            for rule, subject, stories, expected in warehouse.execute(
                "select rule_id, subject, stories, expected_stories from spikes where is_spike"
            ).fetchall()
        }

        # The alert keeps the expected count to 2 decimals, the view to 3.
        assert viewed.keys() == fired.keys()
        assert [viewed[key][0] for key in fired] == [fired[key][0] for key in fired]
        assert [viewed[key][1] for key in fired] == pytest.approx([fired[key][1] for key in fired], abs=0.006)

    def test_the_stored_hours_are_the_stories_first_copies(self, warehouse: duckdb.DuckDBPyConnection) -> None:
        """The baselines above read subject_hours: after the revision and the backfill it still holds the count of
        each story in the hour of its first copy naming the subject, as the stored rows give it."""
        stored = warehouse.execute(STORED_HOURS).fetchall()

        assert stored == warehouse.execute(RECOUNTED_HOURS).fetchall()

    def test_the_comparison_sees_spikes_of_both_widths(self, warehouse: duckdb.DuckDBPyConnection) -> None:
        """The data holds day and hour spikes, so agreement above is not agreement on nothing."""
        rules = set()
        for clock in CLOCKS:
            set_clock(warehouse, clock)
            rules |= {rule for rule, _ in alert_spikes(warehouse, clock)}

        assert {"spike-person-day", "spike-person-hour", "spike-topic-day"} <= rules

    @pytest.mark.parametrize(
        ("clock", "grain", "rule"),
        [(datetime(2025, 1, 27, tzinfo=UTC), "day", "spike-person-day"), (END, "hour", "spike-person-hour")],
        ids=["day", "hour"],
    )
    def test_report_trend_marks_what_the_alert_stage_fires(
        self, warehouse: duckdb.DuckDBPyConnection, clock: datetime, grain: str, rule: str
    ) -> None:
        """At the end of a UTC day or hour, the report's last window is a spike for exactly the people alerted."""
        set_clock(warehouse, clock)
        width = timedelta(days=1) if grain == "day" else timedelta(hours=1)

        fired = {subject for fired_rule, subject in alert_spikes(warehouse, clock) if fired_rule == rule}
        period = {"since": clock - timedelta(days=2), "until": clock - timedelta(seconds=1)}
        reach = database.query_frame(warehouse, "report_spike_reach", {**period, "as_of": clock})
        trend = database.query_frame(
            warehouse, "report_trend", {**period, "people": [], "read_from": reach["trend_read_from"][0]}
        )
        marked = set(
            trend.filter((trend["grain"] == grain) & (trend["bucket"] == clock - width) & trend["is_spike"])[
                "person_id"
            ].to_list()
        )

        assert fired and marked == fired


def feed_scenario() -> RunTables:
    """Feeds failing 2, 3 and 4 runs in a row, one recovered and one healthy, over four runs a day apart."""
    clock = END
    outcomes = {
        "steady": ["ok", "ok", "ok", "ok"],
        "wobbly": ["ok", "ok", "timeout", "http-5xx"],
        "broken": ["ok", "http-4xx", "dns", "timeout"],
        "gone": ["http-4xx", "http-4xx", "not-a-feed", "http-4xx"],
        "back": ["timeout", "timeout", "timeout", "ok"],
    }
    failing = {"wobbly": 2, "broken": 3, "gone": 4}
    runs = [run(f"r{n}", clock - timedelta(days=3 - n)) for n in range(4)]
    fetches = [
        fetch(f"r{n}", source, clock - timedelta(days=3 - n), outcome)
        for source, steps in outcomes.items()
        for n, outcome in enumerate(steps)
    ]
    states = [
        feed_state(source, failing[source], clock - timedelta(days=failing[source] - 1)) if source in failing
        else feed_state(source)
        for source in outcomes
    ]
    return run_tables(feed_fetches=fetches, feed_state=states, runs=runs)


class TestDeadFeedRule:
    def test_feed_health_calls_dead_what_the_alert_stage_reports_dead(self, tmp_path: Path) -> None:
        """Feeds failing at least the rule's dead_runs in a row are dead in the view and alerted as dead."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, feed_scenario())
            store_shipped_rules(con)
            rules = [rule for rule in read_rules(RULES_FILE) if rule.kind == "feed-health"]
            alerted = {alert.subject for alert in evaluate_rules(con, rules, END) if alert.event == "feed-dead"}
            dead = {row[0] for row in con.execute("select source_id from feed_health where state = 'dead'").fetchall()}

        assert (dead, alerted) == ({"broken", "gone"}, {"broken", "gone"})


# Each feed's fetch outcome at five runs a day apart; "parse-error!" is a damaged document whose entries were read.
FEED_STORY = {
    "steady": ["ok", "ok", "ok", "ok", "ok"],
    "wobbly": ["ok", "ok", "ok", "timeout", "http-5xx"],
    "broken": ["ok", "ok", "http-4xx", "dns", "timeout"],
    "back": ["timeout", "timeout", "timeout", "ok", "ok"],
    "damaged": ["ok", "timeout", "parse-error!", "parse-error!", "ok"],
    "shattered": ["ok", "ok", "parse-error", "parse-error", "parse-error"],
}
FEED_CLOCKS = tuple(END - timedelta(days=4 - n) for n in range(5))


def feeds_as_of(clock: datetime) -> RunTables:
    """The FEED_STORY runs up to `clock`, with each feed's failure streak as the fetch layer would have stored it."""
    done = [n for n, moment in enumerate(FEED_CLOCKS) if moment <= clock]
    runs = [run(f"r{n}", FEED_CLOCKS[n]) for n in done]
    fetches, states = [], []
    for source, outcomes in FEED_STORY.items():
        streak = 0
        for n in done:
            damaged = outcomes[n] == "parse-error!"
            outcome = "parse-error" if damaged else outcomes[n]
            fetches.append(fetch(f"r{n}", source, FEED_CLOCKS[n], outcome, entries_total=5 if damaged else 0))
            streak = 0 if outcome == "ok" or damaged else streak + 1
        since = FEED_CLOCKS[done[-1] - streak + 1] if streak else None
        states.append(feed_state(source, streak, since))
    return run_tables(feed_fetches=fetches, feed_state=states, runs=runs)


def report_states(con: duckdb.DuckDBPyConnection, clock: datetime) -> dict[str, str]:
    """The state the report's feed table shows for each feed (its outlet is the source id here)."""
    period = {"since": clock - timedelta(days=7), "until": clock}
    page = report_page.feed_health_table(database.query_frame(con, "report_feed_health", period))
    cells = r'<td data-label="outlet">([a-z]+)</td><td data-label="state"><span class="state state-([a-z-]+)"'
    return dict(re.findall(cells, page))


def alert_decisions(con: duckdb.DuckDBPyConnection, clock: datetime) -> tuple[set[str], set[str]]:
    """The feeds the alert stage calls dead, and those it would call fetching again were each in a reported outage."""
    rule = next(rule for rule in read_rules(RULES_FILE) if rule.kind == "feed-health")
    dead = {alert.subject for alert in evaluate_rules(con, [rule], clock) if alert.event == "feed-dead"}
    feeds = feed_health_rows(con, rule, clock)
    outages = dict.fromkeys(FEED_STORY, clock - timedelta(days=9))
    working = {alert.subject for alert in find_feed_health(feeds, outages, as_of=clock, rule=rule)
               if alert.event == "feed-recovered"}
    return dead, working


class TestOneFeedClassification:
    @pytest.mark.parametrize("clock", FEED_CLOCKS, ids=lambda clock: clock.strftime("%d-%Hh"))
    def test_view_report_and_alert_stage_classify_each_feed_alike(self, tmp_path: Path, clock: datetime) -> None:
        """At each run's clock the feed_health view, the report's feed table and the alert stage give each feed
        one answer: a damaged document read for its entries is 'damaged' everywhere, not healthy in the view."""
        with database.opened(tmp_path / "w.duckdb") as con:
            load_run(con, feeds_as_of(clock))
            store_shipped_rules(con)
            viewed = dict(con.execute("select source_id, state from feed_health").fetchall())
            shown = report_states(con, clock)
            dead, working = alert_decisions(con, clock)

        assert shown == viewed
        assert dead == {source for source, state in viewed.items() if state == "dead"}
        assert working == {source for source, state in viewed.items() if state in {"healthy", "recovered", "damaged"}}

    def test_the_story_reaches_every_state(self, tmp_path: Path) -> None:
        """The clocks above see a feed in each state, so agreement is not agreement on healthy feeds only."""
        states: set[str] = set()
        for number, clock in enumerate(FEED_CLOCKS):
            with database.opened(tmp_path / f"w{number}.duckdb") as con:
                load_run(con, feeds_as_of(clock))
                store_shipped_rules(con)
                states |= {state for (state,) in con.execute("select state from feed_health").fetchall()}

        assert states == {"healthy", "failing", "dead", "recovered", "damaged"}
