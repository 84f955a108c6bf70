"""Spike rules over windowed counts: who moved beyond what their usual share of coverage predicts."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from transforms.alerts import SpikeRule, find_spikes

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)


def counts(rows: dict[str, list[int]]) -> pl.DataFrame:
    """subject -> stories per window, window 0 first."""
    return pl.DataFrame(
        [
            {"subject": subject, "window": window, "stories": stories}
            for subject, series in rows.items()
            for window, stories in enumerate(series)
        ]
    )


def volume(series: list[int]) -> pl.DataFrame:
    return pl.DataFrame([{"window": window, "stories": stories} for window, stories in enumerate(series)])


class TestFindSpikes:
    def test_surge_fires_with_its_figures(self) -> None:
        """A person in 10 of 13 stories after 1-2 a day of 6 fires, with ratio and baseline explained."""
        alerts = find_spikes(
            counts({"keir-starmer": [10, 2, 1, 2, 1, 2]}),
            volume([13, 6, 6, 6, 6, 6]),
            as_of=AS_OF,
            rule=SpikeRule(),
            subject_kind="person",
        )

        assert [(a.subject, a.value, a.baseline, a.expected) for a in alerts] == [("keir-starmer", 10, 1.6, 3.47)]

    def test_busy_day_does_not_fire_for_everyone(self) -> None:
        """Doubling everyone's coverage on a doubled news day is not a spike."""
        alerts = find_spikes(
            counts({"elon-musk": [10, 5, 5, 5, 5, 5]}),
            volume([20, 10, 10, 10, 10, 10]),
            as_of=AS_OF,
            rule=SpikeRule(),
            subject_kind="person",
        )

        assert alerts == []

    @pytest.mark.parametrize("current", [3, 4])
    def test_below_the_floor_never_fires(self, current: int) -> None:
        """Under the minimum story count even a large ratio is noise."""
        alerts = find_spikes(
            counts({"alexis-jay": [current, 0, 0, 0, 0, 0]}),
            volume([10, 10, 10, 10, 10, 10]),
            as_of=AS_OF,
            rule=SpikeRule(min_stories=5),
            subject_kind="person",
        )

        assert alerts == []

    def test_same_window_gives_the_same_alert_id(self) -> None:
        """Evaluating the same window twice yields the same id, so storage can refuse the repeat."""
        args = (counts({"keir-starmer": [10, 1, 1, 1, 1, 1]}), volume([12, 6, 6, 6, 6, 6]))

        first = find_spikes(*args, as_of=AS_OF, rule=SpikeRule(), subject_kind="person")
        second = find_spikes(*args, as_of=AS_OF, rule=SpikeRule(), subject_kind="person")

        assert [a.alert_id for a in first] == [a.alert_id for a in second] != []
