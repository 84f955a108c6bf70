"""The analysts' copy of the warehouse (`<db>.snapshot.duckdb`), brought up to date at the end of every run.

Readers of the snapshot never block the hourly writer and never see half a run. The run attaches the snapshot from
its own connection to the warehouse and, in one transaction on the snapshot, copies what the snapshot lacks: the
rows of every run it has not synced yet (`snapshot_runs`, a table only the snapshot has, records the runs it
holds), found by run id, and the small tables whole. Work follows the new rows, not the warehouse's size, and a
run that never published (spooled, killed, a backfill) is caught up by the next one, because what is missing is
read from the two files, not from the run's memory. While the transaction runs, DuckDB's lock keeps new readers
out; a reader that got in before keeps the file locked, and the run then replaces the snapshot with a copy of it,
synced, renamed into place (the reader keeps the old file until it reconnects). The warehouse is copied whole into
a new file instead when the snapshot is missing, has another schema, does not hold the warehouse's row counts once
synced, or is in a storage format newer than SNAPSHOT_STORAGE_VERSION.

Analysts open the snapshot with their own DuckDB (1.4 LTS, the 1.5 CLI, 2.x), so it is written in DuckDB 1.4's
storage format: a full copy attaches a new file with that STORAGE_VERSION and copies the warehouse into it, and
DuckDB keeps an existing file's format when later syncs write to it. Its views and macros are stored as SQL that
the reading client binds again, so the view files use only what DuckDB 1.4 has (tests/warehouse/test_clients.py).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl
import pyarrow as pa

from transforms.run_rows import TIMESTAMP
from warehouse import database
from warehouse.database import read_sql, scalar
from warehouse.spool import fsync_file

# The oldest DuckDB whose storage format the snapshot is written in: 1.4 LTS, 1.5 and 2.x open such a file, while
# DuckDB 2.0's own format (storage version 69, the live warehouse's) opens in 2.x only.
SNAPSHOT_STORAGE_VERSION = "v1.4.0"
STORAGE_RELEASE = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
SNAPSHOT_MODE = 0o640  # rw for the runs' account, read for its group, nothing for others
ALIAS = "presswatch_snapshot"  # the snapshot's name while attached; the queries in warehouse/queries use it
SYNCED_RUNS = "snapshot_runs"
ATTACH_WAITS_S = (0.05, 0.1, 0.2, 0.4)  # a reader still there after these holds it: copy instead of waiting longer
# Tables whose rows arrive with a run and never change afterwards except by a later run's upsert: copied by run id.
RUN_TABLES = ("articles", "feed_fetches", "occurrence_replacements")
# An article's occurrences, all replaced together when a run re-derives the article (a revision, a backfill).
OCCURRENCE_TABLES = ("mentions", "topic_mentions", "quotes")

Method = Literal["synced", "copied", "created"]
NO_SNAPSHOT = "there was none yet"


class SnapshotStale(Exception):
    """The snapshot cannot be brought up to date in place; the message says why, for the run's notice."""


class SnapshotHeld(SnapshotStale):
    """Another session has the snapshot open: it is sound, only not writable in place."""


@dataclass(frozen=True)
class Publication:
    """How the snapshot was brought up to date: synced in place, or replaced by a full copy (and why)."""

    path: Path
    method: Method
    runs: int  # runs whose rows were added
    seconds: float
    reason: str = ""
    leftovers: Leftovers = field(default_factory=lambda: Leftovers(0, 0))

    def notice(self) -> str:
        """One sentence for the run's notices when the cheap path was not taken or leftovers were removed; empty
        otherwise."""
        parts = []
        if self.method == "copied":  # not synced in place, nor made for the first time
            parts.append(
                f"snapshot {self.path.name} replaced by a full copy ({self.seconds:.1f} s) because {self.reason}; "
                "sessions open on the old one keep reading it until they reconnect"
            )
        if self.leftovers.files:
            parts.append(self.leftovers.sentence(self.path))
        return "; ".join(parts)


