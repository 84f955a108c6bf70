"""`presswatch serve` as a person runs it: a real process from a fresh Prefect home, scheduled runs, Ctrl-C."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from loopback import Reply
from newsroom import ARTICLES, add_article, start_newsroom, write_feeds_file
from processes import alive, descendants, kill_leftovers, start, wait_for

from flows.orchestration.server import free_port

pytestmark = pytest.mark.slow

SERVER_START_S = 300.0  # a Prefect server's first start beside CPU-bound work on 2 cores
SCHEDULE_S = 240.0  # the next minute's tick, the run's own start-up and its work
STOP_S = 30.0  # the promise: Ctrl-C stops everything within this


def completed_runs(api_url: str) -> list[dict[str, object]]:
    """The Prefect server's completed flow runs, or none while it is not answering yet."""
    query = {"limit": 10, "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}
    try:
        response = httpx.post(f"{api_url}/flow_runs/filter", json=query, timeout=5)
        return list(response.json()) if response.status_code == 200 else []
    except httpx.HTTPError:
        return []


class TestServe:
    def test_scheduled_run_loads_then_ctrl_c_stops_every_process(self, tmp_path: Path) -> None:
        """From a fresh Prefect home, the one-minute schedule loads the warehouse; Ctrl-C mid-run stops it all."""
        newsroom = start_newsroom()
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        port = free_port()
        api_url = f"http://127.0.0.1:{port}/api"
        environment = {
            "PREFECT_HOME": str(tmp_path / "fresh-prefect-home"),
            "PRESSWATCH_DB": str(db),
            "PRESSWATCH_REPORT_DIR": str(tmp_path / "reports"),
            "PRESSWATCH_PER_HOST_DELAY_S": "0",
            "PRESSWATCH_WORKERS": "1",
            "PRESSWATCH_PREFECT_PORT": str(port),
        }
        os.environ.pop("PREFECT_API_URL", None)
        log = tmp_path / "serve.log"
        serve = start(["serve", "--cron", "* * * * *", "--feeds", str(feeds)], environment=environment, log=log)
        seen: set[int] = set()
        try:
            wait_for(lambda: completed_runs(api_url), timeout_s=SERVER_START_S + SCHEDULE_S, what="a scheduled run")
            slow_path = "/news/slow-story.html"
            add_article(newsroom, slow_path, "Slow story", "Kemi Badenoch spoke in the afternoon.")
            newsroom.route(slow_path, Reply(body=b"<html><body><p>late</p></body></html>", delay_s=120))

            wait_for(lambda: newsroom.requests_to(slow_path), timeout_s=SCHEDULE_S, what="the second run's fetch")
            seen = descendants(serve.pid)
            stopped_at = time.monotonic()
            os.killpg(serve.pid, signal.SIGINT)  # what Ctrl-C at a terminal does
            wait_for(lambda: serve.poll() is not None and not alive(seen), timeout_s=STOP_S, what="every process")
            took = time.monotonic() - stopped_at
        finally:
            kill_leftovers(serve, seen)
            newsroom.__exit__(None, None, None)

        with duckdb.connect(str(db), read_only=True) as con:
            runs = con.execute("select status, articles_new from runs order by started_at").fetchall()
            stored = con.execute("select count(*) from articles").fetchall()
        output = log.read_text(encoding="utf-8")
        assert len(seen) >= 3, "server, Runner and the run in progress were all running"
        assert took < STOP_S
        assert runs[0] == ("completed", len(ARTICLES))
        assert runs[-1][0] == "cancelled"
        assert stored == [(len(ARTICLES),)]
        assert "Traceback" not in output
        assert "presswatch serve: deployment presswatch-monitor/every-minute on '* * * * *'" in output
        started = [line for line in output.splitlines() if line.startswith("presswatch serve: run ")]
        assert " started (" in started[0]
        assert f"completed: 1 feed, {len(ARTICLES)} new articles, " in output
