"""`presswatch serve`: the local Prefect server, the Runner process, and a clean stop of both.

Three processes, each in a session of its own so a Ctrl-C at the terminal reaches only this one: the Prefect
server (server.py), the Runner (serve.py, which starts each scheduled run as a process of its own), and this
supervisor. Ctrl-C or SIGTERM here becomes SIGTERM to the Runner, which cancels a run in progress through Prefect
and pauses the schedule; then the server stops. Every child is started to die with its parent (lifetime.py), so
`kill -9` of serve leaves nothing running. No Prefect import here: the Runner gets Prefect's settings in its
environment before it imports Prefect.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

from flows.adapters.lifetime import die_with_parent
from flows.orchestration.environment import prefect_settings

# How long the Runner gets to cancel a run in progress and pause the schedule before it is killed; the server's
# own stop comes after, within the 30 s a person waiting on Ctrl-C should wait at most.
RUNNER_STOP_TIMEOUT_S = 20.0
PROJECT_DIR = Path(__file__).resolve().parents[2]


class Stop(Exception):
    """SIGINT or SIGTERM reached the supervisor."""


def raise_stop(signum: int, frame: FrameType | None) -> None:
    raise Stop(signal.Signals(signum).name)


def run_runner(
    api_url: str, *, cron: str, timezone: str, feeds: Path, db: Path, settings: Mapping[str, str] | None = None
) -> int:
    """Start the Runner process and wait for it; on SIGINT or SIGTERM stop it gracefully. Returns its exit code.

    `settings` are presswatch variables the scheduled runs get on top of the environment (the run deadline the
    schedule allows)."""
    environment = {**os.environ, **(settings or {}), **prefect_settings(api_url)}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), environment.get("PYTHONPATH")]))
    command = [
        sys.executable, "-m", "flows.orchestration.serve",
        "--api-url", api_url, "--cron", cron, "--timezone", timezone, "--feeds", str(feeds), "--db", str(db),
    ]  # fmt: skip
    previous = {number: signal.signal(number, raise_stop) for number in (signal.SIGINT, signal.SIGTERM)}
    runner = None
    try:
        runner = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=environment, start_new_session=True, preexec_fn=die_with_parent
        )
        return runner.wait()
    except Stop:
        for number in previous:  # a second Ctrl-C while stopping is not an error to show
            signal.signal(number, signal.SIG_IGN)
        if runner is not None:
            stop_runner(runner)
        return 0
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def stop_runner(runner: subprocess.Popen[bytes]) -> None:
    """SIGTERM: the Runner cancels the run in progress and pauses the schedule; killed if it takes too long."""
    print("presswatch serve: stopping (cancelling a run in progress) ...", flush=True)
    runner.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + RUNNER_STOP_TIMEOUT_S
    while runner.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if runner.poll() is None:
        runner.kill()
        runner.wait()
