"""The alert stage: evaluate every rule, store what is new, build one digest, deliver it, retry what failed.

Evaluation and storage happen in one short warehouse session; the network work happens with the file closed, so
a slow channel never keeps analysts or the next run locked out. Each message's outcome is written in its own short
transaction as soon as the channel answers, so a run killed mid-delivery repeats at most the message in flight.
Rule evaluation and storage are here; what each channel is owed and the delivery bookkeeping are in
alert_delivery.py; the rules themselves and the alerts table's rows are pure (transforms/alerts.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from flows.alert_delivery import DeliveryRecord, DuePlan, OutcomeLog, alert_contexts, deliver, plan_deliveries
from flows.config import SEEDS_DIR
from transforms.alerts import (
    Alert,
    AlertRule,
    CooldownDecision,
    alert_rows,
    apply_cooldown,
    find_feed_health,
    find_new_pairings,
    find_quote_pickups,
    find_spikes,
    find_watch_terms,
    parse_alert_rules,
    rule_rows,
    windows_needed,
)
from transforms.clocks import replay_note
from transforms.digest import (
    DigestEntry,
    plain_digest,
)
from transforms.seed_files import decode_seed
from warehouse import database
from warehouse.rules import save_alert_rules

DEFAULT_RULES_FILE = SEEDS_DIR / "alert_rules.csv"  # the shipped rules, for seeds folders without their own

if TYPE_CHECKING:
    from flows.adapters.delivery import Channel, RetryPolicy

LOGGER = logging.getLogger("presswatch.alerts")
# A failing feed is still tried at least daily, so its latest fetch lies within this many days of the clock.
FEED_HEALTH_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class AlertStageResult:
    """What the alert stage did this run."""

    fired: list[Alert]
    digest_text: str
    deliveries: list[DeliveryRecord] = field(default_factory=list)
    retried_pending: int = 0
    notes: list[str] = field(default_factory=list)  # what the user should know about this run's clock


# --- evaluation -------------------------------------------------------------------------------------------


def read_rules(rules_file: Path) -> list[AlertRule]:
    """The enabled rules of the rules file; a seeds folder without one gets the project's default rules."""
    return [rule for rule in read_all_rules(rules_file) if rule.enabled]


def read_all_rules(rules_file: Path) -> list[AlertRule]:
    """Every rule of the rules file, disabled ones included (the project's default rules when there is none)."""
    if not rules_file.is_file():
        rules_file = DEFAULT_RULES_FILE
    return parse_alert_rules(decode_seed(rules_file.read_bytes(), rules_file.name), file=rules_file.name)


def spike_candidates(
    con: duckdb.DuckDBPyConnection,
    rule: AlertRule,
    as_of: datetime,
    history_start: datetime | None,
    volumes: dict[tuple[int, tuple[int, ...]], pl.DataFrame],
) -> list[Alert]:
    """Spike alerts for one rule, reading only the windows it needs."""
    spike = rule.spike_rule()
    windows = windows_needed(spike)
    parameters = {"as_of": as_of, "window_hours": spike.window_hours, "windows": windows, "max_window": max(windows)}
    key = (spike.window_hours, tuple(windows))
    if key not in volumes:
        volumes[key] = database.query_frame(con, "alert_volume", parameters)
    counts = database.query_frame(con, "alert_counts", {**parameters, "subject_kind": rule.subject_kind})
    return find_spikes(
        counts, volumes[key], as_of=as_of, rule=spike, subject_kind=rule.subject_kind, history_start=history_start
    )


