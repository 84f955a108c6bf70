"""`presswatch serve --pool`: the sharded schedule from a fresh Prefect home loads the warehouse, and SIGINT stops
every process it started, also when it was started as a script's background job (SIGINT ignored at its start)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest
from newsroom import start_newsroom, write_feeds_file
from processes import PRESSWATCH, PROJECT_DIR, alive, descendants, kill_leftovers, wait_for

from flows.adapters.lifetime import die_with_parent
from flows.orchestration.server import free_port

pytestmark = pytest.mark.slow

SERVER_START_S = 300.0  # a Prefect server's first start beside CPU-bound work on 2 cores
SCHEDULE_S = 400.0  # the next minute's tick, the parent's and the shard's start-up and their work
STOP_S = 60.0


def as_a_background_job() -> None:
    """preexec_fn: what `presswatch serve --pool ... &` from a script gets: SIGINT ignored, a group of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.setpgid(0, 0)
    die_with_parent()


def finished_runs(db: Path) -> list[tuple[str, str]]:
    """The runs the warehouse records as ended, or none while it is not there or is being written."""
    if not db.exists():
        return []
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute("select run_id, status from runs where status in ('completed', 'partial')").fetchall()
    except duckdb.Error:
        return []
    return [(str(run_id), str(status)) for run_id, status in rows]


def test_the_sharded_schedule_loads_and_sigint_stops_every_process(tmp_path: Path) -> None:
    newsroom = start_newsroom()
    feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
    db = tmp_path / "w.duckdb"
    environment = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "fresh-prefect-home"),
        "PREFECT_API_URL": "",
        "PRESSWATCH_DB": str(db),
        "PRESSWATCH_REPORT_DIR": str(tmp_path / "reports"),
        "PRESSWATCH_PER_HOST_DELAY_S": "0",
        "PRESSWATCH_WORKERS": "1",
        "PRESSWATCH_PREFECT_PORT": str(free_port()),
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as handle:
        serve = subprocess.Popen(
            [*PRESSWATCH, "serve", "--pool", "tests", "--shards", "2", "--cron", "* * * * *", "--feeds", str(feeds)],
            cwd=PROJECT_DIR, env=environment, stdout=handle, stderr=subprocess.STDOUT,
            preexec_fn=as_a_background_job,
        )  # fmt: skip
    seen: set[int] = set()
    try:

        def loaded() -> list[tuple[str, str]]:
            seen.update(descendants(serve.pid))
            assert serve.poll() is None, log.read_text(encoding="utf-8")
            return finished_runs(db)

        runs = wait_for(loaded, timeout_s=SERVER_START_S + SCHEDULE_S, interval_s=2.0, what="a scheduled run")
        seen.update(descendants(serve.pid))
        os.kill(serve.pid, signal.SIGINT)  # `kill -INT` from an operator's shell
        wait_for(lambda: serve.poll() is not None and not alive(seen), timeout_s=STOP_S, what="every process")
    finally:
        kill_leftovers(serve, seen)
    output = log.read_text(encoding="utf-8")
    assert runs, output
    assert "Traceback" not in output
    assert "presswatch serve: stopped." in output
    with duckdb.connect(str(db), read_only=True) as con:
        articles = con.execute("select count(*) from articles").fetchone()
    assert articles is not None and articles[0] > 0
