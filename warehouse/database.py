"""Opening the warehouse file, applying numbered migrations once, and (re)creating the analysts' views."""

from __future__ import annotations

import csv
import hashlib
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb

if TYPE_CHECKING:  # polars costs half a second to import; `presswatch sql` answers without it
    import polars as pl

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
VIEWS_DIR = PACKAGE_DIR / "sql"
QUERIES_DIR = PACKAGE_DIR / "queries"
# What each column means, beside the views and applied with them as DuckDB column comments: `.describe` shows
# them, and so does any client that reads comments (duckdb_columns(), DBeaver), on the warehouse and its snapshot.
MEANINGS_NAME = "column_meanings.csv"
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
DEFINED_NAME = re.compile(r"(?i)\bcreate\s+or\s+replace\s+(?:view|macro)\s+(\w+)")
WAL_REPLAY_FAILURE = "failure while replaying wal"
WAREHOUSE_ZONE = "UTC"
DISK_FULL = "no space left on device"  # strerror(ENOSPC), which DuckDB quotes in its I/O errors
LOGGER = logging.getLogger("presswatch.warehouse")
ANALYST_SETTINGS = ["TimeZone"]
# An analyst's session reads the warehouse and nothing else: no other file (COPY TO, EXPORT, ATTACH of another file,
# read_csv), no network, no extensions, nothing spilled next to the warehouse (SessionLimits spill elsewhere). Set
# before `lock_configuration`, so SET or RESET cannot undo it; the time zone (and a lower memory_limit) stay free.
LOCKED_DOWN: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_extension_repositories": "forbidden",
    "allow_persistent_secrets": False,
    "python_enable_replacements": False,
    "temp_directory": "",
    "allowed_configs": ANALYST_SETTINGS,
}
SHOWN_SIZE = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(bytes|KiB|MiB|GiB|TiB|PiB|EiB)")
BINARY_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")

Notice = Callable[[str], None]


class WarehouseError(RuntimeError):
    """The warehouse file cannot be used; the message says why in one line."""


class WarehouseDiskFull(WarehouseError):
    """The disk holding the warehouse has no room left for DuckDB's next write."""


class WarehouseLocked(WarehouseError):
    """Another process holds the file (a writer, or any open session when we want to write)."""


@cache
def read_sql(name: str) -> str:
    """Return the text of `warehouse/queries/<name>.sql`; queries live in files, not in Python strings."""
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, parameters: object = None) -> object:
    """The first cell of a query's result (None when no rows); fetches every row so the result is finished."""
    rows = con.execute(sql, parameters).fetchall() if parameters is not None else con.execute(sql).fetchall()
    return rows[0][0] if rows else None


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Undo the open transaction. A COMMIT that failed (a full disk) has already ended it: DuckDB then refuses the
    ROLLBACK, and that refusal must not replace the error that says why the commit failed."""
    try:
        con.execute("rollback")
    except duckdb.TransactionException as error:
        if "no transaction is active" not in str(error).lower():
            raise


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


def apply_migrations(con: duckdb.DuckDBPyConnection, *, notice: Notice | None = None) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction with its record; return their names.

    Upgrading a file that already has a schema is announced first: a step that copies a large table takes minutes,
    and a run that says nothing for minutes looks hung.
    """
    con.execute(
        "create table if not exists schema_migrations "
        "(version integer primary key, name varchar not null, applied_at timestamptz not null)"
    )
    applied = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    pending = [(version, path) for version, path in migration_files() if version not in applied]
    if applied and pending:
        (notice or LOGGER.info)(
            f"upgrading the warehouse {database_path(con)} from schema {max(applied)} to {pending[-1][0]} "
            f"({', '.join(path.stem for _, path in pending)}); on a large file this can take minutes, and the "
            "run carries on after it"
        )
    newly_applied = []
    for version, path in pending:
        con.execute("begin transaction")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "insert into schema_migrations values (?, ?, ?)", [version, path.stem, datetime.now(UTC)]
            )
            con.execute("commit")
        except duckdb.Error as error:
            rollback(con)
            raise WarehouseError(f"migration {path.name} failed: {error}") from error
        newly_applied.append(path.stem)
    return newly_applied