def evaluate_rules(con: duckdb.DuckDBPyConnection, rules: Sequence[AlertRule], as_of: datetime) -> list[Alert]:
    """Every rule's candidates as of the clock, before cool-down."""
    history_start = database.query_frame(con, "alert_history_start")["history_start"][0]
    volumes: dict[tuple[int, tuple[int, ...]], pl.DataFrame] = {}
    candidates: list[Alert] = []
    for rule in rules:
        if rule.kind == "spike":
            candidates += spike_candidates(con, rule, as_of, history_start, volumes)
        elif rule.kind == "new-pairing":
            window_start = as_of - timedelta(hours=rule.window_hours)
            pairs = database.query_frame(
                con,
                "alert_pairings",
                {
                    "as_of": as_of,
                    "window_start": window_start,
                    "lookback_start": window_start - timedelta(days=rule.lookback_days),
                },
            )
            candidates += find_new_pairings(pairs, as_of=as_of, rule=rule, history_start=history_start)
        elif rule.kind == "watch-term":
            counts = database.query_frame(
                con,
                "alert_watch_counts",
                {
                    "as_of": as_of,
                    "person_id": rule.subjects[0],
                    "topic_id": rule.subjects[1],
                    "window_hours": rule.window_hours,
                    "max_window": rule.baseline_windows,
                },
            )
            candidates += find_watch_terms(counts, as_of=as_of, rule=rule)
        elif rule.kind == "feed-health":
            feeds = feed_health_rows(con, rule, as_of)
            outages = database.query_frame(con, "alert_open_outages", {"rule": rule.rule_id})
            open_outages = {row["source_id"]: row["failing_since"] for row in outages.iter_rows(named=True)}
            candidates += find_feed_health(feeds, open_outages, as_of=as_of, rule=rule)
        elif rule.kind == "quote-pickup":
            candidates += quote_pickup_candidates(con, rule, as_of)
    return candidates


def feed_health_rows(con: duckdb.DuckDBPyConnection, rule: AlertRule, as_of: datetime) -> pl.DataFrame:
    """Every fetched feed's state as the feed_health view classifies it at this rule's threshold, over the lookback."""
    parameters = {"since": as_of - FEED_HEALTH_LOOKBACK, "as_of": as_of, "dead_runs": rule.dead_runs}
    return database.query_frame(con, "alert_feed_health", parameters)


def quote_pickup_candidates(con: duckdb.DuckDBPyConnection, rule: AlertRule, as_of: datetime) -> list[Alert]:
    """Quotes of tracked people first run inside the rule's window, with the outlets that carried them there."""
    window_start = as_of - timedelta(hours=rule.window_hours)
    pickups = database.query_frame(con, "alert_quote_pickup", {"as_of": as_of, "window_start": window_start})
    return find_quote_pickups(pickups, as_of=as_of, rule=rule)


def decide(con: duckdb.DuckDBPyConnection, rules: Sequence[AlertRule], as_of: datetime) -> CooldownDecision:
    """Candidates after cool-down and escalation against what was stored before."""
    candidates = evaluate_rules(con, rules, as_of)
    previous = database.query_frame(con, "alert_previous", {"as_of": as_of})
    return apply_cooldown(candidates, previous, {rule.rule_id: rule for rule in rules}, as_of=as_of)


# --- storage ----------------------------------------------------------------------------------------------


def store_new_alerts(
    con: duckdb.DuckDBPyConnection,
    alerts: Sequence[Alert],
    run_id: str,
    fired_at: datetime,
    status: str,
    note: str = "",
) -> list[Alert]:
    """Insert alerts never stored before (deterministic ids) and return only those; `note` says why they were
    not sent, when they are not."""
    if not alerts:
        return []
    con.register("incoming_alerts", alert_rows(alerts, run_id, fired_at, status, note).to_arrow())
    fresh = database.query_frame(con, "insert_new_alerts")
    con.unregister("incoming_alerts")
    fresh_ids = set(fresh["alert_id"].to_list()) if fresh.height else set()
    return [alert for alert in alerts if alert.alert_id in fresh_ids]


# --- evidence ---------------------------------------------------------------------------------------------


# --- the stage --------------------------------------------------------------------------------------------


