"""Alert rules as pure functions over counts: spikes, new pairings, watch terms, feed health, and cool-down.

Counts arrive per subject and window (window 0 is the one ending at the run's clock, 1 the one before, ...).
Every alert carries the figures that justify it, so the digest can explain itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from transforms.alert_rules import AlertRule, SpikeRule
from transforms.alert_rules import parse_alert_rules as parse_alert_rules  # its parser lives apart (no polars)
from transforms.identity import alert_id_for, quote_key_digest


@dataclass(frozen=True)
class Alert:
    """One fired alert with the figures that justify it."""

    alert_id: str
    rule: str
    subject_kind: str  # person, topic, pair, watch or feed
    subject: str
    window_start: datetime
    window_end: datetime
    value: float
    expected: float
    baseline: float
    ratio: float
    zscore: float
    event: str = "spike"  # spike, new-pairing, watch-term, feed-dead, feed-recovered
    members: tuple[str, ...] = ()  # the person/topic/feed ids the subject is made of
    baseline_label: str = ""
    escalation: bool = False
    previous_value: float | None = None
    note: str = ""

    def window_hours_label(self) -> str:
        hours = round((self.window_end - self.window_start).total_seconds() / 3600)
        return "day" if hours == 24 else "hour" if hours == 1 else f"{hours} hours"


DETAIL_FIELDS = ("expected", "members", "baseline_label", "escalation", "previous_value", "note")


def alert_details(alert: Alert) -> str:
    """The figures the alerts table keeps as JSON beside its own columns."""
    return json.dumps({name: getattr(alert, name) for name in DETAIL_FIELDS})


def alert_from_row(row: Mapping[str, Any]) -> Alert:
    """Rebuild an alert from its stored row (columns plus the details JSON), e.g. to retry its delivery."""
    details = row.get("details") or "{}"
    extra = json.loads(details) if isinstance(details, str) else dict(details)
    return Alert(
        alert_id=row["alert_id"],
        rule=row["rule"],
        subject_kind=row.get("subject_kind") or extra.get("subject_kind") or "person",
        subject=row["subject"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        value=float(row["value"]),
        expected=float(extra.get("expected") or 0.0),
        baseline=float(row.get("baseline") or 0.0),
        ratio=float(row.get("ratio") or 0.0),
        zscore=float(row.get("zscore") or 0.0),
        event=row.get("event") or "spike",
        members=tuple(extra.get("members") or (row["subject"],)),
        baseline_label=str(extra.get("baseline_label") or ""),
        escalation=bool(extra.get("escalation")),
        previous_value=extra.get("previous_value"),
        note=str(extra.get("note") or ""),
    )


# --- rules as rows -----------------------------------------------------------------------------------------

RULE_ROW_SCHEMA: dict[str, pl.DataType] = {
    "rule_id": pl.String(),
    "kind": pl.String(),
    "subject_kind": pl.String(),
    "subjects": pl.List(pl.String()),
    "window_hours": pl.Int32(),
    "baseline_windows": pl.Int32(),
    "seasonal_period": pl.Int32(),
    "seasonal_min_samples": pl.Int32(),
    "min_history_windows": pl.Int32(),
    "min_stories": pl.Int32(),
    "min_ratio": pl.Float64(),
    "min_zscore": pl.Float64(),
    "lookback_days": pl.Int32(),
    "dead_runs": pl.Int32(),
    "cooldown_hours": pl.Float64(),
    "escalate_factor": pl.Float64(),
    "enabled": pl.Boolean(),
    "description": pl.String(),
    "stored_at": pl.Datetime("us", "UTC"),
}


def rule_rows(rules: Sequence[AlertRule], stored_at: datetime) -> pl.DataFrame:
    """The alert_rules table's rows: every rule with its defaults filled in, so the views judge by these numbers."""
    rows = [{**asdict(rule), "subjects": list(rule.subjects), "stored_at": stored_at} for rule in rules]
    return pl.DataFrame(rows, schema=RULE_ROW_SCHEMA)


# --- spikes -----------------------------------------------------------------------------------------------


def baseline_anchor(as_of: datetime) -> datetime:
    """The last whole hour at or before the clock: baseline windows are whole hours counted back from it (the
    current window is counted from the clock itself)."""
    return as_of - timedelta(seconds=as_of.timestamp() % 3600)


def observed_windows(as_of: datetime, history_start: datetime | None, window_hours: int) -> int:
    """How many windows back (from 0) the warehouse has any coverage for."""
    if history_start is None or history_start > as_of:
        return 0
    return math.ceil((as_of - history_start).total_seconds() / (window_hours * 3600))


