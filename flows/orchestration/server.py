"""The persistent local Prefect server `presswatch serve` runs when the user has none of their own.

Its state (runs, logs, the deployment) lives in `<data folder>/prefect/`, beside the warehouse, so the UI keeps
its history across restarts. It is started in its own session, so a Ctrl-C at the terminal reaches `serve`, which
cancels the run in progress and only then stops the server; and it dies with `serve` when that is killed -9
(adapters/lifetime.py). While it runs, `<data folder>/prefect/server.json` tells one-off `presswatch run`s where it
answers, so their runs show in the same UI. Plain Python: no Prefect import here (it runs as `python -m prefect`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from flows.adapters.lifetime import die_with_parent

DEFAULT_PORT = 4200
STARTUP_TIMEOUT_S = 240.0  # 13 s on an idle 2-core machine, 35-60 s beside CPU-bound work
STOP_TIMEOUT_S = 20.0
STATE_FILE = "server.json"
# Settings of the server process only: its home, and no analytics or chatter.
SERVER_ENVIRONMENT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


class ServerError(RuntimeError):
    """The local Prefect server could not be started or is not the one we started."""


@dataclass(frozen=True)
class LocalServer:
    """A running local Prefect server: where its API answers, its process, its home folder."""

    api_url: str
    pid: int
    home: Path

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


def server_home(data_dir: Path) -> Path:
    return data_dir / "prefect"


def port_is_free(port: int) -> bool:
    """Whether the server could listen on `port`: probed as it will bind, with SO_REUSEADDR, so connections of a
    server that just stopped (TIME_WAIT) do not make its own port look taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_home_of(api_url: str, timeout_s: float = 5.0) -> Path | None:
    """The home folder of the Prefect server answering at `api_url` (its admin settings say), or None."""
    try:
        response = httpx.get(f"{api_url}/admin/settings", timeout=timeout_s)
        response.raise_for_status()
        home = response.json().get("home")
    except (httpx.HTTPError, ValueError):
        return None
    return Path(home) if home else None


@contextmanager
def local_server(
    data_dir: Path,
    *,
    port: int = DEFAULT_PORT,
    startup_timeout_s: float = STARTUP_TIMEOUT_S,
    notice: Callable[[str], None] = print,
    database_url: str | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[LocalServer]:
    """Start the local Prefect server for the life of the block, and stop it (and only it) afterwards.

    `database_url` puts its state in PostgreSQL (postgresql+asyncpg://...) instead of SQLite in its home; `settings`
    are further PREFECT_ settings of the server process (the cluster demo's quicker worker liveness)."""
    home = server_home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    chosen = port if port_is_free(port) else free_port()
    if chosen != port:
        notice(f"port {port} is in use by another program; the local Prefect server takes port {chosen}")
    api_url = f"http://127.0.0.1:{chosen}/api"
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    environment.update(SERVER_ENVIRONMENT, PREFECT_HOME=str(home), **(settings or {}))
    if database_url:
        environment["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
    with (home / "server.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(chosen)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            start_new_session=True,  # Ctrl-C goes to serve, which stops this server last
            preexec_fn=die_with_parent,
        )
    server = LocalServer(api_url=api_url, pid=process.pid, home=home)
    try:
        wait_until_ours(process, server, startup_timeout_s)
        write_state(server)
        yield server
    finally:
        (home / STATE_FILE).unlink(missing_ok=True)
        stop(process)


def wait_until_ours(process: subprocess.Popen[bytes], server: LocalServer, timeout_s: float) -> None:
    """Wait for our own child to answer: it must still be alive, and the server answering must have our home."""
    deadline = time.monotonic() + timeout_s
    log = server.home / "server.log"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                f"the local Prefect server exited with code {process.returncode} while starting (see {log})"
            )
        home = server_home_of(server.api_url, timeout_s=2.0)
        if home is not None:
            if home.resolve() != server.home.resolve():
                raise ServerError(f"{server.api_url} is answered by another Prefect server (home {home})")
            return
        time.sleep(0.5)
    raise ServerError(
        f"the local Prefect server did not answer at {server.api_url} within {timeout_s:.0f} s (see {log})"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def write_state(server: LocalServer) -> None:
    state = {"api_url": server.api_url, "pid": server.pid, "home": str(server.home)}
    (server.home / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")


def running_local_server(data_dir: Path, timeout_s: float = 1.0) -> LocalServer | None:
    """The local server a `presswatch serve` runs for this data folder, if it is alive and answers promptly."""
    home = server_home(data_dir)
    try:
        state = json.loads((home / STATE_FILE).read_text(encoding="utf-8"))
        server = LocalServer(api_url=str(state["api_url"]), pid=int(state["pid"]), home=Path(state["home"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.kill(server.pid, 0)
        answered = server_home_of(server.api_url, timeout_s=timeout_s)
        if answered is not None and answered.resolve() == home.resolve():
            return server
    return None
