"""A real PostgreSQL on loopback for tests: its own cluster in a temporary folder, stopped and removed afterwards.

Debian's binaries (`pg_config --bindir`, else /usr/lib/postgresql/*/bin); `.ci/run` installs them when it can.
PostgreSQL refuses to run as root, so as root the cluster belongs to `nobody` (its folder handed over, each
command run through runuser). Tests skip with a clear reason only when no binaries exist.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flows.orchestration.server import free_port

START_TIMEOUT_S = 120
UNPRIVILEGED_USER = "nobody"


@dataclass(frozen=True)
class Postgres:
    """A running cluster: where it answers, and the URL Prefect's server takes."""

    port: int
    database: str

    @property
    def prefect_url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{self.database}"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    candidates: list[Path] = []
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        candidates.append(Path(found.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def missing_reason() -> str | None:
    """Why a PostgreSQL test cannot run here, or None when it can."""
    if binaries() is None:
        return "no PostgreSQL binaries (initdb, pg_ctl): install Debian's postgresql (.ci/run does as root)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: PostgreSQL refuses to run as root"
    return None


def as_owner(command: list[str]) -> list[str]:
    """The command as the cluster's owner: ourselves, or `nobody` when we are root."""
    return ["runuser", "-u", UNPRIVILEGED_USER, "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def running_postgres(database: str = "prefect") -> Iterator[Postgres]:
    """A fresh cluster listening on 127.0.0.1 only (no Unix socket), with `database` created; trust auth, because
    nothing but this machine's loopback can reach it and it lives for one test."""
    folder = binaries()
    if folder is None:
        raise RuntimeError(missing_reason())
    home = Path(tempfile.mkdtemp(prefix="presswatch-pg-"))  # not under pytest's root-only tmp folders
    data = home / "data"
    if os.geteuid() == 0:
        shutil.chown(home, user=UNPRIVILEGED_USER)
    port = free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT, "check": True, "cwd": home}
    try:
        subprocess.run(as_owner([str(folder / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]), **quiet)  # type: ignore[call-overload]
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' -c fsync=off"
        subprocess.run(
            as_owner([str(folder / "pg_ctl"), "-D", str(data), "-l", str(home / "log"), "-o", options, "-w",
                      "-t", str(START_TIMEOUT_S), "start"]),
            **quiet,
        )  # fmt: skip
        try:
            createdb = folder / "createdb"
            subprocess.run(
                as_owner([str(createdb), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database]), **quiet
            )  # type: ignore[call-overload]
            yield Postgres(port=port, database=database)
        finally:
            subprocess.run(
                as_owner([str(folder / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=home, check=False,
            )  # fmt: skip
    finally:
        shutil.rmtree(home, ignore_errors=True)
