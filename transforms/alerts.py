"""Alert rules as pure functions over counts, and the digest text they produce.

Counts arrive per subject and window (window 0 is the one ending at the run's clock, 1 the one before, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from transforms.identity import alert_id_for


@dataclass(frozen=True)
class SpikeRule:
    """When a subject's distinct-story count in the latest window counts as a spike."""

    name: str = "spike-daily"
    window_hours: int = 24
    baseline_windows: int = 5
    min_stories: int = 5
    min_ratio: float = 2.0
    min_zscore: float = 2.0


@dataclass(frozen=True)
class Alert:
    """One fired alert with the figures that justify it."""

    alert_id: str
    rule: str
    subject_kind: str  # "person" or "topic"
    subject: str
    window_start: datetime
    window_end: datetime
    value: float
    expected: float
    baseline: float
    ratio: float
    zscore: float

    def window_hours_label(self) -> str:
        hours = round((self.window_end - self.window_start).total_seconds() / 3600)
        return "day" if hours == 24 else f"{hours} hours"


def find_spikes(
    counts: pl.DataFrame, volume: pl.DataFrame, *, as_of: datetime, rule: SpikeRule, subject_kind: str
) -> list[Alert]:
    """Subjects whose latest-window stories beat the level their baseline share of all coverage predicts.

    counts: subject, window, stories. volume: window, stories (all coverage). Normalising by volume keeps a busy
    news day from firing for everyone; the z-score uses a Poisson spread around the expected count.
    """
    windows = pl.DataFrame({"window": list(range(rule.baseline_windows + 1))}, schema={"window": pl.Int64})
    total = windows.join(volume.cast({"window": pl.Int64}), on="window", how="left").fill_null(0)
    current_volume = float(total.filter(pl.col("window") == 0)["stories"].sum())
    baseline_volume = float(total.filter(pl.col("window") > 0)["stories"].sum())
    if current_volume == 0 or baseline_volume == 0:
        return []
    window_end = as_of
    window_start = as_of - timedelta(hours=rule.window_hours)
    alerts = []
    for subject, rows in counts.cast({"window": pl.Int64}).group_by("subject", maintain_order=True):
        current = float(rows.filter(pl.col("window") == 0)["stories"].sum())
        history = float(
            rows.filter((pl.col("window") > 0) & (pl.col("window") <= rule.baseline_windows))["stories"].sum()
        )
        baseline = history / rule.baseline_windows
        # Expected count at today's volume; a subject never seen before still expects half a story.
        expected = max(history / baseline_volume * current_volume, 0.5)
        ratio = current / expected
        zscore = (current - expected) / math.sqrt(expected)
        if current >= rule.min_stories and ratio >= rule.min_ratio and zscore >= rule.min_zscore:
            name = str(subject[0])
            alerts.append(
                Alert(
                    alert_id=alert_id_for(rule.name, name, window_start.isoformat()),
                    rule=rule.name,
                    subject_kind=subject_kind,
                    subject=name,
                    window_start=window_start,
                    window_end=window_end,
                    value=current,
                    expected=round(expected, 2),
                    baseline=round(baseline, 2),
                    ratio=round(ratio, 2),
                    zscore=round(zscore, 2),
                )
            )
    return sorted(alerts, key=lambda alert: -alert.ratio)
