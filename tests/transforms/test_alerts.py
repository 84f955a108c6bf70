"""Alert rules over windowed counts: spikes, new pairings, watch terms, feed health, cool-down and the rules file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from transforms.alerts import (
    AlertRule,
    SpikeRule,
    alert_details,
    alert_from_row,
    apply_cooldown,
    find_feed_health,
    find_new_pairings,
    find_spikes,
    find_watch_terms,
    parse_alert_rules,
)
from transforms.watchlist import SeedError

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)
DAY_RULE = SpikeRule(name="spike-person-day", baseline_windows=6)


def counts(rows: dict[str, list[int]]) -> pl.DataFrame:
    """subject -> stories per window, window 0 first."""
    return pl.DataFrame(
        [{"subject": subject, "window": window, "stories": stories}
         for subject, series in rows.items() for window, stories in enumerate(series)]
    )


def volume(series: list[int]) -> pl.DataFrame:
    return pl.DataFrame([{"window": window, "stories": stories} for window, stories in enumerate(series)])


class TestFindSpikes:
    def test_surge_fires_with_its_figures(self) -> None:
        """A person in 10 of 13 stories after 1-2 a day of 6 fires, with ratio and baseline explained."""
        alerts = find_spikes(
            counts({"keir-starmer": [10, 2, 1, 2, 1, 2, 1]}), volume([13, 6, 6, 6, 6, 6, 6]),
            as_of=AS_OF, rule=DAY_RULE, subject_kind="person",
        )

        assert [(a.subject, a.value, a.baseline, a.expected, a.ratio) for a in alerts] == [
            ("keir-starmer", 10, 1.5, 3.25, 3.08)
        ]

    def test_busy_day_does_not_fire_for_everyone(self) -> None:
        """Doubling everyone's coverage on a doubled news day is not a spike."""
        alerts = find_spikes(
            counts({"elon-musk": [10, 5, 5, 5, 5, 5, 5]}), volume([20, 10, 10, 10, 10, 10, 10]),
            as_of=AS_OF, rule=DAY_RULE, subject_kind="person",
        )

        assert alerts == []

    @pytest.mark.parametrize("current", [3, 4])
    def test_below_the_floor_never_fires(self, current: int) -> None:
        """Under the minimum story count even a large ratio is noise."""
        alerts = find_spikes(
            counts({"alexis-jay": [current, 0, 0, 0, 0, 0, 0]}), volume([10] * 7),
            as_of=AS_OF, rule=DAY_RULE, subject_kind="person",
        )

        assert alerts == []

    def test_young_warehouse_does_not_fire(self) -> None:
        """With less history than the rule's minimum, nothing is judged a spike."""
        alerts = find_spikes(
            counts({"keir-starmer": [10, 1, 0, 0, 0, 0, 0]}), volume([13, 6, 0, 0, 0, 0, 0]),
            as_of=AS_OF, rule=DAY_RULE, subject_kind="person", history_start=AS_OF - timedelta(days=2),
        )

        assert alerts == []

    @pytest.mark.parametrize(
        ("history_days", "label"),
        [(40, "same hour of week over 5 weeks"), (3, "trailing 24 hours")],
    )
    def test_hour_rule_uses_hour_of_week_when_history_allows(self, history_days: int, label: str) -> None:
        """The hourly rule compares with the same hour of earlier weeks once enough weeks exist."""
        rule = SpikeRule(name="spike-person-hour", window_hours=1, baseline_windows=24, seasonal_period=168,
                         min_stories=4, min_ratio=3, min_zscore=3, min_history_windows=12)
        windows = [0, *range(1, 25), *(168 * k for k in range(1, 13))]
        frame = pl.DataFrame({"subject": ["keir-starmer"] * len(windows), "window": windows,
                              "stories": [8] + [1] * (len(windows) - 1)})
        total = pl.DataFrame({"window": windows, "stories": [10] * len(windows)})

        alerts = find_spikes(frame, total, as_of=AS_OF, rule=rule, subject_kind="person",
                             history_start=AS_OF - timedelta(days=history_days))

        assert [alert.baseline_label for alert in alerts] == [label]

    def test_same_window_gives_the_same_alert_id(self) -> None:
        """Evaluating the same window twice yields the same id, so storage can refuse the repeat."""
        args = (counts({"keir-starmer": [10, 1, 1, 1, 1, 1, 1]}), volume([12, 6, 6, 6, 6, 6, 6]))

        first = find_spikes(*args, as_of=AS_OF, rule=DAY_RULE, subject_kind="person")
        second = find_spikes(*args, as_of=AS_OF, rule=DAY_RULE, subject_kind="person")

        assert [a.alert_id for a in first] == [a.alert_id for a in second] != []


