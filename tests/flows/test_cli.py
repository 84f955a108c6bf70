"""The `presswatch` command as a newcomer meets it: real processes, readable output, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from newsroom import start_newsroom, write_feeds_file
from report_warehouse import build_report_warehouse, report_tables
from webhook_receiver import Answer, WebhookReceiver

from warehouse.database import opened
from warehouse.loads import RunTables

PROJECT_DIR = Path(__file__).resolve().parents[2]


def presswatch(
    *arguments: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.interface.cli", *arguments],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


class TestHelp:
    @pytest.mark.parametrize("command", [[], ["run"], ["sql"], ["serve"], ["config"]])
    def test_help_explains_itself(self, command: list[str]) -> None:
        """Every command answers --help with a description and exit 0."""
        result = presswatch(*command, "--help")

        assert result.returncode == 0
        assert "usage: presswatch" in result.stdout


class TestVersion:
    def test_version_names_the_installed_package(self) -> None:
        """`presswatch --version` prints the version the package metadata gives and exits 0."""
        from importlib.metadata import version

        result = presswatch("--version")

        assert (result.returncode, result.stdout.strip()) == (0, f"presswatch {version('presswatch')}")


class TestUsageErrors:
    @pytest.mark.parametrize(
        ("command", "usage"),
        [
            (["run", "--nope"], "usage: presswatch run "),
            (["report", "--since", "7d", "--bogus"], "usage: presswatch report "),
            (["alerts", "preview", "--x"], "usage: presswatch alerts preview "),
            (["feeds", "add"], "usage: presswatch feeds add "),
        ],
    )
    def test_a_mistake_shows_the_usage_of_the_command_typed(self, command: list[str], usage: str) -> None:
        """A wrong option in a subcommand shows that subcommand's usage, not the top-level one, and exits 2."""
        result = presswatch(*command)

        assert (result.returncode, result.stderr.startswith(usage)) == (2, True), result.stderr
        assert "Traceback" not in result.stderr

    def test_an_unreadable_date_is_explained_in_words(self) -> None:
        """A date the parser cannot read names the accepted forms instead of a Python function's name."""
        result = presswatch("report", "--since", "last tuesday")

        assert result.returncode == 2
        assert "'last tuesday' is not a date: use an ISO date or time" in result.stderr
        assert "parse_when" not in result.stderr

    def test_relative_dates_reach_the_report(self, tmp_path: Path) -> None:
        """`--since 7d --until today` is read against the clock and the report states the period it covered."""
        db = tmp_path / "w.duckdb"
        with opened(db):
            pass  # an empty warehouse: the period heading is what this test reads
        days = [datetime.now(UTC)]
        result = presswatch(
            "report", "--db", str(db), "--since", "7d", "--until", "today", "--out", str(tmp_path / "r.html")
        )
        days.append(datetime.now(UTC))

        assert result.returncode == 0, result.stderr
        page = (tmp_path / "r.html").read_text(encoding="utf-8")
        periods = {f"{day - timedelta(days=7):%a %d %b %Y} " for day in days}
        ends = {f"to {day:%a %d %b %Y} 00:00 UTC" for day in days}
        assert any(start in page for start in periods) and any(end in page for end in ends)


class TestFailuresAreOneLine:
    def test_missing_feeds_file(self, tmp_path: Path) -> None:
        """A feeds file that does not exist fails with one line naming it."""
        result = presswatch("run", "--feeds", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "w.duckdb"))

        assert result.returncode == 1
        assert "Traceback" not in result.stderr + result.stdout
        assert "nope.csv" in result.stderr

    def test_sql_before_any_run(self, tmp_path: Path) -> None:
        """Querying a warehouse that does not exist says to run first."""
        result = presswatch("sql", "--db", str(tmp_path / "none.duckdb"), "select 1")

        assert (result.returncode, result.stderr.strip()) == (
            1,
            f"presswatch sql: no warehouse at {tmp_path / 'none.duckdb'}: run `presswatch run` first",
        )

    def test_config_masks_secrets(self) -> None:
        """The alert URLs never appear in `presswatch config` output."""
        result = presswatch("config", env={"PRESSWATCH_ALERT_URLS": "json://127.0.0.1:9/secret-token-123"})

        assert result.returncode == 0
        assert "secret-token-123" not in result.stdout
        assert "PRESSWATCH_ALERT_URLS" in result.stdout


