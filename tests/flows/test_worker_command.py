"""`presswatch worker` refuses in one line when it has no Prefect API to serve a pool on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from loopback import LoopbackServer
from processes import PRESSWATCH, PROJECT_DIR


def worker(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")}
    return subprocess.run(
        [*PRESSWATCH, "worker", "--pool", "team", *arguments],
        cwd=PROJECT_DIR, env={**clean, **environment}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


class TestWorkerCommand:
    def test_no_prefect_api_is_one_line(self, tmp_path: Path) -> None:
        done = worker({"PREFECT_HOME": str(tmp_path)})

        assert done.returncode == 1
        assert done.stderr.splitlines() == [
            "presswatch worker: no Prefect API: set PREFECT_API_URL to the server the pool lives on"
        ]

    def test_an_api_that_does_not_answer_is_one_line(self, tmp_path: Path) -> None:
        with LoopbackServer() as gone:
            api = gone.url("/api").rstrip("/")

        done = worker({"PREFECT_HOME": str(tmp_path), "PREFECT_API_URL": api})

        assert done.returncode == 1
        assert done.stderr.splitlines() == [f"presswatch worker: the Prefect API at {api} does not answer"]

    def test_the_warehouse_queue_needs_the_warehouse(self, tmp_path: Path) -> None:
        environment = {"PREFECT_HOME": str(tmp_path), "PREFECT_API_URL": "http://127.0.0.1:9/api"}

        done = worker(environment, "--queue", "warehouse")

        assert done.returncode == 2
        assert "--queue warehouse needs --db" in done.stderr