PAIR_RULE = AlertRule(rule_id="new-pairing", kind="new-pairing", subject_kind="pair", min_stories=3,
                      lookback_days=14)


class TestNewPairings:
    @pytest.mark.parametrize(
        ("current", "earlier", "history_days", "fires"),
        [(3, 0, 30, True), (2, 0, 30, False), (5, 1, 30, False), (5, 0, 10, False)],
        ids=["new", "too-few", "seen-before", "history-too-short"],
    )
    def test_fires_only_for_a_first_pairing_with_history(
        self, current: int, earlier: int, history_days: int, fires: bool
    ) -> None:
        """A pair fires when named together in enough stories now, never before, and history covers the lookback."""
        pairs = pl.DataFrame({"person_a": ["elon-musk"], "person_b": ["jess-phillips"], "current": [current],
                              "earlier": [earlier]})

        alerts = find_new_pairings(pairs, as_of=AS_OF, rule=PAIR_RULE,
                                   history_start=AS_OF - timedelta(days=history_days))

        assert [alert.subject for alert in alerts] == (["elon-musk+jess-phillips"] if fires else [])


class TestWatchTerms:
    @pytest.mark.parametrize(("today", "fires"), [(5, True), (4, False)])
    def test_threshold(self, today: int, fires: bool) -> None:
        """A person with a topic fires once it reaches the threshold of stories in the window."""
        rule = AlertRule(rule_id="watch", kind="watch-term", subject_kind="watch",
                         subjects=("elon-musk", "grooming-gangs"), min_stories=5)

        alerts = find_watch_terms(volume([today, 1, 2]), as_of=AS_OF, rule=rule)

        assert [alert.subject for alert in alerts] == (["elon-musk+grooming-gangs"] if fires else [])


FEED_RULE = AlertRule(rule_id="feed-dead", kind="feed-health", subject_kind="feed", dead_runs=3)
SINCE = AS_OF - timedelta(hours=5)


def feeds(failures: int, state: str = "") -> pl.DataFrame:
    """One feed as alert_feed_health reads it; its state is the view's (dead from 3 failures in a row)."""
    state = state or ("dead" if failures >= 3 else "failing" if failures else "healthy")
    return pl.DataFrame({"source_id": ["bbc"], "state": [state], "consecutive_failures": [failures],
                         "failing_since": [SINCE if failures else None], "last_outcome": ["http-5xx"],
                         "last_error": ["503 from upstream"]},
                        schema_overrides={"failing_since": pl.Datetime("us", "UTC")})


class TestFeedHealth:
    @pytest.mark.parametrize(
        ("failures", "open_outage", "events"),
        [(3, False, ["feed-dead"]), (2, False, []), (5, True, []), (0, True, ["feed-recovered"]), (0, False, [])],
        ids=["dead", "not-yet", "already-reported", "recovered", "healthy"],
    )
    def test_dead_and_recovered(self, failures: int, open_outage: bool, events: list[str]) -> None:
        """A feed is reported dead once per outage and recovered once, when it fetches again."""
        outages = {"bbc": SINCE} if open_outage else {}

        alerts = find_feed_health(feeds(failures), outages, as_of=AS_OF, rule=FEED_RULE)

        assert [alert.event for alert in alerts] == events

    def test_a_damaged_feed_has_recovered(self) -> None:
        """A feed read again from a damaged document is working: its outage ends, and it is not dead."""
        alerts = find_feed_health(feeds(0, "damaged"), {"bbc": SINCE}, as_of=AS_OF, rule=FEED_RULE)

        assert [alert.event for alert in alerts] == ["feed-recovered"]

    def test_outage_id_is_stable_across_runs(self) -> None:
        """The same outage seen an hour later yields the same alert id, so it cannot be stored twice."""
        first = find_feed_health(feeds(3), {}, as_of=AS_OF, rule=FEED_RULE)
        later = find_feed_health(feeds(4), {}, as_of=AS_OF + timedelta(hours=1), rule=FEED_RULE)

        assert first[0].alert_id == later[0].alert_id


