"""The alert stage: evaluate every rule, store what is new, build one digest, deliver it, retry what failed.

Evaluation and storage happen in one short warehouse session; the network work happens with the file closed, so
a slow channel never keeps analysts or the next run locked out. Each message's outcome is written in its own short
transaction as soon as the channel answers, so a run killed mid-delivery repeats at most the message in flight.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from flows.config import SEEDS_DIR
from flows.delivery import Channel, RetryPolicy, channel_for, mask_url, send_message, send_test_message
from transforms.alerts import (
    Alert,
    AlertRule,
    CooldownDecision,
    alert_details,
    alert_from_row,
    apply_cooldown,
    find_feed_health,
    find_new_pairings,
    find_quote_pickups,
    find_spikes,
    find_watch_terms,
    parse_alert_rules,
    windows_needed,
)
from transforms.channel_formats import format_digest
from transforms.digest import (
    EVIDENCE_CANDIDATES,
    AlertContext,
    DigestEntry,
    alert_views,
    pick_headlines,
    plain_digest,
)
from transforms.seed_files import decode_seed
from warehouse import database

DEFAULT_RULES_FILE = SEEDS_DIR / "alert_rules.csv"  # the shipped rules, for seeds folders without their own

__all__ = [
    "AlertStageResult",
    "DeliveryRecord",
    "mask_url",
    "preview_alerts",
    "run_alert_stage",
    "send_test_message",
]

LOGGER = logging.getLogger("presswatch.alerts")
RETRY_HORIZON = timedelta(days=7)
# A channel added after an alert fired receives the alerts of the last day it never had, once.
CATCH_UP_WINDOW = timedelta(hours=24)
LOCK_WAITS_S = (0.5, 1.0, 2.0, 4.0)
EVIDENCE_QUERIES = {
    "person": "alert_articles_person",
    "topic": "alert_articles_topic",
    "pair": "alert_articles_pair",
    "watch": "alert_articles_watch",
    "quote": "alert_articles_quote",
}


@dataclass(frozen=True)
class DeliveryRecord:
    """One alert's delivery to one channel (masked) as it stands after this run."""

    alert_id: str
    channel: str
    status: str  # delivered, failed, rejected, printed, suppressed
    attempts: int
    detail: str
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class AlertStageResult:
    """What the alert stage did this run."""

    fired: list[Alert]
    digest_text: str
    deliveries: list[DeliveryRecord] = field(default_factory=list)
    retried_pending: int = 0


# --- evaluation -------------------------------------------------------------------------------------------


def read_rules(rules_file: Path) -> list[AlertRule]:
    """The enabled rules of the rules file; a seeds folder without one gets the project's default rules."""
    if not rules_file.is_file():
        rules_file = DEFAULT_RULES_FILE
    rules = parse_alert_rules(decode_seed(rules_file.read_bytes(), rules_file.name), file=rules_file.name)
    return [rule for rule in rules if rule.enabled]


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
    query = "alert_counts_people" if rule.subject_kind == "person" else "alert_counts_topics"
    counts = database.query_frame(con, query, parameters)
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
            feeds = database.query_frame(con, "alert_feed_health")
            outages = database.query_frame(con, "alert_open_outages", {"rule": rule.rule_id})
            open_outages = {row["source_id"]: row["failing_since"] for row in outages.iter_rows(named=True)}
            candidates += find_feed_health(feeds, open_outages, as_of=as_of, rule=rule)
        elif rule.kind == "quote-pickup":
            candidates += quote_pickup_candidates(con, rule, as_of)
    return candidates


def quote_pickup_candidates(con: duckdb.DuckDBPyConnection, rule: AlertRule, as_of: datetime) -> list[Alert]:
    """Quotes of tracked people first run inside the rule's window, with the outlets that carried them there."""
    window_start = as_of - timedelta(hours=rule.window_hours)
    pickups = database.query_frame(con, "alert_quote_pickup", {"as_of": as_of, "window_start": window_start})
    return find_quote_pickups(pickups, as_of=as_of, rule=rule)


