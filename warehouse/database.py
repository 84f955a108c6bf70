"""Opening the warehouse file, applying numbered migrations once, and (re)creating the analysts' views."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
VIEWS_DIR = PACKAGE_DIR / "sql"
QUERIES_DIR = PACKAGE_DIR / "queries"
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class WarehouseError(RuntimeError):
    """The warehouse file cannot be used; the message says why in one line."""


@cache
def read_sql(name: str) -> str:
    """Return the text of `warehouse/queries/<name>.sql`; queries live in files, not in Python strings."""
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def migration_files() -> list[tuple[int, Path]]:
    """The numbered migration files in order; a misnamed file is an error rather than silently skipped."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise WarehouseError(f"migration file {path.name} is not named NNNN_words.sql")
        found.append((int(match.group(1)), path))
    versions = [version for version, _ in found]
    if len(set(versions)) != len(versions):
        raise WarehouseError("two migration files share a number")
    return found


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction with its record; return their names."""
    con.execute(
        "create table if not exists schema_migrations "
        "(version integer primary key, name varchar not null, applied_at timestamptz not null)"
    )
    applied = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    newly_applied = []
    for version, path in migration_files():
        if version in applied:
            continue
        con.execute("begin transaction")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("insert into schema_migrations values (?, ?, ?)", [version, path.stem, datetime.now(UTC)])
            con.execute("commit")
        except duckdb.Error as error:
            con.execute("rollback")
            raise WarehouseError(f"migration {path.name} failed: {error}") from error
        newly_applied.append(path.stem)
    return newly_applied


def view_files() -> list[Path]:
    """View definitions, one file per view, applied in name order (a view may build on an earlier one)."""
    return sorted(VIEWS_DIR.glob("*.sql"))


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view; views hold no data, so replacing them on each run is safe."""
    con.execute("begin transaction")
    for path in view_files():
        con.execute(path.read_text(encoding="utf-8"))
    con.execute("commit")


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; a writer gets the schema and views brought up to date."""
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `presswatch run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        raise WarehouseError(describe_open_error(path, error)) from error
    if not read_only:
        apply_migrations(con)
        apply_views(con)
    return con


@contextmanager
def opened(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection closed on exit, so the file's lock is held only as long as the work needs."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def describe_open_error(path: Path, error: Exception) -> str:
    """Turn DuckDB's open errors into a sentence a newcomer can act on."""
    text = str(error)
    if "lock" in text.lower():
        return f"{path} is in use by another process (a running presswatch or an open DuckDB session)"
    return f"cannot open {path}: {text.splitlines()[0]}"
