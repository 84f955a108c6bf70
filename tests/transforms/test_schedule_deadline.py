"""A scheduled run's deadline fits the schedule's shortest gap between runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transforms.schedule import ScheduleError, scheduled_deadline_s, shortest_gap_s

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
