"""The warehouse's clock: the time of its latest completed monitoring run, which commands read the warehouse at
when none is given (`alerts preview`) and a backfill judges its suppressed alerts at."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from warehouse import database


def latest_run_clock(db: Path) -> datetime | None:
    """The clock (`as_of`) of the latest completed monitoring run, or None when there is none."""
    with database.opened(db, read_only=True) as con:
        row = con.execute(database.read_sql("latest_run_clock")).fetchone()
    return row[0] if row and row[0] else None