COOLDOWN_RULES = {"spike-person-day": AlertRule(rule_id="spike-person-day", kind="spike", subject_kind="person",
                                                cooldown_hours=24, escalate_factor=1.5)}


class TestCooldown:

    def previous(self, hours_ago: float, value: float) -> pl.DataFrame:
        return pl.DataFrame({"rule": ["spike-person-day"], "subject": ["keir-starmer"], "event": ["spike"],
                             "window_end": [AS_OF - timedelta(hours=hours_ago)], "value": [value]})

    @pytest.mark.parametrize(
        ("hours_ago", "value", "fired", "escalation"),
        [(1, 10.0, False, False), (1, 14.0, False, False), (1, 15.0, True, True), (24, 10.0, True, False)],
        ids=["same-value", "grown-too-little", "grown-enough", "after-cool-down"],
    )
    def test_cool_down_and_escalation(self, hours_ago: float, value: float, fired: bool, escalation: bool) -> None:
        """Inside the cool-down only a 1.5x growth fires (as escalation); after it, the alert fires afresh."""
        candidate = find_spikes(counts({"keir-starmer": [int(value), 1, 1, 1, 1, 1, 1]}), volume([20] + [6] * 6),
                                as_of=AS_OF, rule=DAY_RULE, subject_kind="person")

        decision = apply_cooldown(candidate, self.previous(hours_ago, 10.0), COOLDOWN_RULES, as_of=AS_OF)

        assert [alert.escalation for alert in decision.fired] == ([escalation] if fired else [])

    def test_stored_alert_round_trips(self) -> None:
        """An alert rebuilt from its stored row equals the alert that was stored."""
        alert = find_spikes(counts({"keir-starmer": [10, 1, 1, 1, 1, 1, 1]}), volume([13] + [6] * 6),
                            as_of=AS_OF, rule=DAY_RULE, subject_kind="person")[0]
        row = {**alert.__dict__, "details": alert_details(alert)}

        assert alert_from_row(row) == alert


class TestRulesFile:
    def test_defaults_fill_blank_cells(self) -> None:
        """A row naming only id and kind gets that kind's defaults."""
        rules = parse_alert_rules("rule_id,kind,subject_kind\npairs,new-pairing,\n")

        assert [(rule.subject_kind, rule.min_stories, rule.cooldown_hours) for rule in rules] == [("pair", 3, 72.0)]

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            ("rule_id,kind\nx,spike\n", "missing column(s): subject_kind"),
            ("rule_id,kind,subject_kind\nx,surge,\n", "row 1: kind must be one of"),
            ("rule_id,kind,subject_kind,min_stories\nx,spike,person,five\n", "row 1: min_stories must be a int"),
            ("rule_id,kind,subject_kind\nx,spike,pair\n", "row 1: subject_kind 'pair' does not fit"),
            ("rule_id,kind,subject_kind,subjects\nx,watch-term,,elon-musk\n", "row 1: watch-term subjects"),
            ("rule_id,kind,subject_kind\nx,spike,\nx,spike,\n", "row 2: rule_id must be present and unique"),
        ],
    )
    def test_bad_rows_name_file_row_and_problem(self, text: str, problem: str) -> None:
        """A mistake in the rules file is reported with its row and what is wrong."""
        with pytest.raises(SeedError, match=problem.replace("(", r"\(").replace(")", r"\)")):
            parse_alert_rules(text)
