"""`presswatch check` with a cluster configured: the Prefect API, its database, staging and its credentials."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply
from newsroom import PROJECT_DIR, copy_seeds
from processes import PRESSWATCH

from flows.orchestration.cluster import s3_endpoint


def check(seeds: Path, environment: dict[str, str]) -> tuple[int, list[str]]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_API", "PRESSWATCH_"))}
    done = subprocess.run(
        [*PRESSWATCH, "check", "--seeds", str(seeds), "--feeds", str(seeds / "feeds.csv")],
        cwd=PROJECT_DIR, env={**clean, **environment}, capture_output=True, text=True,
    )  # fmt: skip
    assert "Traceback" not in done.stdout + done.stderr
    return done.returncode, done.stdout.splitlines()


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return copy_seeds(tmp_path / "seeds")


class TestClusterCheck:
    def test_an_api_on_postgresql_and_writable_staging_pass(self, seeds: Path, tmp_path: Path) -> None:
        with LoopbackServer() as prefect:
            prefect.route("/api/health", Reply(body=b"true", content_type="application/json"))
            api = prefect.url("/api").rstrip("/")
            code, lines = check(seeds, {
                "PREFECT_API_URL": api,
                "PREFECT_API_DATABASE_CONNECTION_URL": "postgresql+asyncpg://prefect@db.internal/prefect",
                "PRESSWATCH_STAGING_URI": str(tmp_path / "staging"),
            })  # fmt: skip

        assert code == 0, lines
        assert f"Prefect API {api}: answers; database PostgreSQL (PREFECT_API_DATABASE_CONNECTION_URL)" in lines
        assert any(line.startswith(f"Staging {tmp_path / 'staging'}: reachable and writable") for line in lines)
        assert lines[-1] == "OK: cluster settings."

    def test_an_api_that_does_not_answer_and_staging_that_cannot_be_written_are_problems(
        self, seeds: Path, tmp_path: Path
    ) -> None:
        with LoopbackServer() as gone:
            api = gone.url("/api").rstrip("/")
        blocked = tmp_path / "a-file"
        blocked.write_text("not a folder", encoding="utf-8")

        code, lines = check(seeds, {"PREFECT_API_URL": api, "PRESSWATCH_STAGING_URI": str(blocked / "staging")})

        assert code == 1
        assert f"Prefect API {api}: does not answer (start the server, or fix PREFECT_API_URL)" in lines
        assert any(line.startswith(f"Staging {blocked / 'staging'}: cannot write there: ") for line in lines)
        assert lines[-1] == "2 problem(s) in the cluster settings."

    @pytest.mark.slow
    def test_s3_staging_on_an_s3_compatible_endpoint_with_keys(self, seeds: Path, tmp_path: Path) -> None:
        with s3_endpoint(tmp_path / "logs") as endpoint:
            code, lines = check(seeds, {
                "PRESSWATCH_STAGING_URI": f"s3://{endpoint.bucket}/staging",
                "PRESSWATCH_STAGING_ENDPOINT": endpoint.url,
                "PRESSWATCH_STAGING_KEY_ID": "check",
                "PRESSWATCH_STAGING_SECRET_KEY": "check",
            })  # fmt: skip
            missing_keys, without = check(seeds, {
                "PRESSWATCH_STAGING_URI": f"s3://{endpoint.bucket}/staging",
                "PRESSWATCH_STAGING_ENDPOINT": endpoint.url,
                "HOME": str(tmp_path),
            })  # fmt: skip

        assert code == 0, lines
        assert f"Staging s3://{endpoint.bucket}/staging: reachable and writable" in lines
        assert "Staging credentials: PRESSWATCH_STAGING_KEY_ID and PRESSWATCH_STAGING_SECRET_KEY" in lines
        assert missing_keys == 1
        assert any(line.startswith("Staging credentials: none found") for line in without)
