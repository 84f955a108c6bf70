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


def file_differences(first: Path, second: Path, *, ignore: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Everything two DuckDB files differ in, table by table (every table of either file, its columns and rows)
    and view by view: name -> what differs; {} when they hold the same. `ignore` names columns left out of the
    row comparison per table (a timestamp each file took from its own clock)."""
    ignored = ignore or {}
    found: dict[str, str] = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{first}' as first_file (read_only)")
        con.execute(f"attach '{second}' as second_file (read_only)")
        tables = {name: [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ? order by 1", [name]).fetchall()]
            for name in ("first_file", "second_file")}
        for table in sorted(set(tables["first_file"]) | set(tables["second_file"])):
            if table not in tables["first_file"] or table not in tables["second_file"]:
                found[table] = "only in " + ("first" if table in tables["first_file"] else "second")
                continue
            columns = [con.execute(
                "select column_name, data_type from duckdb_columns() where database_name = ? and table_name = ? "
                "order by column_index", [name, table]).fetchall() for name in ("first_file", "second_file")]
            if columns[0] != columns[1]:
                found[table] = f"columns {columns[0]} against {columns[1]}"
                continue
            chosen = ", ".join(f'"{name}"' for name, _ in columns[0] if name not in ignored.get(table, ()))
            only = [con.execute(f'select count(*) from (select {chosen} from {one}."{table}" '
                                f'except all select {chosen} from {other}."{table}")').fetchall()[0][0]
                    for one, other in (("first_file", "second_file"), ("second_file", "first_file"))]
            if any(only):
                found[table] = f"{only[0]} rows only in first, {only[1]} only in second"
        views = [dict(con.execute("select view_name, sql from duckdb_views() where database_name = ? and not internal",
                                  [name]).fetchall()) for name in ("first_file", "second_file")]
        for view in sorted(set(views[0]) | set(views[1])):
            if views[0].get(view) != views[1].get(view):
                found[f"view {view}"] = "defined differently"
    return found


def storage_version(path: Path) -> str:
    """The storage format a DuckDB file is written in, as DuckDB names it: the oldest release that reads it
    ('v1.4.0+' is read by DuckDB 1.4 and later, 'v2.0.0+' only by 2.0 and later)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{path}' as probed (read_only)")
        return str(con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'probed'").fetchall()[0][0])


def temporaries(snapshot: Path) -> list[str]:
    """The hidden files a full copy of the snapshot writes beside it before renaming one into place."""
    return sorted(path.name for path in snapshot.parent.glob(f".{snapshot.name}.*"))
