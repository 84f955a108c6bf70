"""One monitoring run at a time per warehouse, whoever starts it (the schedule or a person typing `run`).

An advisory file lock held by the kernel for the life of the process: a crashed run's lock vanishes with it, so
a stale lock can never block the schedule.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class RunInProgress(RuntimeError):
    """Another run holds the warehouse's run lock."""


def lock_path_for(db: Path) -> Path:
    return db.with_name(db.name + ".run-lock")


@contextmanager
def run_lock(db: Path) -> Iterator[Path]:
    """Hold the run lock for the block, or raise RunInProgress at once naming the holder."""
    path = lock_path_for(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunInProgress(f"another run is in progress on {db.name} ({holder}); this one was skipped") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        yield path
    finally:
        handle.close()  # closing releases the lock
