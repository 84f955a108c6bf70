"""A read-only copy of the warehouse for analysts, replaced atomically after each run: readers never block loads."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from warehouse import database
from warehouse.spool import fsync_file

SNAPSHOT_MODE = 0o640  # rw for the runs' account, read for its group, nothing for others


def publish_snapshot(db: Path, snapshot: Path) -> Path:
    """Checkpoint `db`, copy it next to `snapshot` and rename it into place; return the snapshot's path.

    Raises WarehouseLocked when another process holds `db`. Sessions open on the previous snapshot keep reading
    the old file (its inode lives until they close); new sessions see the new one.
    """
    with database.opened(db) as con:
        return copy_checkpointed(con, db, snapshot)


def copy_checkpointed(con: duckdb.DuckDBPyConnection, db: Path, snapshot: Path) -> Path:
    """Copy `db` while `con` (the only writer) holds it, right after a checkpoint so the file alone is complete."""
    con.execute("checkpoint")
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary_name = tempfile.mkstemp(prefix=f".{snapshot.name}.", dir=snapshot.parent)
    os.close(descriptor)
    temporary = Path(temporary_name)
    try:
        shutil.copyfile(db, temporary)
        # mkstemp makes the copy owner-only; analysts read it with their own accounts, through the file's group.
        os.chmod(temporary, SNAPSHOT_MODE)
        fsync_file(temporary)
        os.replace(temporary, snapshot)
        fsync_file(snapshot.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return snapshot