def baseline_windows_for(rule: SpikeRule, observed: int) -> tuple[list[int], str]:
    """The windows the baseline averages, and a phrase saying which: same hour-of-week if enough, else trailing."""
    if rule.seasonal_period:
        seasonal = [k * rule.seasonal_period for k in range(1, 1 + max(rule.seasonal_min_samples, 12))]
        seen = [window for window in seasonal if window < observed]
        if len(seen) >= rule.seasonal_min_samples:
            return seen, f"same hour of week over {len(seen)} weeks"
    trailing = [window for window in range(1, rule.baseline_windows + 1) if window < observed]
    unit = "day" if rule.window_hours == 24 else "hour" if rule.window_hours == 1 else f"{rule.window_hours}h"
    return trailing, f"trailing {len(trailing)} {unit}s"


def windows_needed(rule: SpikeRule) -> list[int]:
    """Every window a spike rule may read, so the query fetches only those."""
    windows = set(range(rule.baseline_windows + 1))
    if rule.seasonal_period:
        windows.update(k * rule.seasonal_period for k in range(1, 1 + max(rule.seasonal_min_samples, 12)))
    return sorted(windows)


def find_spikes(
    counts: pl.DataFrame,
    volume: pl.DataFrame,
    *,
    as_of: datetime,
    rule: SpikeRule,
    subject_kind: str,
    history_start: datetime | None = None,
) -> list[Alert]:
    """Subjects whose latest-window stories beat the level their baseline share of all coverage predicts.

    counts: subject, window, stories. volume: window, stories (all coverage). Normalising by volume keeps a busy
    news day from firing for everyone; the z-score uses a Poisson spread around the expected count.
    """
    observed = (
        observed_windows(baseline_anchor(as_of), history_start, rule.window_hours)
        if history_start is not None
        else rule.baseline_windows + 1 + max(rule.seasonal_period * 12, 0)
    )
    baseline, label = baseline_windows_for(rule, observed)
    seasonal = label.startswith("same hour")
    required = rule.seasonal_min_samples if seasonal else min(rule.min_history_windows, rule.baseline_windows)
    if len(baseline) < required or counts.is_empty():
        return []
    volume = volume.cast({"window": pl.Int64, "stories": pl.Float64})
    current_volume = float(volume.filter(pl.col("window") == 0)["stories"].sum())
    baseline_volume = float(volume.filter(pl.col("window").is_in(baseline))["stories"].sum())
    if current_volume == 0 or baseline_volume == 0:
        return []
    window_start = as_of - timedelta(hours=rule.window_hours)
    window = pl.col("window")
    stories = pl.col("stories")
    scored = (
        counts.cast({"window": pl.Int64, "stories": pl.Float64})
        .group_by("subject")
        .agg(
            stories.filter(window == 0).sum().alias("current"),
            stories.filter(window.is_in(baseline)).sum().alias("history"),
        )
        # Expected count at today's volume; a subject never seen before still expects half a story.
        .with_columns(
            pl.max_horizontal(pl.col("history") / baseline_volume * current_volume, pl.lit(0.5)).alias("expected"),
            (pl.col("history") / len(baseline)).alias("baseline"),
        )
        .with_columns(
            (pl.col("current") / pl.col("expected")).alias("ratio"),
            ((pl.col("current") - pl.col("expected")) / pl.col("expected").sqrt()).alias("zscore"),
        )
        .filter(
            (pl.col("current") >= rule.min_stories)
            & (pl.col("ratio") >= rule.min_ratio)
            & (pl.col("zscore") >= rule.min_zscore)
        )
        .sort(["ratio", "subject"], descending=[True, False])
    )
    return [
        Alert(
            alert_id=alert_id_for(rule.name, row["subject"], window_start.isoformat()),
            rule=rule.name,
            subject_kind=subject_kind,
            subject=row["subject"],
            window_start=window_start,
            window_end=as_of,
            value=row["current"],
            expected=round(row["expected"], 2),
            baseline=round(row["baseline"], 2),
            ratio=round(row["ratio"], 2),
            zscore=round(row["zscore"], 2),
            event="spike",
            members=(row["subject"],),
            baseline_label=label,
        )
        for row in scored.iter_rows(named=True)
    ]


# --- new pairings and watch terms -------------------------------------------------------------------------


