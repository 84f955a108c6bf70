"""The stored baseline hours give the alert stage the answers it gave when it counted every window from the articles
(tests/warehouse/reference/ keeps those queries as they were), wherever definition (a) does not change them: clocks on
the hour, and stories whose copies all ran within one hour. The new-pairing rule reads fewer rows for the same pairs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from report_warehouse import RULES_FILE
from warehouse_rows import article, mention, run_tables, topic_mention

from flows.alerting import evaluate_rules, read_all_rules
from transforms.alerts import AlertRule, find_new_pairings, find_spikes, windows_needed
from warehouse import database
from warehouse.loads import load_run

END = datetime(2025, 3, 3, 9, tzinfo=UTC)
REFERENCE = Path(__file__).parent / "reference"
PEOPLE = ("keir-starmer", "elon-musk", "jess-phillips", "kemi-badenoch", "ed-davey")
TOPICS = ("nhs", "grooming-gangs")
CLOCKS = (END, END - timedelta(hours=5), END - timedelta(days=2), END - timedelta(days=9, hours=13))


def coverage() -> dict[str, list[dict[str, object]]]:
    """Seven weeks of hourly stories, each run by one to three outlets within its hour (so no story spans two
    windows); on the last day two people never named before run together, most in the last hour. The people of a
    story share its first sentence."""
    rng = random.Random(20250303)
    rows: dict[str, list[dict[str, object]]] = {"articles": [], "mentions": [], "topic_mentions": []}
    start = END - timedelta(weeks=7)
    number = 0
    for hour in range(7 * 7 * 24):
        surge = 7 if hour == 7 * 7 * 24 - 1 else 3 if hour >= 7 * 7 * 24 - 20 else 0
        for index in range(rng.choice((0, 1, 1, 2, 3)) + surge):
            number += 1
            people = ["chris-philp", "alexis-jay"] if index < surge else rng.sample(PEOPLE, rng.choice((1, 2, 3)))
            topics = rng.sample(TOPICS, rng.choice((0, 1)))
            minute = rng.randrange(1, 40)
            for copy in range(rng.choice((1, 1, 2, 3))):
                article_id = f"a{number}-{copy}"
                published = start + timedelta(hours=hour, minutes=minute + 5 * copy)
                outlet = f"outlet-{copy}"
                rows["articles"].append(article(article_id, published, source_id=outlet, story_id=f"a{number}"))
                rows["mentions"] += [mention(article_id, person, 10 * index) for index, person in enumerate(people)]
                rows["topic_mentions"] += [topic_mention(article_id, topic, 5) for topic in topics]
    return rows


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The coverage loaded a day at a time, as runs load it, so subject_hours is kept by the loads."""
    rows = coverage()
    with database.opened(tmp_path_factory.mktemp("answers") / "w.duckdb") as con:
        days = sorted({row["published_at"].date() for row in rows["articles"]})  # type: ignore[union-attr]
        for day in days:
            ids = {row["article_id"] for row in rows["articles"] if row["published_at"].date() == day}  # type: ignore[union-attr]
            load_run(con, run_tables(**{name: [row for row in table if row["article_id"] in ids]
                                        for name, table in rows.items()}))
        yield con


def reference(con: duckdb.DuckDBPyConnection, name: str, parameters: dict[str, object]) -> pl.DataFrame:
    return con.sql((REFERENCE / f"{name}.sql").read_text(encoding="utf-8"), params=parameters).pl()


def spike_rules() -> list[AlertRule]:
    return [rule for rule in read_all_rules(RULES_FILE) if rule.kind == "spike"]


def pairing_parameters(clock: datetime) -> dict[str, object]:
    window_start = clock - timedelta(hours=24)
    return {"as_of": clock, "window_start": window_start, "lookback_start": window_start - timedelta(days=14)}


class TestSameAnswersAsCountingFromArticles:
    @pytest.mark.parametrize("clock", CLOCKS, ids=lambda clock: clock.strftime("%d-%H%M"))
    def test_baseline_counts_are_the_ones_counted_from_articles(
        self, warehouse: duckdb.DuckDBPyConnection, clock: datetime
    ) -> None:
        """Every window each spike rule reads holds, per subject and for all coverage, the stories counting the
        articles gave."""
        for rule in spike_rules():
            windows = windows_needed(rule.spike_rule())
            every = {"as_of": clock, "window_hours": rule.window_hours, "windows": windows, "max_window": max(windows)}
            parameters = {**every, "subject_kind": rule.subject_kind}

            counts = database.query_frame(warehouse, "alert_counts", parameters)
            volume = database.query_frame(warehouse, "alert_volume", every)

            assert counts.rows() == reference(warehouse, "alert_counts_live", parameters).rows(), rule.rule_id
            assert volume.rows() == reference(warehouse, "alert_volume_live", every).rows(), rule.rule_id

    @pytest.mark.parametrize("clock", CLOCKS, ids=lambda clock: clock.strftime("%d-%H%M"))
    def test_alerts_are_the_ones_counting_from_articles_fired(
        self, warehouse: duckdb.DuckDBPyConnection, clock: datetime
    ) -> None:
        """The spikes and new pairings the alert stage finds, with their figures, are those the queries before the
        stored hours gave."""
        rules = [*spike_rules(), *(rule for rule in read_all_rules(RULES_FILE) if rule.kind == "new-pairing")]
        history_start = database.query_frame(warehouse, "alert_history_start")["history_start"][0]
        before = []
        for rule in rules:
            if rule.kind == "new-pairing":
                pairs = reference(warehouse, "alert_pairings_self_join", pairing_parameters(clock))
                before += find_new_pairings(pairs, as_of=clock, rule=rule, history_start=history_start)
                continue
            windows = windows_needed(rule.spike_rule())
            every = {"as_of": clock, "window_hours": rule.window_hours, "windows": windows, "max_window": max(windows)}
            counts = reference(warehouse, "alert_counts_live", {**every, "subject_kind": rule.subject_kind})
            before += find_spikes(counts, reference(warehouse, "alert_volume_live", every), as_of=clock,
                                  rule=rule.spike_rule(), subject_kind=rule.subject_kind, history_start=history_start)

        now = evaluate_rules(warehouse, rules, clock)

        assert sorted(now, key=repr) == sorted(before, key=repr)

    def test_the_comparison_sees_alerts_of_each_kind(self, warehouse: duckdb.DuckDBPyConnection) -> None:
        """The surge fires day and hour spikes and a new pairing, so agreement is not agreement on nothing."""
        rules = [rule for rule in read_all_rules(RULES_FILE) if rule.kind in {"spike", "new-pairing"}]

        fired = {alert.rule for alert in evaluate_rules(warehouse, rules, END)}

        assert {"spike-person-day", "spike-person-hour", "new-pairing"} <= fired

    def test_pairings_are_the_ones_the_self_join_found(self, warehouse: duckdb.DuckDBPyConnection) -> None:
        """At every hour of the last two days the pairs and their counts are the self-join's."""
        for hours in range(48):
            parameters = pairing_parameters(END - timedelta(hours=hours))

            pairs = database.query_frame(warehouse, "alert_pairings", parameters)

            assert pairs.rows() == reference(warehouse, "alert_pairings_self_join", parameters).rows()
