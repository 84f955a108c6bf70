"""Text retention for teams that may not keep full articles: drop `articles.text` after N days, keep the rest.

A clock ahead of the truth must never destroy text, and dropped text cannot come back. So age is measured only
by machine-clock readings (when articles were first seen, when runs started; never `--as-of`), against a clock
that three runs agree on: this run's start and the starts of the two latest completed runs before it. One run
with a wrong clock, or two, cannot make anything look old; until two runs are on record nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from warehouse.database import read_sql, rollback, scalar

CONFIRMING_RUNS = 2  # completed runs whose starts must also have reached a time before text is aged by it
# A held-back clock is said out loud only beyond this: hourly runs always hold it back by an hour or two.
NOTABLE_HOLD = timedelta(days=1)


@dataclass(frozen=True)
class RetentionOutcome:
    """What retention did: how many texts went, the clock it aged them against, and what the user should know."""

    dropped: int = 0
    clock: datetime | None = None  # None: no confirmed clock yet, nothing was dropped
    note: str = ""


def retention_clock(con: duckdb.DuckDBPyConnection, now: datetime, run_id: str = "") -> datetime | None:
    """The earliest of `now` (this run's start by the machine's clock) and the starts of the two latest completed
    runs before it; None while fewer than two such runs exist."""
    parameters = {"now": now, "run_id": run_id, "runs": CONFIRMING_RUNS}
    readings = [row[0] for row in con.execute(read_sql("retention_clock"), parameters).fetchall()]
    if len(readings) < CONFIRMING_RUNS:
        return None
    return min([now, *readings])


def apply_retention(
    con: duckdb.DuckDBPyConnection, keep_text_days: int | None, *, now: datetime, run_id: str = ""
) -> RetentionOutcome:
    """Null the text of articles first seen more than `keep_text_days` before the confirmed clock (see the module
    docstring). None keeps everything. Counts, titles, snippets and mentions are untouched, and `text_dropped_at`
    says when the text went."""
    if keep_text_days is None:
        return RetentionOutcome()
    if keep_text_days < 0:
        raise ValueError(f"keep_text_days must be 0 or more, got {keep_text_days}")
    clock = retention_clock(con, now, run_id)
    if clock is None:
        return RetentionOutcome()
    note = ""
    if now - clock > NOTABLE_HOLD:
        note = (
            f"text retention aged articles against {clock:%Y-%m-%d %H:%M} UTC, not this machine's clock "
            f"({now:%Y-%m-%d %H:%M} UTC), which is ahead of the runs before it: text is dropped only by a time "
            "three runs in a row have reached"
        )
    con.execute("begin transaction")
    try:
        dropped = scalar(
            con, read_sql("drop_old_text"), {"now": now, "cutoff": clock - timedelta(days=keep_text_days)}
        )
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    return RetentionOutcome(int(dropped) if isinstance(dropped, int) else 0, clock, note)
