"""The sharded run on real parts: a Prefect server on a real PostgreSQL, process workers, Delta staging on disk.

One cluster for the module (its start is the slow part): a worker holding the warehouse (plans and finalises, takes
no shards) and two shard workers. A shard whose worker is killed -9 mid-shard completes on the other; a shard
past the run's deadline is recorded missing, the run partial, and the next run takes its host up.
"""

from __future__ import annotations

import contextvars
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from loopback import LoopbackServer, Reply
from newsroom import ARTICLES, article_html, start_newsroom, write_feeds_file
from postgres import missing_reason, running_postgres
from processes import wait_for

from flows.orchestration.cluster import QUICK_WORKERS, Child, workers
from flows.orchestration.server import free_port, local_server

pytestmark = pytest.mark.slow

POOL = "test-pool"
RUN_TIMEOUT_S = 600.0
SLOW_PATH = "/news/nhs-plan.html"


@dataclass
class Cluster:
    api_url: str
    parent: str
    workers: dict[str, Child]
    work: Path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    work = tmp_path_factory.mktemp("cluster")
    with ExitStack() as stack:
        postgres = stack.enter_context(running_postgres())
        server = stack.enter_context(
            local_server(work / "server", port=free_port(), database_url=postgres.prefect_url, notice=lambda _: None)
        )
        stack.enter_context(temporary_settings({PREFECT_API_URL: server.api_url}))
        from flows.orchestration.deployments import register

        parent = register(POOL, shards=1, cron=None)
        extra = {
            **QUICK_WORKERS,
            "PRESSWATCH_STAGING_URI": str(work / "staging"),
            "PRESSWATCH_PER_HOST_DELAY_S": "0",
            "PRESSWATCH_WORKERS": "1",
            "PRESSWATCH_READ_TIMEOUT_S": "600",
            "PRESSWATCH_DEADLINE_S": "600",
            "PRESSWATCH_REPORT_DIR": str(work / "reports"),
        }
        names = ["warehouse", "shards-a", "shards-b"]
        started = stack.enter_context(
            workers(server.api_url, POOL, names, db=work / "default.duckdb", logs=work / "logs", extra=extra,
                    warehouse_only=True)
        )  # fmt: skip
        yield Cluster(server.api_url, parent, dict(zip(names, started, strict=True)), work)


def run_parent(cluster: Cluster, db: Path, feeds: Path, deadline_s: float) -> Any:
    from flows.orchestration.runs import run_and_wait

    parameters = {"feeds_file": str(feeds), "db_file": str(db), "deadline_s": deadline_s}
    return run_and_wait(cluster.parent, timeout_s=RUN_TIMEOUT_S, parameters=parameters)


def running_shard_worker() -> str | None:
    """The worker whose shard flow run is running now, as Prefect labelled the run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType

    running = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING])))
    with get_client(sync_client=True) as client:
        for run in client.read_flow_runs(flow_run_filter=running):
            if run.name.startswith("shard-") and run.labels.get("prefect.worker.name"):
                return str(run.labels["prefect.worker.name"])
    return None


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def fresh_staging(cluster: Cluster) -> None:
    """Each test has a warehouse of its own, and a staging location belongs to one warehouse (its finaliser loads
    every completed batch there that it has not loaded yet): the previous test's batches go."""
    shutil.rmtree(cluster.work / "staging", ignore_errors=True)


def slow_newsroom(delay_s: float) -> LoopbackServer:
    newsroom = start_newsroom()
    title, _, paragraphs = ARTICLES[SLOW_PATH]
    newsroom.route(SLOW_PATH, Reply(body=article_html(title, paragraphs), delay_s=delay_s))
    return newsroom


def test_a_shard_whose_worker_is_killed_completes_on_the_other_worker(cluster: Cluster) -> None:
    fresh_staging(cluster)
    newsroom = slow_newsroom(delay_s=20)
    feeds = write_feeds_file(cluster.work / "killed-feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
    db = cluster.work / "killed.duckdb"
    ended: list[Any] = []
    # The thread runs in a copy of this context: Prefect's settings (the API to use) live in context variables.
    context = contextvars.copy_context()
    parent = threading.Thread(
        target=context.run, args=(lambda: ended.append(run_parent(cluster, db, feeds, deadline_s=500)),)
    )
    try:
        parent.start()
        wait_for(lambda: newsroom.requests_to(SLOW_PATH), timeout_s=300, what="the shard fetching its slow page")
        victim = str(wait_for(running_shard_worker, timeout_s=30, what="the shard's worker"))
        os.kill(cluster.workers[victim].process.pid, signal.SIGKILL)
        parent.join(RUN_TIMEOUT_S)
    finally:
        newsroom.__exit__(None, None, None)
    survivor = ({"shards-a", "shards-b"} - {victim}).pop()
    assert ended and ended[0].completed, ended
    assert rows(db, "select status, worker from shard_runs") == [("completed", survivor)]
    assert rows(db, "select status from runs") == [("completed",)]
    assert rows(db, "select count(*), count(distinct article_id) from articles") == [(len(ARTICLES), len(ARTICLES))]


def test_a_shard_past_the_deadline_is_missing_and_its_host_goes_next_run(cluster: Cluster) -> None:
    fresh_staging(cluster)
    newsroom = slow_newsroom(delay_s=120)
    feeds = write_feeds_file(cluster.work / "late-feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
    db = cluster.work / "late.duckdb"
    try:
        late = run_parent(cluster, db, feeds, deadline_s=20)
        first = rows(db, "select status from shard_runs")
        runs_after_first = rows(db, "select status from runs")
        title, _, paragraphs = ARTICLES[SLOW_PATH]
        newsroom.route(SLOW_PATH, Reply(body=article_html(title, paragraphs)))
        again = run_parent(cluster, db, feeds, deadline_s=500)
    finally:
        newsroom.__exit__(None, None, None)
    assert late.completed and again.completed
    assert first == [("missing",)]
    assert runs_after_first == [("partial",)]
    assert rows(db, "select status from runs order by started_at") == [("partial",), ("completed",)]
    assert rows(db, "select count(*), count(distinct article_id) from articles") == [(len(ARTICLES), len(ARTICLES))]
