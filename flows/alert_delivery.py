"""Delivering what the alert stage stored: which alerts each channel is owed (new, due for retry, or caught up for
a channel added since), the evidence each message shows, and the outcome of every attempt written as it happens.

The warehouse is closed while a channel is being asked: outcomes are written in their own short transactions
(waiting briefly for a reader's lock), so a run killed mid-delivery repeats at most the message in flight.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from transforms.alerts import Alert, alert_from_row
from transforms.channel_formats import format_digest
from transforms.clocks import carried_by_digest
from transforms.digest import (
    EVIDENCE_CANDIDATES,
    AlertContext,
    DigestEntry,
    alert_views,
    contexts_from_evidence,
    evidence_requests,
)
from warehouse import database

if TYPE_CHECKING:
    from flows.adapters.delivery import Channel, RetryPolicy

LOGGER = logging.getLogger("presswatch.alerts")
RETRY_HORIZON = timedelta(days=7)
# A channel added after an alert fired receives the alerts of the last day it never had, once.
CATCH_UP_WINDOW = timedelta(hours=24)
LOCK_WAITS_S = (0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class DeliveryRecord:
    """One alert's delivery to one channel (masked) as it stands after this run."""

    alert_id: str
    channel: str
    status: str  # delivered, failed, rejected, printed, suppressed
    attempts: int
    detail: str
    delivered_at: datetime | None = None


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
        database.waiting_out_locks(self.write, LOCK_WAITS_S, self.sleep)

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


@dataclass
class DuePlan:
    """What each channel must receive this run."""

    entries: dict[str, DigestEntry] = field(default_factory=dict)  # alert_id -> entry
    due: dict[str, list[str]] = field(default_factory=dict)  # channel key -> alert ids, oldest first
    attempts: dict[tuple[str, str], tuple[int, datetime | None]] = field(default_factory=dict)
    retried: set[str] = field(default_factory=set)
    deferred: int = 0  # alerts owed whose window ends after this run's as-of: a later run carries them


def plan_deliveries(
    con: duckdb.DuckDBPyConnection,
    channels: Sequence[Channel],
    fresh: Sequence[Alert],
    run_id: str,
    started_at: datetime,
    as_of: datetime,
) -> DuePlan:
    """Add this run's alerts to every channel, let a new channel catch up on the last day's alerts, expire stale
    failures, and list what each channel is owed in a digest titled as of `as_of` (what it may carry)."""
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
    deferred: set[str] = set()
    for row in due.iter_rows(named=True):
        alert_id = row["alert_id"]
        if not carried_by_digest(row["window_end"], as_of):
            deferred.add(alert_id)
            continue
        if alert_id not in plan.entries:
            delayed = None if alert_id in fresh_ids else row["fired_at"]
            plan.entries[alert_id] = DigestEntry(alert_from_row(row), delayed_since=delayed)
            if delayed is not None:
                plan.retried.add(alert_id)
        plan.due.setdefault(row["channel_key"], []).append(alert_id)
        plan.attempts[(alert_id, row["channel_key"])] = (int(row["attempts"]), row["first_attempt_at"])
    plan.deferred = len(deferred)
    contexts = alert_contexts(con, [entry.alert for entry in plan.entries.values()])
    for alert_id, entry in list(plan.entries.items()):
        plan.entries[alert_id] = DigestEntry(entry.alert, contexts[alert_id], entry.delayed_since)
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
    from flows.adapters.delivery import send_message  # apprise and httpx only for a run that delivers

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


# Which of evidence_requests' lists each read takes.
ARTICLES_READ = ("alert_ids", "kinds", "first_ids", "second_ids", "window_starts", "window_ends")
COMENTIONS_READ = ("alert_ids", "window_starts", "window_ends", "exclusions")


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


def alert_contexts(con: duckdb.DuckDBPyConnection, alerts: Sequence[Alert]) -> dict[str, AlertContext]:
    """Headlines, outlets and co-mentioned people for each alert (by id), from the articles inside its own window:
    three reads whatever the number of alerts. A feed's alert, or one without articles, gets an empty context."""
    contexts = {alert.alert_id: AlertContext() for alert in alerts}
    requests = evidence_requests(alerts)
    if not requests["alert_ids"]:
        return contexts
    articles = database.query_frame(con, "alert_articles", {key: requests[key] for key in ARTICLES_READ})
    if articles.is_empty():
        return contexts
    con.register("alert_articles", articles.to_arrow())
    try:
        outlets = database.query_frame(con, "alert_outlets")
        people = database.query_frame(con, "alert_comentions", {key: requests[key] for key in COMENTIONS_READ})
    finally:
        con.unregister("alert_articles")
    # More candidates than one alert shows: the digest skips stories an earlier alert already showed.
    return contexts | contexts_from_evidence(articles, outlets, people, EVIDENCE_CANDIDATES)
