"""A real small filesystem for tests of a full disk: a tmpfs mounted under the test's folder (needs root, as CI has)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_tmpfs(parent: Path, megabytes: int) -> Iterator[Path]:
    """Mount a tmpfs of `megabytes` at `parent/small-disk`, so DuckDB meets a real ENOSPC; skip where that is not
    allowed, and unmount afterwards even if the test failed."""
    mount_point = parent / "small-disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(mount_point)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
