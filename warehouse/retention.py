"""Text retention for teams that may not keep full articles: drop `articles.text` after N days, keep the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

from warehouse.database import read_sql, rollback, scalar


def apply_retention(
    con: duckdb.DuckDBPyConnection, keep_text_days: int | None, *, now: datetime | None = None
) -> int:
    """Null the text of articles first stored more than `keep_text_days` ago; return how many lost their text.

    None keeps everything. Counts, titles, snippets and mentions are untouched, and `text_dropped_at` says when
    the text went. Age is measured against `now`, else the latest completed run's clock, else the wall clock.
    """
    if keep_text_days is None:
        return 0
    if keep_text_days < 0:
        raise ValueError(f"keep_text_days must be 0 or more, got {keep_text_days}")
    if now is None:
        latest = scalar(con, read_sql("retention_clock"))
        now = latest if isinstance(latest, datetime) else datetime.now(UTC)
    cutoff = now - timedelta(days=keep_text_days)
    con.execute("begin transaction")
    try:
        dropped = scalar(con, read_sql("drop_old_text"), {"now": now, "cutoff": cutoff})
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    return int(dropped) if isinstance(dropped, int) else 0