@dataclass(frozen=True)
class Leftovers:
    """Temporary files that full copies interrupted earlier (a killed run) left beside the snapshot, removed."""

    files: int
    size: int  # bytes

    def sentence(self, snapshot: Path) -> str:
        plural = "s" if self.files != 1 else ""
        return (
            f"removed {self.files} temporary file{plural} ({self.size / 1e6:.1f} MB) that an interrupted full copy "
            f"had left beside {snapshot.name}"
        )


def publish_snapshot(db: Path, snapshot: Path, *, run_id: str | None = None) -> Publication:
    """Open `db` as its writer and bring `snapshot` up to date (see `publish`).

    Raises WarehouseLocked when another process holds `db`.
    """
    with database.opened(db) as con:
        return publish(database.bound_writer_memory(con), snapshot, run_id=run_id)


def publish(con: duckdb.DuckDBPyConnection, snapshot: Path, *, run_id: str | None = None) -> Publication:
    """Sync `snapshot` with the warehouse `con` holds as its only writer, or replace it by a full copy of it; first
    remove what interrupted full copies left beside it.

    `run_id`, when given, is the run publishing: its record gets `publish_s` in both files.
    """
    started = time.perf_counter()
    leftovers = remove_leftovers(con, snapshot)
    try:
        runs, seconds = sync(con, snapshot, run_id, started)
    except SnapshotStale as why:
        seconds = replace_snapshot(con, snapshot, run_id, started, held=isinstance(why, SnapshotHeld))
        method: Method = "created" if str(why) == NO_SNAPSHOT else "copied"
        publication = Publication(snapshot, method, count_runs(con), seconds, str(why), leftovers)
    else:
        publication = Publication(snapshot, "synced", runs, seconds, leftovers=leftovers)
    if run_id is not None:
        con.execute("update runs set publish_s = ? where run_id = ?", [round(publication.seconds, 3), run_id])
    return publication


def sync(con: duckdb.DuckDBPyConnection, snapshot: Path, run_id: str | None, started: float) -> tuple[int, float]:
    """Copy into the attached snapshot, in one transaction, the rows of the runs it lacks; return how many runs and
    the seconds since `started` once they were committed and checkpointed."""
    if not snapshot.exists():
        raise SnapshotStale(NO_SNAPSHOT)
    attach(con, snapshot)
    try:
        check_storage(con)
        check_schema(con)
        con.execute("begin transaction")
        try:
            pending = copy_changes(con)
            check_counts(con)
            con.execute("commit")
        except duckdb.Error as error:
            database.rollback(con)
            full = database.disk_full(snapshot, error)
            if full is not None:
                raise full from error
            # A row the snapshot cannot take (a key it already holds) means it drifted from the warehouse.
            raise SnapshotStale(f"syncing it failed ({database.first_line(error)})") from error
        except BaseException:
            database.rollback(con)
            raise
        con.execute(f"checkpoint {ALIAS}")
        seconds = time.perf_counter() - started
        record_seconds(con, run_id, seconds)
    finally:
        detach(con)
    return pending, seconds


def attach(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    waits_s: tuple[float, ...] = ATTACH_WAITS_S,
    storage_version: str | None = None,
) -> None:
    """Attach `path` read-write as ALIAS, waiting a moment for a reader that is only passing through (a one-off
    `presswatch sql`); a session that stays, or a file DuckDB cannot use, is SnapshotStale. `storage_version` is
    the format a new file is created in (an existing file keeps its own)."""
    quoted = str(path).replace("'", "''")
    options = f" (storage_version '{storage_version}')" if storage_version else ""
    for wait_s in (*waits_s, None):
        try:
            con.execute(f"attach '{quoted}' as {ALIAS}{options}")
            return
        except duckdb.Error as error:
            full = database.disk_full(path, error)
            if full is not None:
                raise full from error
            text = str(error).lower()
            if "lock" not in text and "already attached" not in text:  # not a reader: waiting will not help
                raise SnapshotStale(f"it could not be opened ({database.first_line(error)})") from error
            if wait_s is None:  # a reader in another process, or a session in this one
                raise SnapshotHeld("a session had it open") from error
            time.sleep(wait_s)


def detach(con: duckdb.DuckDBPyConnection) -> None:
    """Detach the snapshot (DuckDB checkpoints it on the way), so readers may open it again."""
    attached = scalar(con, "select count(*) from duckdb_databases() where database_name = ?", [ALIAS])
    if attached:
        con.execute(f"detach {ALIAS}")