def decide(con: duckdb.DuckDBPyConnection, rules: Sequence[AlertRule], as_of: datetime) -> CooldownDecision:
    """Candidates after cool-down and escalation against what was stored before."""
    candidates = evaluate_rules(con, rules, as_of)
    previous = database.query_frame(con, "alert_previous")
    return apply_cooldown(candidates, previous, {rule.rule_id: rule for rule in rules}, as_of=as_of)


# --- storage ----------------------------------------------------------------------------------------------


def alert_rows(alerts: Sequence[Alert], run_id: str, fired_at: datetime, status: str) -> pl.DataFrame:
    """The alerts table's rows for these alerts."""
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
            }
            for alert in alerts
        ],
        schema_overrides={"window_start": timestamp, "window_end": timestamp, "fired_at": timestamp},
    )


def store_new_alerts(
    con: duckdb.DuckDBPyConnection, alerts: Sequence[Alert], run_id: str, fired_at: datetime, status: str
) -> list[Alert]:
    """Insert alerts never stored before (deterministic ids) and return only those."""
    if not alerts:
        return []
    con.register("incoming_alerts", alert_rows(alerts, run_id, fired_at, status).to_arrow())
    fresh = database.query_frame(con, "insert_new_alerts")
    con.unregister("incoming_alerts")
    fresh_ids = set(fresh["alert_id"].to_list()) if fresh.height else set()
    return [alert for alert in alerts if alert.alert_id in fresh_ids]


DELIVERY_SCHEMA: dict[str, pl.DataType] = {
    "alert_id": pl.String(),
    "channel_key": pl.String(),
    "channel": pl.String(),
    "status": pl.String(),
    "attempts": pl.Int32(),
    "first_attempt_at": pl.Datetime("us", "UTC"),
    "last_attempt_at": pl.Datetime("us", "UTC"),
    "delivered_at": pl.Datetime("us", "UTC"),
    "last_error": pl.String(),
    "run_id": pl.String(),
}


def write_deliveries(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, object]], query: str) -> None:
    if not rows:
        return
    con.register("incoming_deliveries", pl.DataFrame(list(rows), schema=DELIVERY_SCHEMA).to_arrow())
    database.query_frame(con, query)
    con.unregister("incoming_deliveries")


class OutcomeLog:
    """Writes delivery outcomes as soon as they are known, each batch in its own short transaction, so a run
    killed between two messages never sends the first again. A write that finds the file locked keeps its rows
    for the next write; the last one waits for the lock a few times before giving up."""

    def __init__(self, db: Path, sleep: Callable[[float], None] = time.sleep) -> None:
        self.db = db
        self.sleep = sleep
        self.waiting: list[dict[str, object]] = []

    def record(self, rows: Sequence[dict[str, object]]) -> None:
        self.waiting.extend(rows)
        try:
            self.write()
        except database.WarehouseLocked as error:
            LOGGER.warning("delivery outcomes wait for the warehouse: %s", error)

    def close(self) -> None:
        for wait in LOCK_WAITS_S:
            try:
                self.write()
                return
            except database.WarehouseLocked:
                self.sleep(wait)
        self.write()

    def write(self) -> None:
        if not self.waiting:
            return
        con = database.open_file(self.db, read_only=False)
        try:
            con.execute("begin transaction")
            write_deliveries(con, self.waiting, "alert_deliveries_save")
            alert_ids = sorted({str(row["alert_id"]) for row in self.waiting})
            database.query_frame(con, "alert_status_refresh", {"alert_ids": alert_ids})
            con.execute("commit")
        finally:
            con.close()
        self.waiting = []


# --- evidence ---------------------------------------------------------------------------------------------


