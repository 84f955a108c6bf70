"""A run's tables kept durably on disk as Parquet when the warehouse is locked, until the next load merges them.

A spool is a directory `<UTC timestamp>-<run id>/` holding one Parquet file per non-empty table and a
`manifest.json` written last; it is built under a hidden temporary name, fsynced, then renamed, so a directory
with a visible name is always complete.

Only spools a presswatch run wrote are merged: the manifest lists each Parquet file's SHA-256 and is signed with
HMAC-SHA256 under a key only the runs' account can read (`.key` in the spool directory, made by the first load),
and the directory, its spools and their files must belong to that account and be writable by nobody else.
Anything else (a file planted through some other tool, a spool edited after it was written) is set aside unread.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

MANIFEST = "manifest.json"
KEY_FILE = ".key"
INCOMPLETE_PREFIX = ".incoming-"
FAILED_PREFIX = "failed-"
# Whatever the umask (Debian's 002 makes files group-writable), a spool is its writer's alone.
PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700
# An incomplete spool older than this belonged to a process that died while writing it.
STALE_INCOMPLETE_S = 3600.0


class UntrustedSpool(ValueError):
    """A spool this warehouse's runs did not write, or that changed after they wrote it: it is never merged."""


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
    key = ensure_key(spool_dir)
    spool_id = f"{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{safe_name(run_id or 'run')}"
    incoming = Path(tempfile.mkdtemp(prefix=INCOMPLETE_PREFIX, dir=spool_dir))
    try:
        tables = {}
        digests = {}
        for name, frame in frames.items():
            if frame.is_empty():
                continue
            target = incoming / f"{name}.parquet"
            frame.write_parquet(target)
            os.chmod(target, PRIVATE_FILE)
            fsync_file(target)
            tables[name] = frame.height
            digests[name] = file_digest(target)
        manifest: dict[str, object] = {
            "spool_id": spool_id,
            "run_id": run_id,
            "spooled_at": now.astimezone(UTC).isoformat(),
            "tables": tables,
            "sha256": digests,
            "replaced_article_ids": list(replaced_article_ids),
        }
        manifest["signature"] = sign(key, manifest)
        (incoming / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        os.chmod(incoming / MANIFEST, PRIVATE_FILE)
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
    """Read a spool back with the same column types it was written with, once it is shown to be a run's own.

    Raises UntrustedSpool when the spool, its directory or a file in it is not this account's alone, when its
    manifest's signature does not verify, or when a Parquet file differs from the one the run wrote.
    """
    key = read_key(path.parent)
    check_owned(path)
    check_owned(path / MANIFEST)
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    signature = manifest.pop("signature", None) if isinstance(manifest, dict) else None
    if not isinstance(signature, str) or not hmac.compare_digest(signature, sign(key, manifest)):
        raise UntrustedSpool("its manifest is not signed by this warehouse's runs")
    frames = {}
    for name in manifest["tables"]:
        file = path / f"{name}.parquet"
        check_owned(file)
        if not hmac.compare_digest(file_digest(file), str(manifest["sha256"].get(name, ""))):
            raise UntrustedSpool(f"{file.name} is not the file the run wrote")
        frames[name] = pl.read_parquet(file)
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


def ensure_key(spool_dir: Path) -> bytes:
    """The runs' signing key, made on first use: 32 random bytes readable by this account only."""
    spool_dir.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    if os.lstat(spool_dir).st_uid == getattr(os, "geteuid", lambda: -1)():
        os.chmod(spool_dir, PRIVATE_DIRECTORY)  # a directory made by an older version may be group-writable
    key_file = spool_dir / KEY_FILE
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return read_key(spool_dir)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
        handle.flush()
        os.fsync(handle.fileno())
    return read_key(spool_dir)


def read_key(spool_dir: Path) -> bytes:
    """The signing key, refused unless the directory and the key are this account's and the key is private."""
    key_file = spool_dir / KEY_FILE
    check_owned(spool_dir)
    if not key_file.is_file():
        raise UntrustedSpool(f"{key_file} is missing, so no spool here can be shown to be a run's")
    check_owned(key_file)
    if hasattr(os, "geteuid") and os.lstat(key_file).st_mode & 0o077:
        raise UntrustedSpool(f"{key_file} is readable by other accounts")
    return key_file.read_bytes().strip()


def check_owned(path: Path) -> None:
    """Refuse a path that is a symbolic link, belongs to another account, or that others may write (POSIX only)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise UntrustedSpool(f"{path} is a symbolic link")
    if not hasattr(os, "geteuid"):
        return
    if info.st_uid != os.geteuid():
        raise UntrustedSpool(f"{path} belongs to user id {info.st_uid}, not to the account that runs presswatch")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UntrustedSpool(f"{path} is writable by other accounts")


def sign(key: bytes, manifest: object) -> str:
    """HMAC-SHA256 of the manifest in one canonical JSON spelling."""
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