def check_storage(con: duckdb.DuckDBPyConnection) -> None:
    """The attached snapshot is in a storage format the analysts' DuckDB opens (SNAPSHOT_STORAGE_VERSION or
    older): one published in a newer format (by releases before this check) is rebuilt once by a full copy."""
    written = str(scalar(con, read_sql("snapshot_storage_version"), {"database": ALIAS}) or "")
    found = release(written)
    if found is None:
        raise SnapshotStale(f"its storage format ({written or 'unnamed'}) could not be told")
    if found > (release(SNAPSHOT_STORAGE_VERSION) or found):
        oldest = written.rstrip("+").removeprefix("v")
        raise SnapshotStale(
            f"it was written in a storage format only DuckDB {oldest} and later open; the copy is in DuckDB "
            f"{SNAPSHOT_STORAGE_VERSION.removeprefix('v')}'s, which DuckDB 1.4, 1.5 and 2.x open"
        )


def release(version: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) of a DuckDB release named as storage formats are ('v1.4.0', 'v2.0.0+')."""
    match = STORAGE_RELEASE.fullmatch(version.rstrip("+"))
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def check_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The snapshot has the warehouse's tables and views, was made with the same migrations and view files (which
    also cover what the table and view lists do not show: macros, indexes), and has its record of synced runs."""
    here = current_database(con)
    ours = con.execute(read_sql("snapshot_schema"), {"database": here}).fetchall()
    theirs = con.execute(read_sql("snapshot_schema"), {"database": ALIAS}).fetchall()
    if ours != theirs:
        raise SnapshotStale("its schema differs from the warehouse's (an upgrade changed tables or views)")
    if not table_exists(con, ALIAS, SYNCED_RUNS):
        raise SnapshotStale(f"it has no {SYNCED_RUNS} table (published by an earlier version)")
    same_migrations, same_views = con.execute(read_sql("snapshot_upgrades")).fetchall()[0]
    if not same_migrations:
        raise SnapshotStale("it was made before a migration the warehouse has since applied")
    if not same_views:
        raise SnapshotStale("its views or macros were made from other view files (an upgrade changed them)")


def copy_changes(con: duckdb.DuckDBPyConnection) -> int:
    """Inside the caller's transaction: the pending runs' rows by run id, replaced articles' occurrences, dropped
    text, and every other (small) table's differing rows. Returns the number of runs synced."""
    pending = column(con, read_sql("snapshot_pending_runs"))
    con.register("pending_runs", pa.table({"run_id": pa.array(pending, pa.string())}))
    try:
        resynced = column(con, read_sql("snapshot_resynced_runs"))
        con.register("resynced_runs", pa.table({"run_id": pa.array(resynced, pa.string())}))
        tables = table_names(con)
        keys = primary_keys(con)
        replaced = (
            database.query_frame(con, "snapshot_replaced_articles")
            if "occurrence_replacements" in tables
            else pl.DataFrame(schema={"article_id": pl.String, "published_at": TIMESTAMP})
        )
        con.register("replaced_articles", replaced.to_arrow())
        for table in tables:
            if table in RUN_TABLES or table in OCCURRENCE_TABLES:
                copy_runs(con, table, replaced=not replaced.is_empty(), resynced=bool(resynced), pending=bool(pending))
            elif table == "subject_hours":  # versioned rows: only the hours a load changed (snapshot_subject_hours)
                con.execute(read_sql("snapshot_subject_hours"))
            else:
                copy_differences(con, table, keys.get(table, []))
        if pending:
            con.execute(
                f"insert or ignore into {ALIAS}.{SYNCED_RUNS} select run_id, ? from pending_runs", [datetime.now(UTC)]
            )
        if "articles" in tables:
            copy_dropped_text(con)
    finally:
        for name in ("pending_runs", "resynced_runs", "replaced_articles"):
            con.unregister(name)
    return len(pending)


