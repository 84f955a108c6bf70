"""`presswatch serve --pool` and `presswatch cluster demo`: the sharded runs on a Prefect work pool (docs/cluster.md).

Prefect is imported only once its settings are applied (environment.py), and every process started here is
stopped here, on success, failure and Ctrl-C alike (contexts unwound in reverse order of starting).
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import Any

from flows.config import DEMO_DIR, Settings
from flows.orchestration.cluster import QUICK_WORKERS, ClusterError, dead_children, s3_endpoint, workers
from flows.orchestration.environment import answers, apply_before_import, configured_api_url, prefect_settings
from flows.orchestration.server import ServerError, free_port, local_server

DEMO_POOL = "presswatch-demo"
DEMO_RUN_TIMEOUT_S = 900.0
WORKERS_START_S = 240.0  # a worker's start-up beside CPU-bound work on 2 cores
WATCH_S = 1.0


def interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (systemd, kill) stops the command as Ctrl-C does: every child it started is stopped in order."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


class CommandError(RuntimeError):
    """The command cannot go on; its message is the one line the user sees."""


def prefect_api(settings: Settings, data_dir: Path, stack: ExitStack, say: Callable[[str], None]) -> str:
    """The Prefect API the user configured, or a local server started for the life of `stack` (serve's own)."""
    configured = configured_api_url()
    if configured:
        if not answers(configured, timeout_s=10.0):
            raise CommandError(f"the Prefect API at {configured} (PREFECT_API_URL or your profile) does not answer")
        return configured
    say(f"starting the local Prefect server (state in {data_dir / 'prefect'}) ...")
    return stack.enter_context(local_server(data_dir, port=settings.prefect_port, notice=say)).api_url


def serve_pool(
    settings: Settings, *, pool: str, shards: int, cron: str, timezone: str, feeds: Path, db: Path, deadline_s: float
) -> int:
    """Register the sharded schedule on the pool and serve its warehouse queue on this machine until Ctrl-C."""

    def say(line: str) -> None:
        print(f"presswatch serve: {line}", flush=True)

    with ExitStack() as stack:
        api_url = prefect_api(settings, db.parent, stack, say)
        apply_before_import(prefect_settings(api_url))
        from flows.orchestration.deployments import pause_schedule, register

        name = register(
            pool, shards=shards, cron=cron, timezone=timezone, parameters={"feeds_file": str(feeds), "db_file": str(db)}
        )
        say(f"deployment {name} on '{cron}' ({timezone}), {shards} shards on work pool {pool!r}")
        say(f"Prefect UI: {api_url.removesuffix('/api')}   Ctrl-C stops serving (the schedule is paused).")
        say(f"start a worker on each other machine: presswatch worker --pool {pool}")
        names = [f"{socket.gethostname()}-warehouse"]
        extra = {"PRESSWATCH_RUN_DEADLINE_S": f"{deadline_s:g}"}
        logs = db.parent / "logs"
        started = stack.enter_context(workers(api_url, pool, names, db=db, logs=logs, extra=extra))
        say(f"this machine's worker {names[0]} serves the warehouse queue; each run's line is in {started[0].log}")
        try:
            while not dead_children(started):
                time.sleep(WATCH_S)
            say(f"the warehouse worker stopped (see {started[0].log})")
            code = 1
        except KeyboardInterrupt:
            say("stopping ...")
            code = 0
        with contextlib.suppress(Exception):  # the server may already be going; the schedule then goes with it
            pause_schedule(name)
    say("stopped.")
    return code


def demo_environment(endpoint_url: str, bucket: str) -> dict[str, str]:
    """Staging on the loopback S3 endpoint, with the throwaway keys moto accepts."""
    return {
        "PRESSWATCH_STAGING_URI": f"s3://{bucket}/staging",
        "PRESSWATCH_STAGING_ENDPOINT": endpoint_url,
        "PRESSWATCH_STAGING_KEY_ID": "demo",
        "PRESSWATCH_STAGING_SECRET_KEY": "demo",
        "PRESSWATCH_STAGING_REGION": "us-east-1",
    }


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="presswatch-cluster-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cluster_demo(settings: Settings, *, workers_count: int, shards: int, db: Path) -> int:
    """A whole cluster on this machine for one sharded run of the demo newsroom; everything stopped afterwards."""

    def say(line: str) -> None:
        print(f"presswatch cluster demo: {line}", flush=True)

    from flows.adapters.demo import serve_newsroom, write_spread_feeds_file

    logs = db.parent / "logs" / "cluster-demo"
    logs.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with ExitStack() as stack:
        scratch = stack.enter_context(scratch_folder())
        say(f"starting a Prefect server, an S3 endpoint and {workers_count} workers (logs in {logs}) ...")
        server = stack.enter_context(local_server(scratch, port=free_port(), notice=say))
        endpoint = stack.enter_context(s3_endpoint(logs))
        staging = demo_environment(endpoint.url, endpoint.bucket)
        newsroom = stack.enter_context(serve_newsroom(DEMO_DIR, db.parent))
        # Each outlet's feed on its own loopback address, so the outlets spread over shards (a host is one shard's).
        feeds = scratch / "spread-feeds.csv"
        connect_to = write_spread_feeds_file(DEMO_DIR, newsroom.base_url, feeds)
        apply_before_import({**prefect_settings(server.api_url), **QUICK_WORKERS})
        from flows.orchestration.deployments import register
        from flows.orchestration.runs import run_and_wait

        parameters: dict[str, Any] = {
            "feeds_file": str(feeds),
            "db_file": str(db),
            "demo": True,
            "connect_to": [list(pair) for pair in connect_to],
            "as_of": newsroom.as_of.isoformat(),
        }
        name = register(DEMO_POOL, shards=shards, cron=None, parameters=parameters)
        names = [f"worker-{number}" for number in range(1, workers_count + 1)]
        started = stack.enter_context(
            workers(server.api_url, DEMO_POOL, names, db=db, logs=logs, extra={**QUICK_WORKERS, **staging})
        )
        from flows.orchestration.pool import wait_for_workers

        if not wait_for_workers(DEMO_POOL, names, WORKERS_START_S, lambda: not dead_children(started)):
            failed = dead_children(started)
            where = f"see {failed[0].log}" if failed else f"logs in {logs}"
            raise ClusterError(f"the workers did not all start within {WORKERS_START_S:.0f} s ({where})")
        say(f"running the demo newsroom in {shards} shards on work pool {DEMO_POOL!r} ...")
        run_began = time.monotonic()
        outcome = run_and_wait(name, timeout_s=DEMO_RUN_TIMEOUT_S)
        run_s = time.monotonic() - run_began
        say("stopping the workers, the S3 endpoint and the Prefect server ...")
    if not outcome.completed:
        say(f"the sharded run ended {outcome.state}: {outcome.message or 'no message'} (logs in {logs})")
        return 1
    for line in summary_lines(db):
        print(line)
    print(f"Timings: cluster start-up {run_began - began:.1f} s, sharded run {run_s:.1f} s (plan, shards, finalise)")
    return 0


def summary_lines(db: Path) -> list[str]:
    """The run, each shard's worker and counts, and what the warehouse now holds."""
    from warehouse.shard_summary import latest_run_shards

    run = latest_run_shards(db)
    if run is None:
        return ["The warehouse has no run."]
    lines = [f"Run {run.run_id}: {run.status}" + (f" ({run.error})" if run.error else "")]
    lines += ["  shard  worker      status     new articles  seconds"]
    for shard, worker, status, articles_new, _staged, seconds in run.shards:
        took = f"{seconds:.1f}" if seconds is not None else "-"
        lines.append(f"  {shard:>5}  {worker:<10}  {status:<9}  {articles_new:>12}  {took:>7}")
    lines.append("Warehouse: " + ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in run.counts.items()))
    lines.append(f"Warehouse file: {db}")
    return lines


def describe_failure(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


EXPECTED = (CommandError, ClusterError, ServerError)


def report(command: str, run: Callable[[], int]) -> int:
    """Run a cluster command; a part that did not start is one line, not a traceback."""
    # SIGINT too, explicitly: started as a script's background job (`... &`, nohup) it arrives ignored, and an
    # operator's `kill -INT` would then leave the server and workers running.
    previous = {number: signal.signal(number, interrupt) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        return run()
    except EXPECTED as error:
        print(f"presswatch {command}: {describe_failure(error)}", file=sys.stderr)
        return 1
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)