def snapshot_path(db: Path) -> Path:
    """The read-only copy each run brings up to date at its end, for analysts and for reads while the file is
    locked (warehouse/snapshot.py)."""
    return db.with_name(f"{db.stem}.snapshot{db.suffix}")


def analysts_file(db: Path) -> Path:
    """What an analyst's read opens when they name no file: the snapshot, which holds whole runs only and is never
    in the hourly writer's way; the live file until a run has published one."""
    snapshot = snapshot_path(db)
    return snapshot if snapshot.exists() else db


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    """The file a connection has open, for messages."""
    row = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()
    return str(row[0]) if row else "(unknown file)"


def view_files() -> list[Path]:
    """View and macro files (one view per file, named after it; a view's period macro may sit beside it), in an
    order where what a file reads or calls comes first."""
    paths = sorted(VIEWS_DIR.glob("*.sql"))
    texts = {path.stem: strip_comments(path.read_text(encoding="utf-8")) for path in paths}
    defined = {stem: {stem, *DEFINED_NAME.findall(text)} for stem, text in texts.items()}
    graph: dict[str, set[str]] = {}
    for stem, text in texts.items():
        graph[stem] = {
            other
            for other, names in defined.items()
            if other != stem and any(re.search(reference_pattern(name), text) for name in names)
        }
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise WarehouseError(f"view files depend on each other in a cycle: {error.args[1]}") from error
    by_name = {path.stem: path for path in paths}
    return [by_name[name] for name in order]


def reference_pattern(name: str) -> str:
    """A read (`from name`, `join name`) or a call (`name(`): a column that shares a view's name is no reference."""
    return rf"(?i:\b(?:from|join)\s+{re.escape(name)}\b|\b{re.escape(name)}\s*\()"


def strip_comments(sql: str) -> str:
    """SQL without `--` comments, so a view that only mentions another in prose does not depend on it."""
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