def copy_runs(con: duckdb.DuckDBPyConnection, table: str, *, replaced: bool, resynced: bool, pending: bool) -> None:
    """One table's rows of the pending runs; earlier rows they replace are deleted first."""
    target = f'{ALIAS}."{table}"'
    rows = f'select * from "{table}" where run_id in (select run_id from pending_runs)'
    if replaced and table in OCCURRENCE_TABLES:
        con.execute(read_sql("delete_replaced_occurrences").format(table=target))
    if replaced and table == "articles":  # a revision's row replaces the article's earlier row
        con.execute(
            f"{read_sql('delete_replaced_occurrences').format(table=target)} and stored.article_id in "
            f"(select article_id from ({rows}))"
        )
    if resynced:
        con.execute(f"delete from {target} where run_id in (select run_id from resynced_runs)")
    if not pending:
        return
    con.execute(f"insert into {target} by name {rows}")


def copy_differences(con: duckdb.DuckDBPyConnection, table: str, key: list[str]) -> None:
    """A small table whose rows change in place (runs, alerts, feed_state...): rows the warehouse no longer has are
    deleted and rows it holds differently are replaced, by key, so the snapshot writes (and its checkpoint rewrites)
    only what changed; a table without a key is replaced whole."""
    target = f'{ALIAS}."{table}"'
    if not key:
        con.execute(f"delete from {target}")
        con.execute(f'insert into {target} by name select * from "{table}"')
        return
    same_key = " and ".join(f'kept."{name}" = stored."{name}"' for name in key)
    con.execute(f'delete from {target} as kept where not exists (select 1 from "{table}" as stored where {same_key})')
    con.execute(f'insert or replace into {target} by name (select * from "{table}" except select * from {target})')


def copy_dropped_text(con: duckdb.DuckDBPyConnection) -> None:
    """Text retention nulls old articles' text in place, without a run id: compare the counts, then drop the same."""
    stored = scalar(con, "select count(text) from articles")
    published = scalar(con, f"select count(text) from {ALIAS}.articles")
    if stored != published:
        con.execute(read_sql("snapshot_dropped_text"))


def check_counts(con: duckdb.DuckDBPyConnection) -> None:
    """Every table holds as many rows in the snapshot as in the warehouse, and as many article texts."""
    checks = [
        f'select {quote_text(table)}, (select count(*) from "{table}"), (select count(*) from {ALIAS}."{table}")'
        for table in table_names(con)
    ]
    checks.append(
        f"select 'articles.text', (select count(text) from articles), (select count(text) from {ALIAS}.articles)"
    )
    for name, stored, published in con.execute(" union all ".join(checks)).fetchall():
        if stored != published:
            raise SnapshotStale(f"once synced it held {published} rows of {name} against the warehouse's {stored}")


def record_seconds(con: duckdb.DuckDBPyConnection, run_id: str | None, seconds: float) -> None:
    """The publishing run's publish_s in the snapshot's copy of its record (the warehouse's is set by `publish`)."""
    if run_id is not None:
        con.execute(f"update {ALIAS}.runs set publish_s = ? where run_id = ?", [round(seconds, 3), run_id])


def replace_snapshot(
    con: duckdb.DuckDBPyConnection, snapshot: Path, run_id: str | None, started: float, *, held: bool
) -> float:
    """Replace `snapshot` by a new file renamed into place; return the seconds it took. One a reader holds is
    copied as it stands and the copy synced (its bytes are already in the format analysts read, and copying
    them is many times faster than writing the warehouse again); any other, or a copy that will not sync, is
    rebuilt from the warehouse. Sessions open on the previous snapshot keep reading the old file (its inode lives
    until they close); new sessions see the new one."""
    if held:
        try:
            with written_beside(snapshot) as temporary:
                shutil.copyfile(snapshot, temporary)
                if database.wal_path(snapshot).exists():  # committed by a publish killed before its checkpoint
                    shutil.copyfile(database.wal_path(snapshot), database.wal_path(temporary))
                return sync(con, temporary, run_id, started)[1]
        except SnapshotStale:
            pass
    with written_beside(snapshot) as temporary:
        return copy_whole(con, temporary, run_id, started)


