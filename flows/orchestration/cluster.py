"""The processes of a cluster on one machine: process workers and an S3-compatible endpoint, started and stopped.

`presswatch cluster demo` and `presswatch serve --pool` start them as children in sessions of their own (a Ctrl-C
at the terminal reaches only presswatch, which then stops each child in order), each set to die with presswatch
when it is killed -9. No Prefect import here: the workers get Prefect's settings in their environment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from flows.adapters.lifetime import die_with_parent
from flows.orchestration.environment import prefect_settings
from flows.orchestration.server import free_port

PROJECT_DIR = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_S = 15.0
ENDPOINT_TIMEOUT_S = 60.0
# Workers look for new runs every second and heartbeat every 5 s (Prefect: 10 s and 30 s): on one machine the
# polls cost nothing, every hop (parent, then each shard) would otherwise wait up to 10 s, and a killed worker
# is noticed after 3 missed heartbeats, 16 s instead of 91 s.
QUICK_WORKERS = {"PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_HEARTBEAT_SECONDS": "5"}


class ClusterError(RuntimeError):
    """A part of the cluster did not start; the message says which, in one line."""


@dataclass(frozen=True)
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


def start_child(name: str, command: Sequence[str], environment: Mapping[str, str], log: Path) -> Child:
    with log.open("ab") as handle:
        process = subprocess.Popen(
            list(command),
            cwd=PROJECT_DIR,
            env=dict(environment),
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches presswatch, which stops its children in order
            preexec_fn=die_with_parent,
        )
    return Child(name, process, log)


def stop_child(child: Child, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGINT (the worker's Ctrl-C: it stops polling), then SIGKILL if it does not go in time."""
    if child.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.process.pid, signal.SIGINT)
    try:
        child.process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait()


def worker_environment(api_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    environment = {**os.environ, **(extra or {}), **prefect_settings(api_url)}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), environment.get("PYTHONPATH")]))
    return environment


@contextlib.contextmanager
def workers(
    api_url: str,
    pool: str,
    names: Sequence[str],
    *,
    db: Path,
    logs: Path,
    extra: Mapping[str, str] | None = None,
    warehouse_only: bool = False,
) -> Iterator[list[Child]]:
    """A process worker of `pool` per name; the first holds the warehouse (`--db`, and shards too unless
    `warehouse_only`), the others take shards only."""
    logs.mkdir(parents=True, exist_ok=True)
    environment = worker_environment(api_url, extra)
    started: list[Child] = []
    try:
        for number, name in enumerate(names, start=1):
            command = [sys.executable, "-m", "flows.interface.cli", "worker", "--pool", pool, "--name", name]
            if number == 1:
                command += ["--db", str(db), *(["--queue", "warehouse"] if warehouse_only else [])]
            started.append(start_child(name, command, environment, logs / f"{name}.log"))
        yield started
    finally:
        for child in reversed(started):
            stop_child(child)


@dataclass(frozen=True)
class Endpoint:
    url: str
    bucket: str


@contextlib.contextmanager
def s3_endpoint(logs: Path, bucket: str = "presswatch-staging") -> Iterator[Endpoint]:
    """moto's S3-compatible server on 127.0.0.1 (in memory, gone when stopped), with the staging bucket made."""
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    child = start_child("s3", command, {**os.environ}, logs / "s3.log")
    try:
        wait_for_endpoint(child, url)
        response = httpx.put(f"{url}/{bucket}", timeout=10)
        if response.status_code >= 300:
            raise ClusterError(f"the S3 endpoint at {url} refused to make bucket {bucket} ({response.status_code})")
        yield Endpoint(url=url, bucket=bucket)
    finally:
        stop_child(child)


def wait_for_endpoint(child: Child, url: str) -> None:
    deadline = time.monotonic() + ENDPOINT_TIMEOUT_S
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise ClusterError(f"the S3 endpoint exited with code {child.process.returncode} (see {child.log})")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=2)
            return
        time.sleep(0.3)
    raise ClusterError(f"the S3 endpoint did not answer at {url} within {ENDPOINT_TIMEOUT_S:.0f} s (see {child.log})")


def dead_children(children: Sequence[Child]) -> list[Child]:
    return [child for child in children if child.process.poll() is not None]
