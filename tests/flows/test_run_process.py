"""`presswatch run` as real processes: killed mid-run, failing before it starts, three at once on a busy machine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from loopback import Reply
from newsroom import ARTICLES, add_article, start_newsroom, write_feeds_file
from processes import alive, descendants, start, wait_for
from webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.slow

DEMO_ARTICLES = 54  # as tests/flows/test_demo.py counts the demo newsroom


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    values = {
        "PRESSWATCH_DB": str(tmp_path / "w.duckdb"),
        "PRESSWATCH_REPORT_DIR": str(tmp_path / "reports"),
        "PRESSWATCH_PER_HOST_DELAY_S": "0",
        "PRESSWATCH_TASK_RETRY_DELAY_S": "0",
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        **extra,
    }
    os.environ.pop("PREFECT_API_URL", None)
    return values


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def huge_page() -> bytes:
    """A page of about 4 MB that keeps an extraction worker busy for a while."""
    paragraph = "<p>Councillors met again on Monday to discuss the budget and the schools plan in detail.</p>"
    return f"<html><body><article><h1>Budget</h1>{paragraph * 45000}</article></body></html>".encode()


class TestKilledRun:
    def test_kill_9_leaves_no_process_and_the_next_run_has_exact_counts(self, tmp_path: Path) -> None:
        """A run killed -9 while extracting leaves no worker behind; the next run loads everything exactly once."""
        newsroom = start_newsroom()
        try:
            add_article(newsroom, "/news/budget.html", "Budget talks resume", "Councillors met on Monday.")
            newsroom.route("/news/budget.html", Reply(body=huge_page()))
            feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
            values = environment(tmp_path)
            run = start(["run", "--feeds", str(feeds)], environment=values, log=tmp_path / "first.log")
            workers = wait_for(
                lambda: {pid for pid in descendants(run.pid) if "flows.adapters.extraction" in command_line(pid)},
                timeout_s=180,
                interval_s=0.1,
                what="an extraction worker",
            )
            tree = descendants(run.pid)

            os.kill(run.pid, signal.SIGKILL)
            run.wait()

            wait_for(lambda: not alive(tree), timeout_s=10, what="the killed run's children to go")
            small = b"<html><body><p>Councillors met on Monday.</p></body></html>"
            newsroom.route("/news/budget.html", Reply(body=small))
            second = subprocess.run(
                [sys.executable, "-m", "flows.interface.cli", "run", "--feeds", str(feeds)],
                env={**os.environ, **values},
                capture_output=True,
                text=True,
                timeout=600,
            )
        finally:
            newsroom.__exit__(None, None, None)

        db = tmp_path / "w.duckdb"
        assert workers
        assert second.returncode == 0, second.stdout + second.stderr
        assert rows(db, "select count(*), count(distinct url) from articles") == [(len(ARTICLES) + 1,) * 2]
        assert rows(db, "select status from runs order by started_at") == [("failed",), ("completed",)]
        assert "interrupted" in str(rows(db, "select error from runs order by started_at limit 1")[0][0])


class TestFailureBeforeTheRun:
    def test_missing_feeds_file_leaves_a_failed_row_and_a_notice(self, tmp_path: Path) -> None:
        """A run that cannot even read its feed list is recorded as failed and announced on the team's channel."""
        with WebhookReceiver() as channel:
            values = environment(tmp_path, PRESSWATCH_ALERT_URLS=channel.url())

            finished = subprocess.run(
                [sys.executable, "-m", "flows.interface.cli", "run", "--feeds", str(tmp_path / "missing.csv")],
                env={**os.environ, **values},
                capture_output=True,
                text=True,
                timeout=300,
            )

            notices = [item["body"] for item in channel.delivered]
        failed = rows(tmp_path / "w.duckdb", "select status, error from runs")
        assert finished.returncode == 1
        assert "Traceback" not in finished.stdout + finished.stderr
        assert "missing.csv" in finished.stderr
        assert failed[0][0] == "failed" and "missing.csv" in str(failed[0][1])
        assert [notice["title"] for notice in notices] == ["presswatch: run failed"]


class TestBusyMachine:
    def test_three_demo_runs_beside_two_cpu_burners_all_complete(self, tmp_path: Path) -> None:
        """Three `presswatch run --demo` at once on separate warehouses, two cores kept busy: all load fully."""
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
        runs = []
        try:
            for index in range(3):
                work = tmp_path / f"team-{index}"
                work.mkdir()
                log = work / "run.log"
                runs.append((work, log, start(["run", "--demo"], environment=environment(work), log=log)))
            codes = [process.wait(timeout=900) for _, _, process in runs]
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
            for _, _, process in runs:
                if process.poll() is None:
                    process.kill()

        assert codes == [0, 0, 0], [log.read_text(encoding="utf-8")[-1500:] for _, log, _ in runs]
        counts = [rows(work / "w.duckdb", "select count(*) from articles")[0][0] for work, _, _ in runs]
        assert counts == [DEMO_ARTICLES] * 3
