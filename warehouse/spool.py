"""A run's tables kept durably on disk as Parquet when the warehouse is locked, until the next load merges them.

A spool is a directory `<UTC timestamp>-<run id>/` holding one Parquet file per non-empty table and a
`manifest.json` written last; it is built under a hidden temporary name, fsynced, then renamed, so a directory
with a visible name is always complete.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

MANIFEST = "manifest.json"
INCOMPLETE_PREFIX = ".incoming-"
FAILED_PREFIX = "failed-"
# An incomplete spool older than this belonged to a process that died while writing it.
STALE_INCOMPLETE_S = 3600.0


@dataclass(frozen=True)
class Spool:
    """One spooled run read back from disk."""

    path: Path
    spool_id: str
    run_id: str | None
    spooled_at: datetime
    frames: dict[str, pl.DataFrame]
    replaced_article_ids: tuple[str, ...]

    def rows(self) -> int:
        return sum(frame.height for frame in self.frames.values())


def write_spool(
    spool_dir: Path,
    frames: dict[str, pl.DataFrame],
    *,
    run_id: str | None,
    replaced_article_ids: tuple[str, ...] = (),
    now: datetime | None = None,
) -> Path:
    """Write the frames as a complete spool and return its directory; nothing visible until it is all on disk."""
    now = now or datetime.now(UTC)
    spool_dir.mkdir(parents=True, exist_ok=True)
    spool_id = f"{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{safe_name(run_id or 'run')}"
    incoming = Path(tempfile.mkdtemp(prefix=INCOMPLETE_PREFIX, dir=spool_dir))
    try:
        tables = {}
        for name, frame in frames.items():
            if frame.is_empty():
                continue
            target = incoming / f"{name}.parquet"
            frame.write_parquet(target)
            fsync_file(target)
            tables[name] = frame.height
        manifest = {
            "spool_id": spool_id,
            "run_id": run_id,
            "spooled_at": now.astimezone(UTC).isoformat(),
            "tables": tables,
            "replaced_article_ids": list(replaced_article_ids),
        }
        (incoming / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        fsync_file(incoming / MANIFEST)
        fsync_file(incoming)
        final = spool_dir / spool_id
        os.rename(incoming, final)
        fsync_file(spool_dir)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    return final


def pending_spools(spool_dir: Path) -> list[Path]:
    """Complete spools waiting to be merged, oldest first (names start with their UTC timestamp)."""
    if not spool_dir.is_dir():
        return []
    return sorted(
        path
        for path in spool_dir.iterdir()
        if path.is_dir()
        and not path.name.startswith((".", FAILED_PREFIX))
        and (path / MANIFEST).is_file()
    )


def read_spool(path: Path) -> Spool:
    """Read a spool back with the same column types it was written with."""
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    frames = {name: pl.read_parquet(path / f"{name}.parquet") for name in manifest["tables"]}
    return Spool(
        path=path,
        spool_id=manifest["spool_id"],
        run_id=manifest.get("run_id"),
        spooled_at=datetime.fromisoformat(manifest["spooled_at"]),
        frames=frames,
        replaced_article_ids=tuple(manifest.get("replaced_article_ids", ())),
    )


def set_aside(path: Path) -> Path:
    """Rename a spool that cannot be merged so it stops blocking later runs but stays on disk for a person."""
    target = path.with_name(FAILED_PREFIX + path.name)
    os.rename(path, target)
    return target


def remove_stale_incomplete(spool_dir: Path, *, older_than_s: float = STALE_INCOMPLETE_S) -> None:
    """Delete half-written spools whose writer died long ago; a fresh one may still be being written."""
    if not spool_dir.is_dir():
        return
    cutoff = time.time() - older_than_s
    for path in spool_dir.glob(INCOMPLETE_PREFIX + "*"):
        if path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "run"


def fsync_file(path: Path) -> None:
    """Flush a file or directory to disk so a power cut after the rename cannot leave an empty spool."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
