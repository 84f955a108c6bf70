"""The warehouse's clock: which run's time a command reads the warehouse at when none is given."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from warehouse import database


def utc_now() -> datetime:
    return datetime.now(UTC)


def latest_run_clock(db: Path) -> datetime:
    """The clock of the latest completed monitoring run, or now when there is none."""
    with database.opened(db, read_only=True) as con:
        row = con.execute(database.read_sql("latest_run_clock")).fetchone()
    return row[0] if row and row[0] else utc_now()
