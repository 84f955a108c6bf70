"""The scheduled deployment: its schedule, its name and its refusal to run two monitoring runs at once."""

from __future__ import annotations

from pathlib import Path

from prefect.client.schemas.objects import ConcurrencyLimitStrategy

from flows.orchestration.serve import DEFAULT_CRON, build_deployment


class TestDeployment:
    def test_hourly_cron_in_the_given_timezone(self, prefect_harness: None, tmp_path: Path) -> None:
        """The deployment runs the monitoring flow on the hour, in the team's timezone."""
        deployment = build_deployment(
            cron=DEFAULT_CRON, timezone="Europe/London", feeds_file=tmp_path / "f.csv", db_file=tmp_path / "w.duckdb"
        )

        schedule = deployment.schedules[0].schedule
        assert (schedule.cron, schedule.timezone) == ("0 * * * *", "Europe/London")  # type: ignore[union-attr]
        assert deployment.parameters["db_file"] == str(tmp_path / "w.duckdb")
        assert deployment.name == "hourly"

    def test_a_deployment_not_hourly_is_not_called_hourly(self, prefect_harness: None) -> None:
        """The name Prefect's UI shows says the schedule: every five minutes is not `hourly`."""
        deployment = build_deployment(cron="*/5 * * * *", timezone="UTC", feeds_file=None, db_file=None)

        assert deployment.name == "every-5-minutes"

    def test_a_new_run_is_cancelled_while_one_is_going(self, prefect_harness: None) -> None:
        """One run at a time: a run due while another is still going is cancelled, and stuck slots expire."""
        deployment = build_deployment(cron="*/5 * * * *", timezone="UTC", feeds_file=None, db_file=None)

        options = deployment.concurrency_options
        assert deployment.concurrency_limit == 1
        assert options is not None and options.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW
        assert options.grace_period_seconds is not None and options.grace_period_seconds >= 60
