"""Bulk loads of one run's tidy tables: polars frames handed to DuckDB as Arrow, upserted on natural keys."""

from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb
import polars as pl

from warehouse.database import read_sql

# Tables whose rows replace earlier rows with the same key; order matters only for readability.
UPSERT_TABLES = (
    "sources",
    "people",
    "topics",
    "feed_state",
    "articles",
    "feed_fetches",
    "mentions",
    "topic_mentions",
    "alerts",
    "runs",
)


@dataclass(frozen=True)
class RunTables:
    """Everything one run writes; an empty frame means nothing of that kind this run."""

    sources: pl.DataFrame
    people: pl.DataFrame
    topics: pl.DataFrame
    feed_state: pl.DataFrame
    articles: pl.DataFrame
    feed_fetches: pl.DataFrame
    mentions: pl.DataFrame
    topic_mentions: pl.DataFrame
    alerts: pl.DataFrame
    runs: pl.DataFrame
    # Articles whose text was re-extracted this run: their old mention rows are replaced, not added to.
    replaced_article_ids: tuple[str, ...] = ()

    def frames(self) -> dict[str, pl.DataFrame]:
        return {field.name: getattr(self, field.name) for field in fields(self) if field.name in UPSERT_TABLES}


def load_run(con: duckdb.DuckDBPyConnection, tables: RunTables) -> dict[str, int]:
    """Upsert every table in one explicit transaction, so a failure leaves no half-loaded run; return row counts."""
    counts: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        if tables.replaced_article_ids:
            ids = pl.DataFrame({"article_id": list(tables.replaced_article_ids)}).to_arrow()
            con.register("replaced_articles", ids)
            con.execute(read_sql("delete_replaced_mentions"))
            con.execute(read_sql("delete_replaced_topic_mentions"))
            con.unregister("replaced_articles")
        for table, frame in tables.frames().items():
            if frame.is_empty():
                counts[table] = 0
                continue
            view_name = f"incoming_{table}"
            con.register(view_name, frame.to_arrow())
            con.execute(f"insert or replace into {table} by name select * from {view_name}")
            con.unregister(view_name)
            counts[table] = frame.height
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts
