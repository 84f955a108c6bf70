"""The same run as a Prefect flow (how `serve`'s scheduled runs go), under Prefect's test harness."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import duckdb
import pytest
from loopback import LoopbackServer, Reply
from newsroom import ARTICLES, start_newsroom, write_feeds_file
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.states import Crashed
from webhook_receiver import WebhookReceiver

from flows.orchestration import shutdown
from flows.orchestration.flow import monitor, record_unfinished

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)


@pytest.fixture
def newsroom() -> Iterator[LoopbackServer]:
    server = start_newsroom()
    yield server
    server.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def quick_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_PER_HOST_DELAY_S", "0")
    monkeypatch.setenv("PRESSWATCH_TASK_RETRY_DELAY_S", "0")
    monkeypatch.setenv("PRESSWATCH_WORKERS", "1")


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.usefixtures("prefect_harness")
class TestMonitorFlow:
    def test_flow_run_loads_and_leaves_its_record_and_artifact(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """A flow run loads the articles through one task per stage (publish included); its runs row names the flow
        run, its stages' seconds, and says completed."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"

        summary = monitor(feeds_file=str(feeds), db_file=str(db), as_of=AS_OF)

        with get_client(sync_client=True) as client:
            artifact = client.read_latest_artifacts()
            task_names = {task_run.name.rsplit("-", 1)[0] for task_run in client.read_task_runs()}
        row = query(db, "select status, flow_run_id, fetch_feeds_s, detect_s, alerts_s, report_s, publish_s from runs")
        stages = {"fetch-feeds", "fetch-pages", "extract", "detect", "load", "alerts", "report", "publish"}
        assert stages <= task_names, task_names
        assert summary.articles_new == len(ARTICLES)
        assert row[0][0] == "completed" and row[0][1] is not None
        assert all(isinstance(seconds, float) for seconds in row[0][2:])
        assert any(item.key == "presswatch-run" for item in artifact)

    def test_a_flow_runs_own_lines_are_logged_for_the_runs_page(
        self, newsroom: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """presswatch's information lines (each stage as it starts) leave the flow run's process, where serve sends
        them to the run's page in the Prefect UI: at the logging default they were dropped as below WARNING."""
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])

        monitor(feeds_file=str(feeds), db_file=str(tmp_path / "w.duckdb"), as_of=AS_OF)

        said = [record.getMessage() for record in caplog.records if record.name.startswith("presswatch")]
        assert {"feeds ...", "load ...", "publish ..."} <= set(said), said

    def test_feed_task_is_retried_by_prefect_when_every_feed_is_down(
        self, newsroom: LoopbackServer, tmp_path: Path
    ) -> None:
        """When every feed fails as if the network were down, Prefect retries the task and the run succeeds."""
        healthy = newsroom.routes["/feed.xml"]
        answers = iter([Reply(status=503, body=b"busy")])
        newsroom.route("/flaky.xml", lambda request: next(answers, healthy))  # type: ignore[arg-type]
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/flaky.xml"))])

        summary = monitor(feeds_file=str(feeds), db_file=str(tmp_path / "w.duckdb"), as_of=AS_OF)

        assert len(newsroom.requests_to("/flaky.xml")) == 2
        assert summary.feeds == {"gazette": "ok"}


class TestUnfinishedRunHooks:
    def flow_run(self, db: Path) -> FlowRun:
        return FlowRun(id=uuid4(), flow_id=uuid4(), parameters={"db_file": str(db), "mode": "live"})

    def test_crashed_run_gets_a_failed_row_and_a_notice(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A flow run whose process died before writing anything still leaves a failed row and tells the team."""
        db = tmp_path / "w.duckdb"
        with WebhookReceiver() as channel:
            monkeypatch.setenv("PRESSWATCH_ALERT_URLS", channel.url())
            run = self.flow_run(db)

            record_unfinished("failed")(None, run, Crashed(message="Process exited with status code: -9"))

            titles = [item["body"]["title"] for item in channel.delivered]
        assert query(db, "select status, flow_run_id from runs") == [("failed", str(run.id))]
        assert titles == ["presswatch: run failed"]

    def test_run_ended_by_stopping_serve_is_cancelled_without_a_notice(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A run Prefect reports crashed because serve was stopping is recorded as cancelled, and nobody is paged."""
        db = tmp_path / "w.duckdb"
        with WebhookReceiver() as channel:
            monkeypatch.setenv("PRESSWATCH_ALERT_URLS", channel.url())
            shutdown.STOPPING.set()
            try:
                record_unfinished("failed")(None, self.flow_run(db), Crashed(message="exited due to a SIGTERM"))
            finally:
                shutdown.STOPPING.clear()

            delivered = channel.delivered
        assert query(db, "select status from runs") == [("cancelled",)]
        assert delivered == []