def run_alert_stage(
    db: Path,
    *,
    run_id: str,
    started_at: datetime,
    as_of: datetime,
    alert_urls: Sequence[str],
    rules_file: Path,
    names: Mapping[str, str],
    send: bool = True,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_messages: int = 5,
    report_url: str = "",
) -> AlertStageResult:
    """Evaluate, store, digest, deliver and retry; with send=False alerts are stored as suppressed, never sent.
    report_url (PRESSWATCH_REPORT_URL) is linked from every message when set."""
    all_rules = read_all_rules(rules_file)
    rules = [rule for rule in all_rules if rule.enabled]
    # The delivery stack (apprise, httpx) is imported only by a run with a channel: `alerts preview` and a run
    # without PRESSWATCH_ALERT_URLS never do (apprise alone is 0.3 s of CPU).
    channels: list[Channel] = []
    if any(url.strip() for url in alert_urls):
        from flows.adapters.delivery import channel_for

        channels = [channel_for(url) for url in alert_urls if url.strip()]
    with database.opened(db) as con:
        # A run judged before what a completed run already judged fires history: stored, never announced.
        latest = database.scalar(con, database.read_sql("latest_run_clock"))
        replayed = replay_note(as_of, latest if isinstance(latest, datetime) else None, started_at)
        status = "suppressed" if not send or replayed else "pending" if channels else "printed"
        decision = decide(con, rules, as_of)
        con.execute("begin transaction")
        # The views and the report read the thresholds from here: one rule, whoever applies it.
        save_alert_rules(con, rule_rows(all_rules, started_at))
        fresh = store_new_alerts(con, decision.fired, run_id, started_at, status, replayed if send else "")
        announced = [] if replayed else fresh
        plan = plan_deliveries(con, channels, announced, run_id, started_at, as_of) if send and channels else DuePlan()
        con.execute("commit")
        if not plan.entries:
            contexts = alert_contexts(con, fresh)
            entries = [DigestEntry(alert, contexts[alert.alert_id]) for alert in fresh]
        else:
            entries = list(plan.entries.values())
    LOGGER.info(
        "alerts: %d new, %d held by cool-down, %d earlier to retry",
        len(fresh),
        len(decision.suppressed),
        len(plan.retried),
    )
    digest_text = plain_digest(entries, names, as_of, report_url)
    notes = [f"{len(fresh)} new alert(s) {replayed}"] if replayed and send and fresh else []
    if plan.deferred:
        notes.append(
            f"{plan.deferred} earlier alert(s) for windows ending after {as_of:%Y-%m-%d %H:%M} UTC wait for a "
            "run judged at or after their time, so this digest carries only what its title covers"
        )
    if not send or not channels:
        state = "suppressed" if not send or replayed else "printed"
        records = [DeliveryRecord(alert.alert_id, "console", state, 0, "") for alert in fresh]
        return AlertStageResult(fired=fresh, digest_text=digest_text, deliveries=records, retried_pending=0,
                                notes=notes)

    from flows.adapters.delivery import RetryPolicy

    outcomes = OutcomeLog(db, sleep)
    try:
        records = deliver(
            plan,
            channels,
            as_of=as_of,
            run_id=run_id,
            names=names,
            policy=policy or RetryPolicy(),
            sleep=sleep,
            max_messages=max_messages,
            report_url=report_url,
            outcomes=outcomes,
        )
    finally:
        outcomes.close()
    return AlertStageResult(
        fired=fresh, digest_text=digest_text, deliveries=records, retried_pending=len(plan.retried), notes=notes
    )


def preview_alerts(db: Path, *, as_of: datetime, rules_file: Path, names: Mapping[str, str]) -> str:
    """What would fire now, and what the cool-down holds back, without sending or recording anything. Names are the
    ones the runs loaded into the warehouse (a demo run's fictional figures too); `names` fills what it lacks."""
    rules = read_rules(rules_file)
    with database.opened(db) as con:
        names = {**names, **dict(database.query_frame(con, "subject_names").iter_rows())}
        decision = decide(con, rules, as_of)
        contexts = alert_contexts(con, decision.fired)
        entries = [DigestEntry(alert, contexts[alert.alert_id]) for alert in decision.fired]
    # The preview is where the figures behind each alert are read; the channels get words only.
    text = plain_digest(entries, names, as_of, statistics=True)
    text = text or f"Nothing would fire as of {as_of:%Y-%m-%d %H:%M} UTC."
    if decision.suppressed:
        held = ", ".join(f"{names.get(alert.subject, alert.subject)} ({alert.rule})" for alert in decision.suppressed)
        text += f"\n\nHeld back by cool-down: {held}"
    return text