def alert_context(con: duckdb.DuckDBPyConnection, alert: Alert) -> AlertContext:
    """Headlines, outlets and co-mentioned people for one alert, from the articles inside its window."""
    query = EVIDENCE_QUERIES.get(alert.subject_kind)
    if query is None:
        return AlertContext()
    parameters: dict[str, object] = {"window_start": alert.window_start, "window_end": alert.window_end}
    if alert.subject_kind == "pair":
        parameters |= {"person_a": alert.members[0], "person_b": alert.members[1]}
    elif alert.subject_kind == "watch":
        parameters |= {"person_id": alert.members[0], "topic_id": alert.members[1]}
    else:
        parameters["subject"] = alert.subject
    articles = database.query_frame(con, query, parameters)
    if articles.is_empty():
        return AlertContext()
    con.register("alert_articles", articles.to_arrow())
    outlets = database.query_frame(con, "alert_outlets")
    people = database.query_frame(con, "alert_comentions", {"exclude": list(alert.members)})
    con.unregister("alert_articles")
    return AlertContext(
        # More candidates than one alert shows: the digest skips stories an earlier alert already showed.
        headlines=pick_headlines(articles, EVIDENCE_CANDIDATES),
        outlets=tuple((row["outlet"] or "", int(row["stories"])) for row in outlets.iter_rows(named=True)),
        co_mentioned=tuple((row["person_id"], int(row["stories"])) for row in people.iter_rows(named=True)),
    )


# --- the stage --------------------------------------------------------------------------------------------


@dataclass
class DuePlan:
    """What each channel must receive this run."""

    entries: dict[str, DigestEntry] = field(default_factory=dict)  # alert_id -> entry
    due: dict[str, list[str]] = field(default_factory=dict)  # channel key -> alert ids, oldest first
    attempts: dict[tuple[str, str], tuple[int, datetime | None]] = field(default_factory=dict)
    retried: set[str] = field(default_factory=set)


def plan_deliveries(
    con: duckdb.DuckDBPyConnection,
    channels: Sequence[Channel],
    fresh: Sequence[Alert],
    run_id: str,
    started_at: datetime,
) -> DuePlan:
    """Add this run's alerts to every channel, let a new channel catch up on the last day's alerts, expire stale
    failures, and list what each channel is owed."""
    write_deliveries(
        con,
        [
            {
                "alert_id": alert.alert_id,
                "channel_key": channel.key,
                "channel": channel.masked,
                "status": "pending",
                "attempts": 0,
                "run_id": run_id,
            }
            for alert in fresh
            for channel in channels
        ],
        "alert_deliveries_add",
    )
    configured = pl.DataFrame(
        {"channel_key": [channel.key for channel in channels], "channel": [channel.masked for channel in channels]}
    )
    con.register("configured_channels", configured.to_arrow())
    caught_up = database.query_frame(
        con, "alert_deliveries_catch_up", {"since": started_at - CATCH_UP_WINDOW, "run_id": run_id}
    )
    con.unregister("configured_channels")
    if caught_up.height:
        LOGGER.info("%d earlier alert(s) to send to channels added since they fired", caught_up.height)
    since = started_at - RETRY_HORIZON
    expired = database.query_frame(con, "alert_deliveries_expire", {"since": since, "run_id": run_id})
    if expired.height:
        LOGGER.warning("%d alert deliveries expired after %s of failures", expired.height, RETRY_HORIZON)
    due = database.query_frame(
        con,
        "alert_deliveries_due",
        {
            "channel_keys": [channel.key for channel in channels],
            "since": since,
        },
    )
    fresh_ids = {alert.alert_id for alert in fresh}
    plan = DuePlan()
    for row in due.iter_rows(named=True):
        alert_id = row["alert_id"]
        if alert_id not in plan.entries:
            delayed = None if alert_id in fresh_ids else row["fired_at"]
            plan.entries[alert_id] = DigestEntry(alert_from_row(row), delayed_since=delayed)
            if delayed is not None:
                plan.retried.add(alert_id)
        plan.due.setdefault(row["channel_key"], []).append(alert_id)
        plan.attempts[(alert_id, row["channel_key"])] = (int(row["attempts"]), row["first_attempt_at"])
    for alert_id, entry in list(plan.entries.items()):
        plan.entries[alert_id] = DigestEntry(entry.alert, alert_context(con, entry.alert), entry.delayed_since)
    return plan