def find_new_pairings(
    pairs: pl.DataFrame, *, as_of: datetime, rule: AlertRule, history_start: datetime | None
) -> list[Alert]:
    """Pairs of people sharing a sentence in >= min_stories stories now and never in the lookback before.

    pairs: person_a, person_b, current, earlier (distinct stories). Fires only once the warehouse covers the
    whole lookback: on a young warehouse every pair would look new.
    """
    window_start = as_of - timedelta(hours=rule.window_hours)
    lookback_start = window_start - timedelta(days=rule.lookback_days)
    if history_start is None or history_start > lookback_start or pairs.is_empty():
        return []
    fresh = pairs.filter((pl.col("current") >= rule.min_stories) & (pl.col("earlier") == 0)).sort(
        ["current", "person_a", "person_b"], descending=[True, False, False]
    )
    alerts = []
    for row in fresh.iter_rows(named=True):
        members = tuple(sorted((row["person_a"], row["person_b"])))
        subject = "+".join(members)
        alerts.append(
            Alert(
                alert_id=alert_id_for(rule.rule_id, subject, window_start.isoformat()),
                rule=rule.rule_id, subject_kind="pair", subject=subject, window_start=window_start,
                window_end=as_of, value=float(row["current"]), expected=0.0, baseline=0.0, ratio=0.0, zscore=0.0,
                event="new-pairing", members=members,
                baseline_label=f"no shared sentence in the {rule.lookback_days} days before",
            )
        )
    return alerts


def find_watch_terms(counts: pl.DataFrame, *, as_of: datetime, rule: AlertRule) -> list[Alert]:
    """A person with a topic in >= min_stories stories in the window. counts: window, stories."""
    window = pl.col("window").cast(pl.Int64)
    current = float(counts.filter(window == 0)["stories"].sum()) if counts.height else 0.0
    if current < rule.min_stories:
        return []
    history = float(counts.filter((window > 0) & (window <= rule.baseline_windows))["stories"].sum())
    baseline = history / rule.baseline_windows if rule.baseline_windows else 0.0
    window_start = as_of - timedelta(hours=rule.window_hours)
    subject = "+".join(rule.subjects)
    return [
        Alert(
            alert_id=alert_id_for(rule.rule_id, subject, window_start.isoformat()),
            rule=rule.rule_id, subject_kind="watch", subject=subject, window_start=window_start, window_end=as_of,
            value=current, expected=float(rule.min_stories), baseline=round(baseline, 2),
            ratio=round(current / baseline, 2) if baseline else 0.0, zscore=0.0, event="watch-term",
            members=rule.subjects, baseline_label=f"threshold {rule.min_stories}",
        )
    ]


# --- feed health ------------------------------------------------------------------------------------------

# The feed_health view's states (warehouse/sql/feed_health.sql) of a feed that fetches: its failure streak is 0.
WORKING_FEED_STATES = ("healthy", "recovered", "damaged")


def find_feed_health(
    feeds: pl.DataFrame, open_outages: Mapping[str, datetime], *, as_of: datetime, rule: AlertRule
) -> list[Alert]:
    """Feeds the feed_health view calls dead, and feeds whose reported outage has ended (the view calls them
    working again: healthy, recovered or damaged).

    feeds: source_id, state (the view's, at this rule's dead_runs), consecutive_failures, failing_since,
    last_outcome, last_error. An outage's alerts are keyed by its start, so one outage fires once and recovers once.
    """
    alerts = []
    for row in feeds.sort("source_id").iter_rows(named=True):
        source, failures, state = row["source_id"], int(row["consecutive_failures"] or 0), row["state"]
        since = row["failing_since"] or as_of
        detail = f"last outcome {row['last_outcome'] or 'unknown'}"
        if row.get("last_error"):
            detail += f": {row['last_error']}"
        if state == "dead" and source not in open_outages:
            event, start, value = "feed-dead", since, float(failures)
        elif state in WORKING_FEED_STATES and source in open_outages:
            event, start, value = "feed-recovered", open_outages[source], 0.0
            detail = f"fetched again after failing since {start:%Y-%m-%d %H:%M} UTC"
        else:
            continue
        alerts.append(
            Alert(
                alert_id=alert_id_for(f"{rule.rule_id}:{event}", source, start.isoformat()),
                rule=rule.rule_id, subject_kind="feed", subject=source, window_start=start, window_end=as_of,
                value=value, expected=0.0, baseline=float(rule.dead_runs), ratio=0.0, zscore=0.0, event=event,
                members=(source,), baseline_label=f"{rule.dead_runs} failed runs", note=detail,
            )
        )
    return alerts


# --- quote pickup -----------------------------------------------------------------------------------------

QUOTE_NOTE_LIMIT = 280


def find_quote_pickups(pickups: pl.DataFrame, *, as_of: datetime, rule: AlertRule) -> list[Alert]:
    """A tracked person's quote first run inside the window and carried by >= min_stories outlets (the rules
    file's min_stories is the outlet count for this kind), most outlets first.

    pickups: person_id, quote_key, quote_text, outlets, articles, first_outlet, first_published_at (the quotes first
    seen inside the window, counted over it). One quote is one subject ("person_id:digest of its words"), so the
    cool-down holds each quote back on its own and a quote run by twice the outlets fires again as an escalation.
    """
    if pickups.is_empty():
        return []
    window_start = as_of - timedelta(hours=rule.window_hours)
    picked = pickups.filter(pl.col("outlets") >= rule.min_stories).sort(
        ["outlets", "articles", "first_published_at", "quote_key"], descending=[True, True, False, False]
    )
    alerts = []
    for row in picked.iter_rows(named=True):
        subject = f"{row['person_id']}:{quote_key_digest(row['quote_key'])}"
        first = row["first_published_at"]
        quoted = str(row["quote_text"] or "")
        alerts.append(
            Alert(
                alert_id=alert_id_for(rule.rule_id, subject, window_start.isoformat()),
                rule=rule.rule_id, subject_kind="quote", subject=subject, window_start=window_start,
                window_end=as_of, value=float(row["outlets"]), expected=float(rule.min_stories),
                baseline=float(row["articles"]), ratio=0.0, zscore=0.0, event="quote-pickup",
                members=(row["person_id"],),
                baseline_label=f"first run by {row['first_outlet']} at {first:%Y-%m-%d %H:%M} UTC",
                note=quoted if len(quoted) <= QUOTE_NOTE_LIMIT else quoted[: QUOTE_NOTE_LIMIT - 1] + "…",
            )
        )
    return alerts


# --- cool-down and escalation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CooldownDecision:
    """Which candidates fire, and which the cool-down held back (shown by preview, never sent)."""

    fired: list[Alert] = field(default_factory=list)
    suppressed: list[Alert] = field(default_factory=list)


def apply_cooldown(
    candidates: Sequence[Alert], previous: pl.DataFrame, rules: Mapping[str, AlertRule], *, as_of: datetime
) -> CooldownDecision:
    """Fire a candidate unless the same rule/subject/event fired within its cool-down; inside it, fire again
    only as an escalation when the value grew by the rule's factor over the last fired value.

    previous: rule, subject, event, window_end, value (the latest stored alert per key).
    """
    latest = {(row["rule"], row["subject"], row["event"]): row for row in previous.iter_rows(named=True)}
    decision = CooldownDecision()
    for alert in candidates:
        rule = rules.get(alert.rule)
        last = latest.get((alert.rule, alert.subject, alert.event))
        if last is None or rule is None or as_of - last["window_end"] >= timedelta(hours=rule.cooldown_hours):
            decision.fired.append(alert)
        elif alert.value > last["value"] and alert.value >= last["value"] * rule.escalate_factor:
            decision.fired.append(replace(alert, escalation=True, previous_value=float(last["value"])))
        else:
            decision.suppressed.append(alert)
    return decision


def alert_rows(alerts: Sequence[Alert], run_id: str, fired_at: datetime, status: str, note: str = "") -> pl.DataFrame:
    """The alerts table's rows for these alerts; `note` (why they were not sent) goes in last_error."""
    timestamp = pl.Datetime("us", "UTC")
    return pl.DataFrame(
        [
            {
                "alert_id": alert.alert_id,
                "rule": alert.rule,
                "subject": alert.subject,
                "subject_kind": alert.subject_kind,
                "event": alert.event,
                "window_start": alert.window_start,
                "window_end": alert.window_end,
                "value": alert.value,
                "baseline": alert.baseline,
                "ratio": alert.ratio,
                "zscore": alert.zscore,
                "details": alert_details(alert),
                "fired_at": fired_at,
                "run_id": run_id,
                "status": status,
                "attempts": 0,
                "last_error": note or None,
            }
            for alert in alerts
        ],
        schema_overrides={
            "window_start": timestamp, "window_end": timestamp, "fired_at": timestamp, "last_error": pl.String()
        },
    )
