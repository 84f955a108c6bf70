"""Compare a warehouse with its snapshot, table by table and row by row, through DuckDB itself."""

from __future__ import annotations

from pathlib import Path

import duckdb


def differences(db: Path, snapshot: Path) -> dict[str, tuple[int, int]]:
    """Tables whose rows differ: name -> (rows only in the warehouse, rows only in the snapshot); {} when equal."""
    with duckdb.connect() as con:
        con.execute(f"attach '{db}' as stored (read_only)")
        con.execute(f"attach '{snapshot}' as published (read_only)")
        tables = [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where database_name = 'stored' order by 1").fetchall()]
        found = {}
        for table in tables:
            only_stored = con.execute(
                f"select count(*) from (select * from stored.{table} except all select * from published.{table})"
            ).fetchall()[0][0]
            only_published = con.execute(
                f"select count(*) from (select * from published.{table} except all select * from stored.{table})"
            ).fetchall()[0][0]
            if only_stored or only_published:
                found[table] = (only_stored, only_published)
    return found


def counts(path: Path, *tables: str) -> tuple[int, ...]:
    """Row counts of the tables in a file opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        return tuple(con.execute(f"select count(*) from {table}").fetchall()[0][0] for table in tables)
