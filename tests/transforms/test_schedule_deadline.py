"""A scheduled run's deadline fits the schedule's shortest gap between runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transforms.schedule import (
    SHARD_FLOOR_S,
    ScheduleError,
    scheduled_deadline_s,
    shard_fetch_seconds,
    shortest_gap_s,
)

START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


class TestShortestGap:
    @pytest.mark.parametrize(
        ("cron", "gap_s"),
        [
            ("0 * * * *", 3600),
            ("* * * * *", 60),
            ("*/20 9-17 * * 1-5", 1200),
            ("0 7,8 * * *", 3600),  # two runs an hour apart, then 23 hours: the hour is what a run must fit in
        ],
    )
    def test_the_shortest_gap_between_two_runs(self, cron: str, gap_s: float) -> None:
        """The gap a run must fit in is the shortest one, not the usual one."""
        assert shortest_gap_s(cron, "Europe/London", START) == gap_s

    def test_an_unreadable_schedule_is_one_clear_error(self) -> None:
        """A typing mistake in --cron is named, not a traceback."""
        with pytest.raises(ScheduleError, match="cannot read the schedule 'every hour'"):
            shortest_gap_s("every hour", "Europe/London", START)


class TestScheduledDeadline:
    @pytest.mark.parametrize(
        ("configured_s", "gap_s", "deadline_s"),
        [
            (2700, 3600, 2700),  # hourly: the configured 45 minutes fit
            (2700, 60, 45),  # a one-minute schedule: 45 s, or every other run would be skipped
            (0, 600, 450),  # no deadline configured: the schedule still sets one
            (30, 3600, 30),  # a shorter configured deadline stands
        ],
    )
    def test_the_deadline_never_exceeds_three_quarters_of_the_gap(
        self, configured_s: float, gap_s: float, deadline_s: float
    ) -> None:
        """A run stops taking new pages before the next run is due."""
        assert scheduled_deadline_s(configured_s, gap_s) == deadline_s


class TestShardFetchSeconds:
    """A shard's fetch deadline counts from when its parent started waiting, not from when the shard's process got
    going: the time a shard spends queued and starting up comes off it, so it can stage before the parent stops
    waiting. A clock that disagrees with the parent's can shorten it to the floor, never lengthen it."""

    def test_the_time_spent_queued_comes_off(self) -> None:
        assert shard_fetch_seconds(36.0, stop_by=1_000.0, now=985.0) == 15.0

    def test_a_shard_started_at_once_gets_the_whole_share(self) -> None:
        assert shard_fetch_seconds(36.0, stop_by=1_036.0, now=1_000.0) == 36.0

    def test_a_clock_behind_the_parents_never_lengthens_it(self) -> None:
        assert shard_fetch_seconds(36.0, stop_by=1_036.0, now=400.0) == 36.0

    @pytest.mark.parametrize("now", [1_036.0, 1_100.0, 10**9])
    def test_past_the_parents_deadline_it_still_fetches_for_a_moment(self, now: float) -> None:
        # 0 would mean "no deadline" to the run budget: a late shard fetches for the floor and stages what it has.
        assert shard_fetch_seconds(36.0, stop_by=1_036.0, now=now) == SHARD_FLOOR_S

    def test_without_a_parent_deadline_the_share_stands(self) -> None:
        assert shard_fetch_seconds(36.0, stop_by=None, now=5.0) == 36.0
        assert shard_fetch_seconds(0.0, stop_by=None, now=5.0) == 0.0