@cache
def views_digest() -> str:
    """One digest of every view file, in order: it changes when any view is edited, added or removed."""
    digest = hashlib.sha256()
    for path in [*view_files(), *meanings_files()]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def apply_views(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> None:
    """(Re)create every view in one transaction when the view files differ from those last applied; views hold
    no data, so replacing them is safe, and skipping an unchanged set saves each connection a tenth of a second."""
    con.execute("create table if not exists view_state (digest varchar not null, applied_at timestamptz not null)")
    if not force and scalar(con, "select max(digest) from view_state") == views_digest():
        return
    con.execute("begin transaction")
    for path in view_files():
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as error:
            rollback(con)
            raise WarehouseError(f"view {path.name} failed: {error}") from error
    for relation, column, meaning in column_meanings():
        try:
            con.execute(f"comment on column {quote_name(relation)}.{quote_name(column)} is {quote_text(meaning)}")
        except duckdb.Error as error:
            rollback(con)
            raise WarehouseError(f"{MEANINGS_NAME}: {relation}.{column}: {error}") from error
    con.execute("delete from view_state")
    con.execute("insert into view_state values (?, ?)", [views_digest(), datetime.now(UTC)])
    con.execute("commit")


def meanings_files() -> list[Path]:
    """warehouse/sql/column_meanings.csv (absent only from a test's own set of view files)."""
    path = VIEWS_DIR / MEANINGS_NAME
    return [path] if path.is_file() else []


def column_meanings() -> list[tuple[str, str, str]]:
    """(relation, column, meaning) rows of warehouse/sql/column_meanings.csv."""
    rows = []
    for path in meanings_files():
        with path.open(encoding="utf-8", newline="") as handle:
            rows += [(row["relation"], row["column"], row["meaning"]) for row in csv.DictReader(handle)]
    return rows


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(path: Path, *, read_only: bool = False, notice: Notice | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; a writer gets the schema and views brought up to date.

    A write-ahead log DuckDB cannot replay is moved aside (named in the notice) so hourly runs do not crash-loop.
    """
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `presswatch run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = open_file(path, read_only=read_only)
    except duckdb.Error as error:
        if read_only or WAL_REPLAY_FAILURE not in str(error).lower():
            raise
        moved = quarantine_wal(path)
        (notice or LOGGER.warning)(
            f"the write-ahead log of {path} could not be replayed ({first_line(error)}); "
            f"moved it to {moved} and opened the file without it: changes since the last checkpoint are in that file"
        )
        con = open_file(path, read_only=read_only)
    if not read_only:
        # A run's log is read afterwards, not watched: DuckDB's progress bar (an upgrade copying big tables, a large
        # backfill) would fill it with redraws.
        con.execute("set enable_progress_bar = false")
        try:
            migrated = apply_migrations(con, notice=notice)
            apply_views(con, force=bool(migrated))  # a migration may have changed what a view reads
        except BaseException:
            # Nobody else holds this connection: left open, it would pin the file in this process (later opens
            # with another configuration are refused) until the process ends.
            con.close()
            raise
    return con


def open_file(
    path: Path, *, read_only: bool, config: dict[str, str | bool | int | float | list[str]] | None = None
) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with lock errors turned into WarehouseLocked and other I/O errors into one sentence."""
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.Error as error:
        full = disk_full(path, error)
        if full is not None:  # before anything else: a full disk must never look like an unreadable log
            raise full from error
        if not isinstance(error, duckdb.IOException):
            raise
        if "lock" in str(error).lower():
            raise WarehouseLocked(describe_open_error(path, error)) from error
        raise WarehouseError(describe_open_error(path, error)) from error
    use_utc(con)
    return con


def use_utc(con: duckdb.DuckDBPyConnection) -> None:
    """Every timestamp leaves DuckDB in one zone, spelled "UTC" as Python's datetime.UTC is.

    DuckDB's session zone follows the host (often "Etc/UTC"); polars refuses to put values from the warehouse and
    values made in this run into one column when their zone names differ, even though both mean UTC.
    """
    con.execute(f"set TimeZone = '{WAREHOUSE_ZONE}'")


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def quarantine_wal(path: Path) -> Path:
    """Move the unreadable WAL aside under a name that says what it is and when it was set aside."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.wal.unreplayable-{stamp}")
    wal_path(path).rename(target)
    return target


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# The load and the publish copy what a run wrote; DuckDB's default (80 % of the machine) let them cache all of it,
# so a run's peak memory grew with its new articles (bench_memory.py). Past this bound DuckDB spills to <db>.tmp.
WRITER_MEMORY_MB = 64


def bound_writer_memory(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Cap what DuckDB holds while loading or publishing a run, so a run's memory follows its batch."""
    con.execute("set memory_limit = $1", [f"{WRITER_MEMORY_MB}MB"])
    return con


@contextmanager
def opened(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection closed on exit, so the file's lock is held only as long as the work needs."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


READER_LOCK_WAITS_S = (0.1, 0.2, 0.4, 0.8, 1.5)  # 3 s in all, then "in use"
T = TypeVar("T")


def waiting_out_locks(
    attempt: Callable[[], T], waits_s: Sequence[float], sleep: Callable[[float], None] = time.sleep
) -> T:
    """`attempt()`, tried again after each wait while another process holds the file; the last try's
    WarehouseLocked is the caller's to report."""
    for wait_s in waits_s:
        try:
            return attempt()
        except WarehouseLocked:
            sleep(wait_s)
    return attempt()


def connect_locked_down(
    path: Path, config: dict[str, str | bool | int | float | list[str]] | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only session that can read the warehouse and nothing else, and cannot be talked out of it.

    A writer holding the file briefly (the hourly sync of the analysts' snapshot takes a fraction of a second) is
    waited out for a few seconds, so a query typed at that moment answers instead of failing."""
    if not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `presswatch run` first")
    settings = config or LOCKED_DOWN
    con = waiting_out_locks(lambda: open_file(path, read_only=True, config=settings), READER_LOCK_WAITS_S)
    con.execute("set lock_configuration = true")
    return con


@contextmanager
def open_read_only(path: Path, limits: SessionLimits | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The analysts' way in (`presswatch sql`, the report): locked down, released as soon as the block ends.

    With `limits`, DuckDB may hold that much memory and spill beyond it into a private folder in the system's
    temporary directory (removed with the session); memory_limit can then be lowered by SET, never raised."""
    if limits is None:
        con = connect_locked_down(path)
        try:
            yield con
        finally:
            con.close()
        return
    with tempfile.TemporaryDirectory(prefix="presswatch-sql-") as spill:
        con = connect_locked_down(path, limits.config(spill))
        try:
            yield con
        finally:
            con.close()


@dataclass(frozen=True)
class SessionLimits:
    """What one analyst's session may take: memory before DuckDB spills to disk, and disk for the spilling."""

    memory_mb: int
    spill_mb: int

    def config(self, spill_dir: str) -> dict[str, str | bool | int | float | list[str]]:
        allowed = [*ANALYST_SETTINGS, "memory_limit"]  # raising it is refused by `hold`
        return {
            **LOCKED_DOWN,
            "memory_limit": f"{self.memory_mb}MB",
            "temp_directory": spill_dir,
            "max_temp_directory_size": f"{self.spill_mb}MB",
            "allowed_configs": allowed,
        }

    def hold(self, con: duckdb.DuckDBPyConnection) -> None:
        """Refuse a memory_limit set (or reset) above the cap: put the cap back and say so, as DuckDB errors do.

        DuckDB shows the limit rounded down to a tenth of its unit, so a raise of less than that goes unnoticed."""
        shown = str(scalar(con, read_sql("session_memory_limit")))
        if memory_bytes(shown) <= self.memory_mb * 1_000_000:
            return
        con.execute("set memory_limit = $1", [f"{self.memory_mb}MB"])
        raise duckdb.InvalidInputException(
            f"memory_limit can be lowered, not raised: this session may use at most {self.memory_mb} MB "
            f"(asked for {shown}; the cap is PRESSWATCH_SQL_MEMORY_MB)"
        )


def memory_bytes(shown: str) -> float:
    """Bytes from DuckDB's display of a size ("286.1 MiB", "16383.9 PiB"); infinity for anything else."""
    match = SHOWN_SIZE.fullmatch(shown.strip())
    if match is None:
        return float("inf")
    number, unit = match.groups()
    return float(number) * 1024 ** BINARY_UNITS.index(unit)


def disk_full(path: Path, error: BaseException) -> WarehouseDiskFull | None:
    """A disk-full failure anywhere under DuckDB (commit, checkpoint, replaying the log) said the way a person can
    act on; None for any other error. What was committed stays in the file or its log and is kept."""
    if DISK_FULL not in str(error).lower():
        return None
    folder = path.resolve().parent
    try:
        usage = shutil.disk_usage(folder)
        free = f"{usage.free // 1024:,} KB free of {usage.total // (1024 * 1024):,} MB"
    except OSError:
        free = "free space unknown"
    return WarehouseDiskFull(
        f"the disk holding {folder} is full ({free}): DuckDB could not write {path.name}. Free space there or move "
        "the warehouse (PRESSWATCH_DB); nothing committed is lost, and the next run finishes the write"
    )


def describe_open_error(path: Path, error: Exception) -> str:
    """Turn DuckDB's open errors into a sentence a newcomer can act on."""
    text = str(error)
    full = disk_full(path, error)
    if full is not None:
        return str(full)
    if "lock" in text.lower():
        return f"{path} is in use by another process (a running presswatch or an open DuckDB session)"
    return f"cannot open {path}: {text.splitlines()[0]}"


def query_frame(
    con: duckdb.DuckDBPyConnection, name: str, parameters: dict[str, object] | None = None
) -> pl.DataFrame:
    """Run the named query file and return all its rows as a polars frame (through Arrow, fully fetched)."""
    import polars as pl

    relation = con.sql(read_sql(name), params=parameters or {})
    return relation.pl() if relation is not None else pl.DataFrame()