@contextmanager
def written_beside(snapshot: Path) -> Iterator[Path]:
    """A path to write the next snapshot at, renamed over `snapshot` (group-readable, synced to disk) when the
    block ends without an error. It lies in a folder of its own, owner-only: DuckDB creates files readable by all
    (the umask's default). The folder goes in every case; remove_leftovers finds one a killed process left."""
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{snapshot.name}.", dir=snapshot.parent))
    temporary = folder / snapshot.name
    try:
        yield temporary
        os.chmod(temporary, SNAPSHOT_MODE)  # analysts read it with their own accounts, through the file's group
        fsync_file(temporary)
        os.replace(temporary, snapshot)
        fsync_file(snapshot.parent)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # empty once renamed; the partial copy and its log otherwise


def copy_whole(con: duckdb.DuckDBPyConnection, target: Path, run_id: str | None, started: float) -> float:
    """Copy the warehouse into the new file `target`, in SNAPSHOT_STORAGE_VERSION's format, and mark every run
    synced; return the seconds since `started` once the rows were copied."""
    detach(con)
    here = current_database(con)
    attach(con, target, waits_s=(), storage_version=SNAPSHOT_STORAGE_VERSION)
    try:
        con.execute(f'copy from database "{here}" to {ALIAS}')
        seconds = time.perf_counter() - started
        con.execute(read_sql("snapshot_bookkeeping"))
        con.execute(
            f"insert or ignore into {ALIAS}.{SYNCED_RUNS} select run_id, ? from {ALIAS}.runs", [datetime.now(UTC)]
        )
        record_seconds(con, run_id, seconds)
    except duckdb.Error as error:
        full = database.disk_full(target, error)
        if full is not None:
            raise full from error
        raise
    finally:
        detach(con)
    return seconds


def remove_leftovers(con: duckdb.DuckDBPyConnection, snapshot: Path) -> Leftovers:
    """Remove what full copies killed before their rename left beside `snapshot`: their folders (and the hidden
    files and logs earlier releases copied into). `con` holds the warehouse open for writing, which DuckDB lets one
    process do, and full copies are made by that process only: what is found now is a dead writer's. A file another
    process holds all the same is kept."""
    attached = set(column(con, "select path from duckdb_databases() where path is not null"))
    files = size = 0
    for path in sorted(snapshot.parent.glob(f".{snapshot.name}.*")):
        inside = sorted(found for found in path.rglob("*") if found.is_file()) if path.is_dir() else [path]
        databases = {found.with_name(found.name.removesuffix(".wal")) for found in inside}
        if any(str(found) in attached or held_by_another_process(found) for found in databases):
            continue
        sizes = [found.stat().st_size for found in inside if found.exists()]
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        files, size = files + len(sizes), size + sum(sizes)
    return Leftovers(files, size)


def held_by_another_process(path: Path) -> bool:
    """Whether another process holds a lock on `path` (DuckDB locks the files it has open). Asked by taking a
    write lock without waiting, released at once; a file that is gone is held by nobody."""
    try:
        handle = path.open("r+b")  # a POSIX write lock needs a descriptor open for writing
    except FileNotFoundError:
        return False
    except OSError:  # not ours to open: not ours to remove either
        return True
    with handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
    return False


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse's tables (not views), in a stable order."""
    return column(
        con,
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'main' "
        "order by table_name",
    )


def primary_keys(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The warehouse's tables' primary key columns, by table (one catalog query: each costs milliseconds)."""
    rows = con.execute(
        "select table_name, constraint_column_names from duckdb_constraints() "
        "where database_name = current_database() and constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    return {str(table): [str(name) for name in columns] for table, columns in rows}


def table_exists(con: duckdb.DuckDBPyConnection, database_name: str, table: str) -> bool:
    found = scalar(
        con, "select count(*) from duckdb_tables() where database_name = ? and table_name = ?", [database_name, table]
    )
    return bool(found)


def current_database(con: duckdb.DuckDBPyConnection) -> str:
    return str(scalar(con, "select current_database()"))


def count_runs(con: duckdb.DuckDBPyConnection) -> int:
    return int(scalar(con, "select count(*) from runs") or 0)  # type: ignore[call-overload]


def column(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [str(row[0]) for row in con.execute(sql).fetchall()]


def quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
