"""The run lock lets one run at a time through, across processes, and never outlives a crashed holder."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flows.adapters.lock import RunInProgress, run_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from flows.adapters.lock import run_lock
    with run_lock(Path(sys.argv[1])):
        print("held", flush=True)
        time.sleep(60)
    """
)


def start_holder(db: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


class TestRunLock:
    def test_second_run_in_another_process_is_refused(self, tmp_path: Path) -> None:
        """While one process runs, a second attempt is skipped with a message naming the holder."""
        db = tmp_path / "w.duckdb"
        holder = start_holder(db)
        try:
            with pytest.raises(RunInProgress, match=f"pid {holder.pid}"), run_lock(db):
                pass
        finally:
            holder.kill()
            holder.wait()

    def test_crashed_holder_leaves_no_stale_lock(self, tmp_path: Path) -> None:
        """A run killed mid-way (SIGKILL) does not block the next one."""
        db = tmp_path / "w.duckdb"
        holder = start_holder(db)
        holder.kill()
        holder.wait()

        with run_lock(db) as path:
            held = path.read_text()

        assert "pid" in held

    def test_lock_is_released_after_the_block(self, tmp_path: Path) -> None:
        """Sequential runs in one process each get the lock."""
        db = tmp_path / "w.duckdb"
        acquired = 0

        for _ in range(3):
            with run_lock(db):
                acquired += 1

        assert acquired == 3