def deliver(
    plan: DuePlan,
    channels: Sequence[Channel],
    *,
    as_of: datetime,
    run_id: str,
    names: Mapping[str, str],
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    max_messages: int,
    report_url: str,
    outcomes: OutcomeLog,
) -> list[DeliveryRecord]:
    """Send each channel its messages in its own format, recording each outcome at once; once a channel fails
    for good this run, its other messages wait for the next run too."""
    records: list[DeliveryRecord] = []
    for channel in channels:
        alert_ids = plan.due.get(channel.key, [])
        if not alert_ids:
            continue
        views = alert_views([plan.entries[alert_id] for alert_id in alert_ids], names)
        messages = format_digest(views, channel.format, as_of=as_of, body_limit=channel.body_limit,
                                 max_messages=max_messages, report_url=report_url)
        channel_down = ""
        for message in messages:
            now = datetime.now(UTC)
            if channel_down:
                status, attempts, detail, delivered_at = "failed", 0, f"not attempted: {channel_down}", None
            else:
                outcome = send_message(channel, message.title, message.body, policy, sleep, payload=message.payload)
                attempts, detail = outcome.attempts, outcome.detail
                status = "delivered" if outcome.ok else "failed" if outcome.retry_later else "rejected"
                delivered_at = now if outcome.ok else None
                log = LOGGER.info if outcome.ok else LOGGER.warning
                log("alerts to %s: %s after %d attempt(s) (%s)", channel.masked, status, attempts, detail)
                if not outcome.ok:
                    channel_down = detail
            rows: list[dict[str, object]] = []
            for alert_id in message.alert_ids:
                earlier, first = plan.attempts.get((alert_id, channel.key), (0, None))
                rows.append(
                    {
                        "alert_id": alert_id,
                        "channel_key": channel.key,
                        "channel": channel.masked,
                        "status": status,
                        "attempts": earlier + attempts,
                        "first_attempt_at": first or (now if attempts else None),
                        "last_attempt_at": now if attempts else None,
                        "delivered_at": delivered_at,
                        "last_error": None if status == "delivered" else detail,
                        "run_id": run_id,
                    }
                )
                records.append(
                    DeliveryRecord(alert_id, channel.masked, status, earlier + attempts, detail, delivered_at)
                )
            outcomes.record(rows)
    return records


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
    rules = read_rules(rules_file)
    channels = [channel_for(url) for url in alert_urls if url.strip()]
    status = "suppressed" if not send else "pending" if channels else "printed"
    with database.opened(db) as con:
        decision = decide(con, rules, as_of)
        con.execute("begin transaction")
        fresh = store_new_alerts(con, decision.fired, run_id, started_at, status)
        plan = plan_deliveries(con, channels, fresh, run_id, started_at) if send and channels else DuePlan()
        con.execute("commit")
        if not plan.entries:
            contexts = {alert.alert_id: alert_context(con, alert) for alert in fresh}
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
    if not send or not channels:
        state = "suppressed" if not send else "printed"
        records = [DeliveryRecord(alert.alert_id, "console", state, 0, "") for alert in fresh]
        return AlertStageResult(fired=fresh, digest_text=digest_text, deliveries=records, retried_pending=0)

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
    return AlertStageResult(fired=fresh, digest_text=digest_text, deliveries=records, retried_pending=len(plan.retried))


def preview_alerts(db: Path, *, as_of: datetime, rules_file: Path, names: Mapping[str, str]) -> str:
    """What would fire now, and what the cool-down holds back, without sending or recording anything."""
    rules = read_rules(rules_file)
    with database.opened(db) as con:
        decision = decide(con, rules, as_of)
        entries = [DigestEntry(alert, alert_context(con, alert)) for alert in decision.fired]
    text = plain_digest(entries, names, as_of) or f"Nothing would fire as of {as_of:%Y-%m-%d %H:%M} UTC."
    if decision.suppressed:
        held = ", ".join(f"{alert.subject} ({alert.rule})" for alert in decision.suppressed)
        text += f"\n\nHeld back by cool-down: {held}"
    return text
