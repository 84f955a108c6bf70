"""The alert rules file (seeds/alert_rules.csv): its rows parsed into rules with their defaults filled in.

Kept apart from the alert arithmetic (transforms.alerts, which needs polars) so that `presswatch check` can
validate the file without loading it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from typing import Any

from transforms.watchlist import SeedError

RULE_KINDS = ("spike", "new-pairing", "watch-term", "feed-health", "quote-pickup")
SUBJECT_KINDS = {"spike": ("person", "topic"), "new-pairing": ("pair",), "watch-term": ("watch",),
                 "feed-health": ("feed",), "quote-pickup": ("quote",)}
RULE_COLUMNS = ("rule_id", "kind", "subject_kind")


@dataclass(frozen=True)
class SpikeRule:
    """When a subject's distinct-story count in the latest window counts as a spike."""

    name: str = "spike-daily"
    window_hours: int = 24
    baseline_windows: int = 6
    min_stories: int = 5
    min_ratio: float = 2.0
    min_zscore: float = 2.0
    # Same hour-of-week baseline: windows at multiples of this period, when enough of them are observed.
    seasonal_period: int = 0
    seasonal_min_samples: int = 3
    min_history_windows: int = 3


@dataclass(frozen=True)
class AlertRule:
    """One row of seeds/alert_rules.csv with its defaults filled in."""

    rule_id: str
    kind: str  # spike, new-pairing, watch-term, feed-health, quote-pickup
    subject_kind: str  # person, topic, pair, watch, feed, quote
    subjects: tuple[str, ...] = ()  # watch-term: (person_id, topic_id)
    window_hours: int = 24
    baseline_windows: int = 6
    seasonal_period: int = 0
    seasonal_min_samples: int = 3
    min_history_windows: int = 3
    min_stories: int = 5
    min_ratio: float = 2.0
    min_zscore: float = 2.0
    lookback_days: int = 14
    dead_runs: int = 3
    cooldown_hours: float = 24.0
    escalate_factor: float = 1.5
    enabled: bool = True
    description: str = ""

    def spike_rule(self) -> SpikeRule:
        return SpikeRule(
            name=self.rule_id,
            window_hours=self.window_hours,
            baseline_windows=self.baseline_windows,
            min_stories=self.min_stories,
            min_ratio=self.min_ratio,
            min_zscore=self.min_zscore,
            seasonal_period=self.seasonal_period,
            seasonal_min_samples=self.seasonal_min_samples,
            min_history_windows=self.min_history_windows,
        )


KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    "spike": {},
    "new-pairing": {"min_stories": 3, "cooldown_hours": 72.0, "escalate_factor": 2.0},
    "watch-term": {"min_stories": 5},
    "feed-health": {"cooldown_hours": 24.0},
    "quote-pickup": {"min_stories": 3, "cooldown_hours": 24.0, "escalate_factor": 2.0},
}


def parse_alert_rules(text: str, *, file: str = "alert_rules.csv") -> list[AlertRule]:
    """Rules from the CSV text; blank cells take the kind's default, a bad cell is a SeedError naming it."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in RULE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise SeedError(file, None, f"missing column(s): {', '.join(missing)}")
    types = {item.name: item.type for item in fields(AlertRule)}
    rules: list[AlertRule] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=1):
        values = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        rule_id, kind = values.get("rule_id", ""), values.get("kind", "")
        if not rule_id or rule_id in seen:
            raise SeedError(file, number, f"rule_id must be present and unique, got {rule_id!r}")
        if kind not in RULE_KINDS:
            raise SeedError(file, number, f"kind must be one of {', '.join(RULE_KINDS)}, got {kind!r}")
        subject_kind = values.get("subject_kind") or SUBJECT_KINDS[kind][0]
        if subject_kind not in SUBJECT_KINDS[kind]:
            raise SeedError(file, number, f"subject_kind {subject_kind!r} does not fit kind {kind!r}")
        settings: dict[str, Any] = dict(KIND_DEFAULTS[kind])
        for name, raw in values.items():
            if name in RULE_COLUMNS or name not in types or raw == "":
                continue
            settings[name] = parse_cell(name, raw, str(types[name]), file, number)
        rule = AlertRule(rule_id=rule_id, kind=kind, subject_kind=subject_kind, **settings)
        if kind == "watch-term" and len(rule.subjects) != 2:
            raise SeedError(file, number, "watch-term subjects must be person_id+topic_id")
        seen.add(rule_id)
        rules.append(rule)
    return rules


def parse_cell(name: str, raw: str, type_name: str, file: str, number: int) -> Any:
    """One typed cell of the rules file."""
    try:
        if "tuple" in type_name:
            return tuple(part.strip() for part in raw.split("+") if part.strip())
        if type_name == "bool":
            if raw.lower() not in {"true", "false", "yes", "no", "1", "0"}:
                raise ValueError(raw)
            return raw.lower() in {"true", "yes", "1"}
        if type_name == "int":
            value: float = int(raw)
        elif type_name == "float":
            value = float(raw)
        else:
            return raw
    except ValueError as error:
        raise SeedError(file, number, f"{name} must be a {type_name}, got {raw!r}") from error
    if value < 0:
        raise SeedError(file, number, f"{name} must not be negative, got {raw!r}")
    return value
