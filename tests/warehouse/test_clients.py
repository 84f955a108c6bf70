"""The analysts' snapshot, as a real `presswatch run --demo` publishes it, opens in the DuckDB clients analysts
have (the 1.4 LTS Python package, the newest 1.x CLI, and 2.x) and every named view answers there with the rows it
has in 2.x; the live warehouse stays in DuckDB 2.0's format, which the 1.x clients refuse."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from duckdb_clients import CLI_PACKAGE, LTS_PACKAGE, ClientUnavailable, installed
from processes import start

from warehouse import database

pytestmark = pytest.mark.slow

VIEW_NAME = re.compile(r"(?i)\bcreate\s+or\s+replace\s+view\s+(\w+)")
COUNT_VIEWS = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
rows = {}
for view in sys.argv[2:]:
    try:
        rows[view] = con.execute(f'select count(*) from "{view}"').fetchall()[0][0]
    except duckdb.Error as error:
        rows[view] = str(error).splitlines()[0]
print(json.dumps({"version": duckdb.__version__, "rows": rows}))
"""


def named_views() -> list[str]:
    """Every view the view files define (macros aside), the names analysts query."""
    return sorted(name for path in database.VIEWS_DIR.glob("*.sql")
                  for name in VIEW_NAME.findall(database.strip_comments(path.read_text(encoding="utf-8"))))


def client(requirement: str) -> Path:
    try:
        return installed(requirement)
    except ClientUnavailable as error:
        pytest.fail(f"the DuckDB client {requirement} could not be installed: {error}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse of one real `presswatch run --demo`, with the snapshot that run published beside it."""
    work = tmp_path_factory.mktemp("demo")
    environment = {"PRESSWATCH_DB": str(work / "w.duckdb"), "PRESSWATCH_REPORT_DIR": str(work / "reports"),
                   "PRESSWATCH_PER_HOST_DELAY_S": "0", "PREFECT_HOME": str(work / "prefect-home")}
    log = work / "run.log"
    code = start(["run", "--demo"], environment=environment, log=log).wait(timeout=600)
    assert code == 0, log.read_text(encoding="utf-8")[-2000:]
    return work / "w.duckdb"


def rows_in_lts(snapshot: Path, views: list[str]) -> tuple[str, dict[str, object]]:
    python = client(LTS_PACKAGE) / "bin" / "python"
    done = subprocess.run([str(python), "-c", COUNT_VIEWS, str(snapshot), *views], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    return answer["version"], answer["rows"]


def cli(database_file: Path, sql: str) -> subprocess.CompletedProcess[str]:
    """The 1.x shell as an analyst starts it (read-only, then safe mode: duckdb-cli 1.5.6 refuses to start with
    `-safe`, "Cannot change configuration option extension_directories"), reading `sql` from its standard input."""
    program = client(CLI_PACKAGE) / "bin" / "duckdb"
    return subprocess.run([str(program), "-readonly", "-csv", "-noheader", str(database_file)],
                          input=".safe_mode\n" + sql, capture_output=True, text=True, timeout=300, check=False)


def rows_in_cli(snapshot: Path, views: list[str]) -> tuple[str, dict[str, object], str]:
    """The version the shell reports, each view's row count (a view that fails is missing, its error on stderr)."""
    statements = "select 'version', version();\n" + "".join(
        f"select '{view}', count(*) from \"{view}\";\n" for view in views)
    done = cli(snapshot, statements)
    answers = dict(line.split(",", 1) for line in done.stdout.splitlines() if "," in line)
    version = answers.pop("version", "")
    return version, {name: int(count) for name, count in answers.items()}, done.stderr


def rows_in_2x(snapshot: Path, views: list[str]) -> dict[str, object]:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return {view: con.execute(f'select count(*) from "{view}"').fetchall()[0][0] for view in views}


class TestAnalystsClients:
    def test_every_view_of_the_snapshot_answers_in_duckdb_1_4_1_5_and_2(self, demo: Path) -> None:
        """DuckDB 1.4.5 (Python) and the 1.5.6 CLI open the demo's snapshot and every view answers with the row
        count 2.x gives; the live warehouse, in 2.0's format, is refused by the CLI with DuckDB's own words."""
        snapshot = database.snapshot_path(demo)
        views = named_views()
        with duckdb.connect(str(snapshot), read_only=True) as con:
            in_file = sorted(row[0] for row in con.execute(
                "select view_name from duckdb_views() where not internal").fetchall())

        expected = rows_in_2x(snapshot, views)
        lts_version, in_lts = rows_in_lts(snapshot, views)
        cli_version, in_cli, cli_errors = rows_in_cli(snapshot, views)
        live = cli(demo, "select count(*) from articles;\n")

        assert in_file == views and len(views) >= 20
        assert (lts_version, cli_version) == ("1.4.5", "v1.5.6")
        assert in_lts == expected
        assert in_cli == expected, cli_errors
        assert expected["stories"] and expected["mentions_hourly"]  # the demo's views hold rows to compare
        assert "version number 69" in live.stderr
