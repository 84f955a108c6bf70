"""Real processes for end-to-end tests: started as a terminal starts them, their trees watched through /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from flows.adapters.lifetime import die_with_parent

PROJECT_DIR = Path(__file__).resolve().parents[2]
PRESSWATCH = [sys.executable, "-m", "flows.interface.cli"]


def as_from_a_terminal() -> None:
    """preexec_fn: a process group of its own with SIGINT at its default, as a shell's foreground job has (a
    script's background job would inherit SIGINT ignored, which says nothing about the product); and it dies
    with the test run, so an interrupted test leaves nothing behind."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.setpgid(0, 0)
    die_with_parent()


def start(
    arguments: Sequence[str], *, environment: Mapping[str, str], log: Path, terminal: bool = True
) -> subprocess.Popen[bytes]:
    """`presswatch ARGUMENTS` as a real process, output to `log`."""
    handle = log.open("wb")
    return subprocess.Popen(
        [*PRESSWATCH, *arguments],
        cwd=PROJECT_DIR,
        env={**os.environ, **environment},
        stdout=handle,
        stderr=subprocess.STDOUT,
        preexec_fn=as_from_a_terminal if terminal else None,
    )


def children_of(pid: int) -> list[int]:
    """Direct children of `pid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def descendants(pid: int) -> set[int]:
    """Every process below `pid` right now."""
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children_of(pending.pop()):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of `pids` still running (zombies count as gone: they have exited)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def kill_leftovers(process: subprocess.Popen[bytes], seen: set[int]) -> None:
    """What a test started and did not see stop: the process's group, and every process seen below it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    for pid in alive(seen):
        os.kill(pid, signal.SIGKILL)


def wait_for(condition: Callable[[], object], *, timeout_s: float, interval_s: float = 0.5, what: str = "") -> object:
    """Poll until `condition()` is truthy; fail the test with `what` when it never is."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what or condition}")
