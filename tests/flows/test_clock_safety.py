"""A clock ahead of the truth (a future --as-of, a machine clock that jumps forward) never destroys text: real
`presswatch run` processes and monitoring runs against a loopback newsroom and real DuckDB files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer
from newsroom import ARTICLES, add_article, start_newsroom, write_feeds_file
from webhook_receiver import WebhookReceiver

from flows.config import ExtractionSettings, FetchSettings, RunSettings, Settings
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner

pytestmark = pytest.mark.slow

KEEP_DAYS = 30
FUTURE = "2030-01-01T00:00Z"
# No politeness delay, instant retries, and text kept 30 days.
QUICK = Settings(
    fetch=FetchSettings(per_host_delay_s=0.0),
    runs=RunSettings(task_retry_delay_s=0.0, text_retention_days=KEEP_DAYS),
    extraction=ExtractionSettings(workers=1),
)


@pytest.fixture
def newsroom() -> Iterator[LoopbackServer]:
    server = start_newsroom()
    yield server
    server.__exit__(None, None, None)


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    os.environ.pop("PREFECT_API_URL", None)
    return {
        **os.environ,
        **extra,
        "PRESSWATCH_DB": str(tmp_path / "w.duckdb"),
        "PRESSWATCH_REPORT_DIR": str(tmp_path / "reports"),
        "PRESSWATCH_PER_HOST_DELAY_S": "0",
        "PRESSWATCH_TASK_RETRY_DELAY_S": "0",
        "PRESSWATCH_TEXT_RETENTION_DAYS": str(KEEP_DAYS),
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }


def presswatch_run(
    feeds: Path | None, tmp_path: Path, *extra: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    """`presswatch run` as a real process on the feeds file (the demo newsroom without one); it must succeed."""
    where = ["--feeds", str(feeds)] if feeds else ["--demo"]
    finished = subprocess.run(
        [sys.executable, "-m", "flows.interface.cli", "run", *where, *extra],
        env=environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished


def texts(db: Path) -> tuple[int, int]:
    """How many articles the warehouse holds, and how many of them have lost their text."""
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select count(*), count(text_dropped_at) from articles").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def run_at(feeds: Path, db: Path, machine_clock: datetime) -> RunSummary:
    """A monitoring run on a machine whose clock reads `machine_clock` when the run starts."""
    context = new_context("live", None, started_at=machine_clock)
    return monitor_run(QUICK, feeds, db, context, plain_runner(QUICK))


class TestFutureAsOf:
    def test_a_run_as_of_2030_keeps_every_text_now_and_after(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """With 30 days' retention, a run with --as-of 2030 drops no text, says that retention keeps to the
        machine's clock, and the normal runs after it keep the text of what they load too."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        presswatch_run(feeds, tmp_path)
        add_article(newsroom, "/news/late.html", "Late story on the inquiry", "Nigel Farage backed the call.")

        future = presswatch_run(feeds, tmp_path, "--as-of", FUTURE)
        add_article(newsroom, "/news/later.html", "Later story on the plan", "Wes Streeting defended the plan.")
        presswatch_run(feeds, tmp_path)
        presswatch_run(feeds, tmp_path)

        assert texts(db) == (len(ARTICLES) + 2, 0)
        assert "ahead of this machine's clock" in future.stdout
        assert "Traceback" not in future.stdout + future.stderr


class TestMachineClockJump:
    def test_a_clock_that_jumps_forward_once_then_back_drops_no_text(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """One run whose machine clock reads 2030 (then the clock comes back) leaves every article's text."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        now = datetime.now(UTC)
        run_at(feeds, db, now - timedelta(hours=2))
        run_at(feeds, db, now - timedelta(hours=1))
        add_article(newsroom, "/news/late.html", "Late story on the inquiry", "Nigel Farage backed the call.")

        jumped = run_at(feeds, db, datetime(2030, 1, 1, tzinfo=UTC))
        add_article(newsroom, "/news/later.html", "Later story on the plan", "Wes Streeting defended the plan.")
        run_at(feeds, db, now)
        run_at(feeds, db, now + timedelta(hours=1))

        assert texts(db) == (len(ARTICLES) + 2, 0)
        assert any("text retention" in note for note in jumped.clock_notes)

    def test_text_goes_once_three_runs_agree_it_is_old(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """Retention still works: 40 days after the first runs, the third run of the new day drops their text,
        and only theirs."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        start = datetime.now(UTC) - timedelta(days=41)
        run_at(feeds, db, start)
        run_at(feeds, db, start + timedelta(hours=1))
        later = start + timedelta(days=40)
        add_article(newsroom, "/news/late.html", "Late story on the inquiry", "Nigel Farage backed the call.")
        run_at(feeds, db, later)
        kept_after_one_reading = texts(db)
        run_at(feeds, db, later + timedelta(hours=1))

        run_at(feeds, db, later + timedelta(hours=2))

        assert kept_after_one_reading == (len(ARTICLES) + 1, 0)
        assert texts(db) == (len(ARTICLES) + 1, len(ARTICLES))


class TestEarlierAsOf:
    def test_a_run_judged_before_the_last_one_sends_nothing_as_new(self, tmp_path: Path) -> None:
        """After a demo run judged two days past the demo's clock, a run at the demo's own clock fires the surge
        for a past window: it is recorded as suppressed with the reason, said on the console, and never posted."""
        db = tmp_path / "w.duckdb"
        with WebhookReceiver() as channel:
            alert_urls = {"PRESSWATCH_ALERT_URLS": channel.url()}
            presswatch_run(None, tmp_path, "--as-of", "2025-01-08T21:00Z", **alert_urls)
            posted_before = len(channel.received)

            replay = presswatch_run(None, tmp_path, **alert_urls)

            posted_after = len(channel.received)
        with duckdb.connect(str(db), read_only=True) as con:
            stored = con.execute("select subject, status, last_error from alerts where run_id = "
                                 "(select run_id from runs order by started_at desc limit 1)").fetchall()
        assert posted_after == posted_before
        assert ("keir-starmer", "suppressed") in [(subject, status) for subject, status, _ in stored]
        assert all("not sent: judged as of 2025-01-06 21:00 UTC" in str(reason) for _, _, reason in stored)
        assert "not sent: judged as of 2025-01-06 21:00 UTC" in replay.stdout


class TestWarehouseClock:
    def test_a_run_as_of_2030_does_not_move_the_report_or_the_preview(self, tmp_path: Path) -> None:
        """After a demo run judged as of 2030, the next run's report and `alerts preview` still cover the demo's
        own week (the latest time a run judged at that this machine had reached), not an empty week in 2030."""
        presswatch_run(None, tmp_path)
        presswatch_run(None, tmp_path, "--as-of", FUTURE)
        presswatch_run(None, tmp_path)

        preview = subprocess.run(
            [sys.executable, "-m", "flows.interface.cli", "alerts", "preview"],
            env=environment(tmp_path), capture_output=True, text=True, timeout=300,
        )
        page = (tmp_path / "reports" / "presswatch-report.html").read_text(encoding="utf-8")
        assert "<b>Data as of</b> Mon 06 Jan 2025 21:00 UTC" in page
        assert preview.returncode == 0, preview.stderr
        assert "as of 2025-01-06 21:00 UTC" in preview.stdout
        assert "2030" not in preview.stdout