@pytest.mark.slow
class TestDemoCommand:
    def test_demo_run_then_sql(self, tmp_path: Path) -> None:
        """`run --demo` prints a summary and the alert digest without tracebacks; `sql` then answers from it."""
        env = {"PRESSWATCH_DB": str(tmp_path / "demo.duckdb"), "PREFECT_HOME": str(tmp_path / "prefect")}

        run = presswatch("run", "--demo", env=env)
        sql = presswatch("sql", "select person_id, count(*) from mentions group by 1 order by 2 desc", env=env)

        output = run.stdout + run.stderr
        assert run.returncode == 0, output
        assert "Traceback" not in output and "Error" not in output
        assert "Articles: 54 new" in run.stdout
        assert "keir-starmer" in run.stdout
        assert sql.returncode == 0 and "elon-musk" in sql.stdout


class TestSql:
    def test_sql_csv_prints_every_row(self, tmp_path: Path) -> None:
        """`sql --csv` prints a header and one line per row, for pipes and spreadsheets."""
        db = tmp_path / "w.duckdb"
        with opened(db) as con:
            con.execute("insert into topics values ('nhs', 'NHS', now()), ('far-right', 'Far right', now())")

        result = presswatch("sql", "--db", str(db), "--csv", "select topic_id, name from topics order by 1")

        assert (result.returncode, result.stdout) == (0, "topic_id,name\nfar-right,Far right\nnhs,NHS\n")


class TestAlertsTest:
    def test_each_channel_is_one_plain_line(self) -> None:
        """`alerts test` says `sent` once per channel that took the message, and FAILED with the reason otherwise."""
        with WebhookReceiver([Answer(200), *[Answer(404)] * 3]) as receiver:
            urls = f"{receiver.url()} {receiver.url('form')}"
            result = presswatch("alerts", "test", env={"PRESSWATCH_ALERT_URLS": urls})

        lines = result.stdout.splitlines()
        assert result.returncode == 1, result.stdout + result.stderr
        assert lines[0] == "json://***: sent"
        assert lines[1].startswith("form://***: FAILED ") and "sent" not in lines[1]


def with_demo_figure_surging(tables: RunTables) -> RunTables:
    """The report warehouse's surge, but of a demo figure (seeds/demo/people.csv), whom the team's seeds do not
    name: the warehouse's people table, loaded by the run, is the only place that does."""
    demo_id, demo_name = "rosalind-penhallow", "Rosalind Penhallow"
    return replace(
        tables,
        people=tables.people.with_columns(
            pl.col("name").replace({"Keir Starmer": demo_name}), pl.col("person_id").replace({"keir-starmer": demo_id})
        ),
        mentions=tables.mentions.with_columns(pl.col("person_id").replace({"keir-starmer": demo_id})),
    )


class TestAlertsPreview:
    def test_a_demo_figure_is_named_as_the_run_names_it(self, tmp_path: Path) -> None:
        """`alerts preview` on a warehouse whose surging person only the run's own people file names (the demo's
        fictional figures) shows the name the warehouse holds, not the id."""
        team_people = (PROJECT_DIR / "seeds" / "people.csv").read_text(encoding="utf-8")
        assert "rosalind-penhallow" not in team_people
        db = build_report_warehouse(tmp_path / "w.duckdb", with_demo_figure_surging(report_tables()))

        result = presswatch("alerts", "preview", "--db", str(db), env={"PREFECT_HOME": str(tmp_path / "prefect")})

        assert result.returncode == 0, result.stdout + result.stderr
        assert "Rosalind Penhallow: 6 stories" in result.stdout
        assert "rosalind-penhallow" not in result.stdout


class TestReportFollowsTheWarehouse:
    def test_a_run_on_another_warehouse_writes_its_report_beside_it(self, tmp_path: Path) -> None:
        """`run --db OTHER` (PRESSWATCH_REPORT_DIR unset) writes OTHER's folder's reports/, and says so; the
        team's report in reports/ is left as it was."""
        team_report = PROJECT_DIR / "reports" / "presswatch-report.html"
        before = team_report.stat().st_mtime_ns if team_report.exists() else None
        other = tmp_path / "scratch" / "w.duckdb"
        newsroom = start_newsroom()
        try:
            feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
            env = {"PRESSWATCH_REPORT_DIR": "", "PRESSWATCH_PER_HOST_DELAY_S": "0",
                   "PREFECT_HOME": str(tmp_path / "prefect")}
            result = presswatch("run", "--db", str(other), "--feeds", str(feeds), env=env)
        finally:
            newsroom.__exit__(None, None, None)

        written = tmp_path / "scratch" / "reports" / "presswatch-report.html"
        assert result.returncode == 0, result.stdout + result.stderr
        assert written.is_file() and f"Report: {written}" in result.stdout.replace("\n", "")
        assert (team_report.stat().st_mtime_ns if team_report.exists() else None) == before
