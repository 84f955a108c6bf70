"""`presswatch sql` as analysts use it, in real processes on real warehouse files: it reads and never writes, its
prompt behaves like the SQL terminals they know, and every query the README shows answers on the demo data."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pexpect
import polars as pl
import pytest
from report_warehouse import article, mention

from warehouse import database
from warehouse.loads import RunTables, load_or_spool

PROJECT_DIR = Path(__file__).resolve().parents[2]
AS_OF = datetime(2025, 1, 6, 12, tzinfo=UTC)
TITLE = "Starmer sets out waiting list plan"
MENTIONS = 12
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")
LONG_QUERY = "select sum(hash(range)) from range(100000000000);"
# prompt_toolkit turns bracketed paste on as it shows a prompt and off once the line is accepted: the markers of
# "waiting for input" and "input taken" that redraws while typing cannot fake.
PROMPTED = "\x1b[?2004h"
ACCEPTED = "\x1b[?2004l"


# Should the lock-down ever regress, an INSTALL would try to download: DuckDB sends its downloads through the proxy
# in HTTP(S)_PROXY, here a closed loopback port, so even then nothing leaves the machine (checked with strace).
LOOPBACK_ONLY = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


def presswatch(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.interface.cli", *arguments],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **LOOPBACK_ONLY, **(env or {})},
    )


def spool_dir_of(db: Path) -> Path:
    return db.with_name(f"{db.stem}.spool")


def one_run() -> RunTables:
    """One article named twelve times: the probe's victim (a planted spool retitled it and dropped its mentions)."""
    frames = {
        "sources": pl.DataFrame([{"source_id": "herald", "name": "Herald", "feed_url": "https://herald.example/feed",
                                  "respect_robots": True, "updated_at": AS_OF}]),
        "articles": pl.DataFrame([{**article("a1", AS_OF, "herald"), "title": TITLE}]),
        "mentions": pl.DataFrame([{**mention("a1", "keir-starmer", "Starmer"), "char_start": index,
                                   "char_end": index + 7} for index in range(MENTIONS)]),
        "runs": pl.DataFrame([{"run_id": "run-1", "started_at": AS_OF, "finished_at": AS_OF, "status": "completed",
                               "mode": "demo", "as_of": AS_OF}]),
    }
    return RunTables.from_frames(frames)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A warehouse loaded by the real loader, with its snapshot, spool key and an (empty) DuckDB temp directory."""
    db = tmp_path / "data" / "presswatch.duckdb"
    db.parent.mkdir()
    load_or_spool(db, one_run(), spool_dir=spool_dir_of(db), snapshot=database.snapshot_path(db))
    db.with_name(db.name + ".tmp").mkdir()
    return db


def files_under(directory: Path) -> dict[str, str]:
    """Every file and directory below `directory` with a digest of its content."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        for path in sorted(directory.rglob("*"))
    }


def stored_victim(db: Path) -> tuple[str, int]:
    with database.opened(db, read_only=True) as con:
        row = con.execute(
            "select (select title from articles where article_id = 'a1'), "
            "(select count(*) from mentions where article_id = 'a1')"
        ).fetchall()[0]
    return str(row[0]), int(row[1])


PLANTED = "20990101T000000000000Z-planted"
PLANTED_MANIFEST = json.dumps(
    {"spool_id": PLANTED, "run_id": "planted", "spooled_at": "2099-01-01T00:00:00+00:00", "tables": {"articles": 1},
     "replaced_article_ids": ["a1"]}
).replace("{", "{{").replace("}", "}}")
# What the probe did: make a spool directory, put a retitled article in it and a manifest that drops its mentions.
PLANT_SPOOL = (
    "copy (select 1 as x) to '{spool}' (format parquet, per_thread_output true, overwrite_or_ignore true); "
    f"copy (select 1 as x) to '{{spool}}/{PLANTED}' (format parquet, per_thread_output true); "
    f"copy (select * replace ('Planted' as title) from articles) to '{{spool}}/{PLANTED}/articles.parquet' "
    "(format parquet); "
    f"copy (select '{PLANTED_MANIFEST}' as m) to '{{spool}}/{PLANTED}/manifest.json' "
    "(format csv, header false, quote '', escape '', delimiter '|')"
)
# A hostile analyst's attempts to change what the next run loads, read other files, or reach the network.
ATTACKS = {
    "plant a spool for the next run (the probe)": PLANT_SPOOL,
    "export the database": "export database '{directory}/exported'",
    "attach another file read-write": "attach '{directory}/other.duckdb' as other (read_only false); "
    "create table other.t as select 1",
    "attach the warehouse read-write": "attach '{db}' as again (read_only false); "
    "update again.articles set title = 'Planted'",
    "attach a file in DuckDB's temp directory": "attach '{db}.tmp/planted.duckdb' as planted (read_only false); "
    "create table planted.t as select 1",
    "attach the write-ahead log": "attach '{db}.wal' as wal (read_only false)",
    "write the warehouse": "update articles set title = 'Planted'; delete from mentions",
    "create a macro in the warehouse": "create macro planted(x) as x + 1",
    "read a file through a temporary macro": "create temp macro leak() as table "
    "select * from read_text('/etc/passwd'); select * from leak()",
    "install an extension": "install httpfs",
    "load an extension": "load httpfs",
    "install a community extension": "install quack from community",
    "re-enable external access": "set enable_external_access = true; copy articles to '{directory}/out.csv'",
    "reset the lock": "reset lock_configuration",
    "widen the allowed directories": "set allowed_directories = ['{directory}']; "
    "copy articles to '{directory}/out.csv'",
    "read /etc/passwd": "select * from read_csv('/etc/passwd', sep = ':', header = false)",
    "list a directory": "select * from glob('/etc/*')",
    "log to a file": "call enable_logging(storage = 'file', storage_path = '{directory}/logs')",
    "profile to a file": "set profile_output = '{directory}/profile.json'; pragma enable_profiling; select 1",
    "log queries to a file": "set log_query_path = '{directory}/queries.log'; select 1",
    "spill somewhere else": "set temp_directory = '{directory}/spill'",
    "store a persistent secret": "create persistent secret planted (type http, bearer_token 'x')",
}


IMPORTTIME_PRESSWATCH = [sys.executable, "-X", "importtime", "-m", "flows.interface.cli"]


class TestReadOnly:
    @pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
    def test_attack_fails_and_leaves_files_and_next_load_alone(self, warehouse: Path, attack: str) -> None:
        """The statement is refused; no file near the warehouse changes; the next load merges nothing."""
        statement = attack.format(db=warehouse, spool=spool_dir_of(warehouse), directory=warehouse.parent)
        before = files_under(warehouse.parent)

        result = presswatch("sql", "--db", str(warehouse), statement)

        after = files_under(warehouse.parent)
        outcome = load_or_spool(warehouse, RunTables.from_frames({}), spool_dir=spool_dir_of(warehouse), attempts=1)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr and "root:" not in result.stdout
        assert after == before
        assert (outcome.method, outcome.merged_spools) == ("direct", 0)
        assert stored_victim(warehouse) == (TITLE, MENTIONS)

    def test_checkpoint_and_vacuum_change_nothing(self, warehouse: Path) -> None:
        """Statements DuckDB accepts on a read-only file leave every byte as it was."""
        before = files_under(warehouse.parent)

        result = presswatch("sql", "--db", str(warehouse), "checkpoint; vacuum; force checkpoint")

        assert (result.returncode, files_under(warehouse.parent)) == (0, before)

    def test_time_zone_stays_the_analysts_choice(self, warehouse: Path) -> None:
        """The one setting left open: an analyst may read times in their own zone."""
        result = presswatch(
            "sql", "--db", str(warehouse), "--csv", "set TimeZone = 'Asia/Tokyo'; select current_setting('TimeZone')"
        )

        assert (result.returncode, result.stdout) == (0, "current_setting('TimeZone')\nAsia/Tokyo\n")


class TestOneShot:
    def test_error_is_shown_whole(self, warehouse: Path) -> None:
        """DuckDB's message keeps its position marker: the analyst sees where the typo is."""
        result = presswatch("sql", "--db", str(warehouse), "select title from articles wher 1 = 1")

        assert result.returncode == 1
        assert result.stderr.startswith("presswatch sql: Parser Error: syntax error at or near")
        assert "LINE 1: select title from articles wher 1 = 1" in result.stderr and "^" in result.stderr

    def test_wide_rows_fit_the_terminal(self, warehouse: Path) -> None:
        """Every printed line fits 60 columns; the long headline is cut with an ellipsis, not wrapped."""
        result = presswatch(
            "sql", "--db", str(warehouse), "select article_id, url, title, text from articles",
            env={"COLUMNS": "60"},
        )

        lines = result.stdout.splitlines()
        assert result.returncode == 0
        assert max(len(line) for line in lines) <= 60
        assert any("…" in line for line in lines) and "(1 row)" in lines

    def test_too_many_columns_for_the_terminal_show_one_block_per_row(self, warehouse: Path) -> None:
        """27 columns cannot share 60 characters: each row becomes `column | value` lines, still within 60."""
        result = presswatch("sql", "--db", str(warehouse), "select * from articles", env={"COLUMNS": "60"})

        lines = result.stdout.splitlines()
        assert result.returncode == 0
        assert lines[0].startswith("-[ row 1 ]") and max(len(line) for line in lines) <= 60
        assert any(line.startswith("title") and "Starmer sets out" in line for line in lines)

    def test_tables_and_describe_without_a_prompt(self, warehouse: Path) -> None:
        """`.tables` lists tables and views with their kind; `\\d NAME` lists a view's columns."""
        tables = presswatch("sql", "--db", str(warehouse), ".tables")
        described = presswatch("sql", "--db", str(warehouse), "\\d latest_evidence")

        assert tables.returncode == 0 and described.returncode == 0
        assert re.search(r"^mentions\s+table\s+11\s+12$", tables.stdout, re.MULTILINE)  # published_at, shares_sentence
        assert re.search(r"^spikes\s+view\s+19\b", tables.stdout, re.MULTILINE)  # with its rule and thresholds
        assert re.search(r"^snippet\s+VARCHAR\b", described.stdout, re.MULTILINE)

    def test_tables_lists_the_analysts_tables_and_tables_all_adds_presswatchs_own(self, warehouse: Path) -> None:
        """`.tables` shows what there is to query; presswatch's bookkeeping appears only with `.tables all`."""
        tables = presswatch("sql", "--db", str(warehouse), "--csv", ".tables")
        every = presswatch("sql", "--db", str(warehouse), "--csv", ".tables all")

        listed = {line.split(",")[0] for line in tables.stdout.splitlines()}
        internal = {"schema_migrations", "view_state", "spool_merges", "occurrence_replacements"}
        assert tables.returncode == 0 and every.returncode == 0
        assert {"articles", "mentions", "runs", "run_history", "feed_health"} <= listed
        assert listed & internal == set()
        assert internal <= {line.split(",")[0] for line in every.stdout.splitlines()}

    def test_describe_says_what_each_column_means_in_the_snapshot_too(self, warehouse: Path) -> None:
        """`.describe` has a meaning column, from column comments an analyst's own DuckDB client sees as well."""
        live = presswatch("sql", "--db", str(warehouse), ".describe run_history")
        published = presswatch("sql", "--csv", ".describe mentions_daily", env={"PRESSWATCH_DB": str(warehouse)})
        with duckdb.connect(str(database.snapshot_path(warehouse)), read_only=True) as con:
            comment = con.execute("select comment from duckdb_columns() where table_name = 'mentions' "
                                  "and column_name = 'snippet'").fetchall()

        assert re.search(r"^duration_s\s+DOUBLE\s+\S+\s+seconds from start to finish", live.stdout, re.MULTILINE)
        assert "stories,BIGINT,True,distinct stories naming the person that day" in published.stdout, published.stderr
        assert comment == [("the sentence that names the person",)]

    def test_durations_show_hundredths(self, warehouse: Path) -> None:
        """A run's duration_s reads 1.23, not 1.234567 with a dozen more digits."""
        with database.opened(warehouse) as con:
            con.execute("insert into runs (run_id, started_at, finished_at, status, mode, as_of) values "
                        "('run-2', ?, ? + interval 1234567 microseconds, 'completed', 'live', ?)",
                        [AS_OF, AS_OF, AS_OF])

        result = presswatch("sql", "--db", str(warehouse), "--csv",
                            "select duration_s from run_history where run_id = 'run-2'")

        assert result.stdout.splitlines() == ["duration_s", "1.23"], result.stderr

    def test_sql_never_imports_prefect_or_polars(self, warehouse: Path) -> None:
        """The command answers without loading the orchestrator or polars (what makes it start fast)."""
        result = subprocess.run(
            [*IMPORTTIME_PRESSWATCH, "sql", "--db", str(warehouse), "select 1"],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60,
        )

        imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()}
        assert result.returncode == 0 and "duckdb" in imported
        assert {"prefect", "polars", "pyarrow"} & imported == set()

    def test_each_statement_answers_in_turn_until_one_fails(self, warehouse: Path) -> None:
        """Statements run in order in one session; an error stops the rest but keeps what was already shown."""
        result = presswatch(
            "sql", "--db", str(warehouse),
            "create temp table picked as select 7 as n; select n * 6 as answer from picked; select nope; select 1",
        )

        assert result.returncode == 1
        assert re.search(r"answer\n─+\n\s*42\n\(1 row\)", result.stdout)
        assert "Referenced column \"nope\" was not found" in result.stderr

    def test_ctrl_c_cancels_a_long_query(self, warehouse: Path) -> None:
        """SIGINT stops the query at once: exit 130 with one line, no traceback."""
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.interface.cli", "sql", "--db", str(warehouse), LONG_QUERY],
            cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        time.sleep(3)  # started and running: the query would take minutes

        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)

        assert process.returncode == 130
        assert errors.strip() in {"presswatch sql: query cancelled", "presswatch: interrupted"}

    def test_describe_of_an_unknown_name_fails_with_a_hint(self, warehouse: Path) -> None:
        """A typo in `.describe` exits 1 and says how to list the names."""
        result = presswatch("sql", "--db", str(warehouse), ".describe mention")

        assert (result.returncode, result.stderr.strip()) == (1, "no table or view named mention: .tables lists them")

    def test_dot_command_as_csv(self, warehouse: Path) -> None:
        """Dot commands write CSV too, for scripts that read the warehouse's layout."""
        result = presswatch("sql", "--db", str(warehouse), "--csv", ".describe people")

        assert result.returncode == 0
        assert result.stdout.splitlines() == [
            "column,type,nullable,meaning", "person_id,VARCHAR,False,tracked person's id (people.csv)",
            "name,VARCHAR,False,the person's display name", "updated_at,TIMESTAMP WITH TIME ZONE,False,",
        ]

    def test_script_piped_in_runs_without_a_prompt(self, warehouse: Path) -> None:
        """`presswatch sql < file.sql` answers each statement, as the DuckDB CLI does."""
        result = subprocess.run(
            [sys.executable, "-m", "flows.interface.cli", "sql", "--db", str(warehouse), "--csv"],
            cwd=PROJECT_DIR, input="select 41 + 1 as answer;\n", capture_output=True, text=True, timeout=60,
        )

        assert (result.returncode, result.stdout, result.stderr) == (0, "answer\n42\n", "")

    def test_csv_streams_every_row(self, warehouse: Path) -> None:
        """`--csv` writes a header and all rows, past the 200 a table shows."""
        result = presswatch("sql", "--db", str(warehouse), "--csv", "select range as n from range(1000)")

        lines = result.stdout.splitlines()
        assert (result.returncode, lines[0], len(lines), lines[-1]) == (0, "n", 1001, "999")

    def test_long_results_say_they_were_cut(self, warehouse: Path) -> None:
        """A table shows the first 200 rows and says how to get the rest."""
        result = presswatch("sql", "--db", str(warehouse), "select range as n from range(1000)")

        assert result.stdout.splitlines()[-1] == "(first 200 rows shown: add a limit, or use --csv for every row)"


HEAVY_QUERY = "select count(distinct x) as values from range(30000000) t(x)"  # about 1.4 GB without a cap


def peak_of(arguments: list[str], environment: dict[str, str], out: Path) -> tuple[int, int, str, str]:
    """Exit code, peak resident memory in MB (from the kernel's accounting of this one child), output and errors."""
    with (out / "stdout").open("w") as stdout, (out / "stderr").open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "flows.interface.cli", *arguments],
            cwd=PROJECT_DIR, env={**os.environ, **LOOPBACK_ONLY, **environment}, stdout=stdout, stderr=stderr,
        )  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    read = (out / "stdout").read_text(), (out / "stderr").read_text()
    return child.returncode, usage.ru_maxrss // 1024, *read


class TestMemoryCap:
    def test_a_heavy_query_spills_instead_of_taking_the_runs_memory(self, warehouse: Path, tmp_path: Path) -> None:
        """Capped at 300 MB, a distinct count that takes 1.4 GB uncapped answers in under 800 MB of the process's
        memory, spilling to a private folder in the temporary directory that is gone afterwards."""
        spill = tmp_path / "system-tmp"
        spill.mkdir()

        code, peak_mb, out, error = peak_of(
            ["sql", "--db", str(warehouse), HEAVY_QUERY],
            {"PRESSWATCH_SQL_MEMORY_MB": "300", "TMPDIR": str(spill)},
            tmp_path,
        )

        assert (code, error) == (0, "")
        assert "30000000" in out
        assert peak_mb < 800
        assert list(spill.iterdir()) == []
        assert files_under(warehouse.with_name(warehouse.name + ".tmp")) == {}

    def test_a_query_that_cannot_spill_enough_fails_in_one_line_naming_the_caps(
        self, warehouse: Path, tmp_path: Path
    ) -> None:
        """With 100 MB of memory and 10 MB of disk the query stops, with one paragraph saying which caps it hit."""
        code, peak_mb, _, error = peak_of(
            ["sql", "--db", str(warehouse), HEAVY_QUERY],
            {"PRESSWATCH_SQL_MEMORY_MB": "100", "PRESSWATCH_SQL_SPILL_MB": "10"},
            tmp_path,
        )

        assert code == 1
        assert error.count("\n") == 1 and "Traceback" not in error
        assert error.startswith("presswatch sql: Out of Memory Error: ")
        assert "may use 100 MB of memory (PRESSWATCH_SQL_MEMORY_MB) and spill 10 MB" in error
        assert peak_mb < 800

    def test_memory_limit_can_be_lowered_within_a_session(self, warehouse: Path) -> None:
        """SET memory_limit below the cap holds for the statements after it in the same input."""
        result = presswatch(
            "sql", "--db", str(warehouse), "set memory_limit = '100MB'; select current_setting('memory_limit') as m;",
            env={"PRESSWATCH_SQL_MEMORY_MB": "300"},
        )  # fmt: skip

        assert (result.returncode, result.stderr) == (0, "")
        assert "95.3 MiB" in result.stdout

    @pytest.mark.parametrize(
        "raise_it",
        ["set memory_limit = '10GB'", "reset memory_limit", "set max_memory = '1TB'", "pragma memory_limit = '5GB'"],
    )
    def test_memory_limit_cannot_be_raised_above_the_cap(self, warehouse: Path, raise_it: str) -> None:
        """A SET, RESET or PRAGMA that would lift the limit above the cap is refused and nothing after it runs."""
        result = presswatch(
            "sql", "--db", str(warehouse), f"{raise_it}; select 'ran anyway' as note;",
            env={"PRESSWATCH_SQL_MEMORY_MB": "300"},
        )  # fmt: skip

        assert result.returncode == 1
        assert "ran anyway" not in result.stdout
        assert result.stderr.startswith(
            "presswatch sql: memory_limit can be lowered, not raised: this session may use at most 300 MB"
        )

class Prompt:
    """`presswatch sql` on a real pseudo-terminal, read back without terminal escape codes."""

    def __init__(self, db: Path, *, columns: int = 100) -> None:
        environment = {
            **os.environ, **LOOPBACK_ONLY, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": str(columns)
        }
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "flows.interface.cli", "sql", "--db", str(db)],
            cwd=str(PROJECT_DIR),
            env=environment,
            encoding="utf-8", dimensions=(40, columns), timeout=60,
        )
        self.wait_for_prompt()

    def wait_for_prompt(self) -> str:
        """Everything printed until the next prompt appears, escape codes removed."""
        self.child.expect_exact(PROMPTED)
        return ANSI.sub("", self.child.before or "")

    def submit(self, keys: str) -> None:
        """Type `keys` and wait until the prompt has accepted the input."""
        self.child.send(keys)
        self.child.expect_exact(ACCEPTED)

    def type(self, keys: str) -> str:
        """Type `keys` (ending with Enter) and return what the session printed in answer."""
        self.submit(keys)
        return self.wait_for_prompt()

    def close(self) -> int:
        self.child.sendcontrol("d")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus or 0)


def history_of(db: Path) -> str:
    """The prompt's history file, where every accepted input is kept."""
    return (db.parent / "sql-history").read_text(encoding="utf-8")


@pytest.fixture
def prompt(warehouse: Path) -> Iterator[Prompt]:
    session = Prompt(warehouse)
    yield session
    if session.child.isalive():
        session.child.terminate(force=True)


class TestPrompt:
    def test_tab_completes_a_view_name(self, warehouse: Path, prompt: Prompt) -> None:
        """`from run_hi<Tab>` becomes `from run_history`, and the statement runs."""
        prompt.child.send("select count(*) as runs from run_hi\t")
        prompt.child.expect_exact("story")  # completion runs in the background: wait until it is drawn
        shown = prompt.type(";\r")

        assert re.search(r"runs\s*\n─+\n\s*1\n\(1 row\)", shown)
        assert "select count(*) as runs from run_history;" in history_of(warehouse)

    def test_tab_completes_a_column_of_the_named_table(self, warehouse: Path, prompt: Prompt) -> None:
        """After `people.` only that table's columns count: `n` means `name` there (elsewhere also next_attempt_at)."""
        prompt.child.send("select people.n\t")
        prompt.child.expect_exact("ame")
        shown = prompt.type(" from people;\r")

        assert "(0 rows)" in shown
        assert "select people.name from people;" in history_of(warehouse)

    def test_statement_over_several_lines(self, prompt: Prompt) -> None:
        """Enter inside a statement starts a new line; the `;` line runs it."""
        prompt.child.send("select 40\r")
        prompt.child.expect_exact("...>")
        shown = prompt.type("+ 2 as answer;\r")

        assert re.search(r"answer\s*\n─+\n\s*42\n", shown)

    def test_ctrl_c_cancels_the_query_and_keeps_the_prompt(self, prompt: Prompt) -> None:
        """A long query stops on Ctrl-C; the same session answers the next statement."""
        prompt.submit(LONG_QUERY + "\r")
        time.sleep(1)  # the query is running (it would take minutes)

        prompt.child.sendintr()
        cancelled = prompt.wait_for_prompt()
        after = prompt.type("select 41 + 1 as answer;\r")

        assert "query cancelled" in cancelled
        assert re.search(r"\n\s*42\n", after)

    def test_ctrl_c_at_the_prompt_clears_the_line(self, warehouse: Path, prompt: Prompt) -> None:
        """Ctrl-C while typing drops the line, as in a shell; the session goes on."""
        prompt.child.send("select 'half typed")
        prompt.child.sendintr()
        prompt.wait_for_prompt()

        after = prompt.type("select 'whole' as line;\r")

        assert re.search(r"\n\s*whole\n", after)
        assert "half typed" not in history_of(warehouse)

    def test_error_is_shown_whole_and_the_session_goes_on(self, prompt: Prompt) -> None:
        """A typo shows DuckDB's whole message with its marker; the next statement still runs."""
        error = prompt.type("selec 1;\r")
        after = prompt.type("select 1 as one;\r")

        assert "syntax error at or near \"selec\"" in error and "LINE 1: selec 1;" in error and "^" in error
        assert "(1 row)" in after

    def test_tables_and_describe(self, prompt: Prompt) -> None:
        """`.tables` lists tables and views, `.describe` a view's columns, and an unknown name says what to do."""
        tables = prompt.type(".tables\r")
        described = prompt.type(".describe mentions_daily\r")
        unknown = prompt.type("\\d nothing_here\r")

        assert re.search(r"\narticles\s+table\b", tables) and re.search(r"\nfeed_health\s+view\b", tables)
        assert re.search(r"\nday\s+DATE\b", described)
        assert "no table or view named nothing_here: .tables lists them" in unknown

    def test_mode_changes_how_answers_are_shown(self, prompt: Prompt) -> None:
        """`.mode` takes the DuckDB CLI's names and lasts for the session; an unknown one lists the choices."""
        query = "select 1 as n, 'Keir Starmer' as person;\r"
        said = prompt.type(".mode csv\r")
        as_csv = prompt.type(query)
        prompt.type(".mode markdown\r")
        as_markdown = prompt.type(query)
        prompt.type(".mode line\r")
        as_lines = prompt.type(query)
        prompt.type(".mode json\r")
        as_json = prompt.type(query)
        prompt.type(".mode table\r")
        as_table = prompt.type(query)
        wrong = prompt.type(".mode nope\r")

        assert "output mode: csv" in said
        assert "n,person\n1,Keir Starmer\n" in as_csv
        assert "| n | person |" in as_markdown and "| 1 | Keir Starmer |" in as_markdown
        assert re.search(r"^ +n = 1\nperson = Keir Starmer$", as_lines, re.MULTILINE)
        assert json.loads(as_json[as_json.index("["):as_json.rindex("]") + 1]) == [{"n": 1, "person": "Keir Starmer"}]
        assert "+---" in as_table and "| Keir Starmer |" in as_table
        assert "unknown mode nope: choose one of duckbox, box, table, csv, line, markdown, json" in wrong

    def test_timer_says_how_long_each_statement_took(self, prompt: Prompt) -> None:
        """`.timer on` adds the DuckDB CLI's `Run Time (s): real ...` line under each answer; `.timer off` stops it."""
        prompt.type(".timer on\r")
        timed = prompt.type("select 42 as answer;\r")
        prompt.type(".timer off\r")
        untimed = prompt.type("select 42 as answer;\r")

        assert re.search(r"42\n.*\n?Run Time \(s\): real \d+\.\d{3}", timed)
        assert "Run Time" not in untimed

    def test_history_is_kept_in_a_file_and_recalled_with_the_up_arrow(self, warehouse: Path, prompt: Prompt) -> None:
        """A statement from an earlier session comes back with Up in the next one; the file is the analyst's."""
        prompt.type("select 'from the first session' as note;\r")
        assert prompt.close() == 0
        second = Prompt(warehouse)

        recalled = second.type("\x1b[A\r")
        second.close()

        assert "select 'from the first session' as note;" in history_of(warehouse)
        assert (warehouse.parent / "sql-history").stat().st_mode & 0o777 == 0o600
        assert re.search(r"\n\s*from the first session\n", recalled)

    def test_a_symbolic_link_planted_as_the_history_is_never_followed(self, warehouse: Path, tmp_path: Path) -> None:
        """With a link at the history's name, the session says so and keeps history in memory; the link's target
        keeps its content and its mode."""
        target = tmp_path / "someone-elses-file"
        target.write_text("theirs\n", encoding="utf-8")
        target.chmod(0o644)
        (warehouse.parent / "sql-history").symlink_to(target)
        session = Prompt(warehouse)

        first = ANSI.sub("", session.child.before or "")
        answered = session.type("select 'still answers' as note;\r")
        recalled = session.type("\x1b[A\r")
        code = session.close()

        assert "history not saved: it is a symbolic link, which presswatch does not follow" in first
        assert "still answers" in answered and "still answers" in recalled
        assert code == 0
        assert target.read_text(encoding="utf-8") == "theirs\n"
        assert target.stat().st_mode & 0o777 == 0o644
        assert (warehouse.parent / "sql-history").is_symlink()

    def test_a_link_planted_while_the_session_runs_is_not_followed_either(
        self, warehouse: Path, tmp_path: Path, prompt: Prompt
    ) -> None:
        """The history file swapped for a link after the session opened it gets no statements appended."""
        prompt.type("select 1 as one;\r")
        target = tmp_path / "someone-elses-file"
        target.write_text("theirs\n", encoding="utf-8")
        history = warehouse.parent / "sql-history"
        history.unlink()
        history.symlink_to(target)

        answered = prompt.type("select 'after the swap' as note;\r")
        prompt.close()

        assert "after the swap" in answered
        assert target.read_text(encoding="utf-8") == "theirs\n"

    def test_ctrl_r_finds_an_earlier_statement(self, prompt: Prompt) -> None:
        """Ctrl-R, a few letters, Enter to pick the line and Enter to run it, as in bash."""
        prompt.type("select 'needle' as found;\r")
        prompt.type("select 2 as two;\r")

        prompt.child.sendcontrol("r")
        prompt.child.send("needl")
        prompt.child.expect_exact("e' as found;")  # the search has found the line (drawn highlighted)
        prompt.child.send("\r")
        found = prompt.type("\r")

        assert re.search(r"found\s*\n─+\nneedle\n\(1 row\)", found)

    def test_results_fit_a_narrow_terminal(self, warehouse: Path) -> None:
        """At 50 columns no line of a wide result is longer than the terminal."""
        narrow = Prompt(warehouse, columns=50)

        shown = narrow.type("select article_id, url, title from articles;\r")
        narrow.close()

        lines = shown.splitlines()
        assert "(1 row)" in lines and max(len(line) for line in lines) <= 50

    def test_ctrl_d_quits_with_success(self, prompt: Prompt) -> None:
        """Ctrl-D on an empty line ends the session with exit status 0."""
        assert prompt.close() == 0


WRITER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # a writer: the hourly publish syncing the snapshot holds it like this
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold_for(path: Path, seconds: float) -> subprocess.Popen[str]:
    """A process holding the file as a writer for `seconds`, once it says it holds it."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "holding"
    return writer


class TestReadsTheSnapshot:
    """Without --db, `presswatch sql` and `presswatch report` read the snapshot: whole runs only, and never in the
    hourly writer's way."""

    def test_a_query_answers_from_the_snapshot_while_the_writer_holds_the_file(self, warehouse: Path) -> None:
        """With the live file held by a writer for longer than any wait, the default query still answers at once."""
        writer = hold_for(warehouse, 20.0)
        try:
            result = presswatch("sql", "--csv", "select count(*) as articles from articles",
                                env={"PRESSWATCH_DB": str(warehouse)})
        finally:
            writer.kill()
            writer.wait(timeout=30)

        assert (result.returncode, result.stdout.splitlines()) == (0, ["articles", "1"]), result.stderr

    def test_the_report_is_written_from_the_snapshot_while_the_writer_holds_the_file(
        self, warehouse: Path, tmp_path: Path
    ) -> None:
        """`presswatch report` reads the snapshot too: a writer holding the live file does not stop it."""
        out = tmp_path / "report.html"
        writer = hold_for(warehouse, 20.0)
        try:
            result = presswatch("report", "--out", str(out), env={"PRESSWATCH_DB": str(warehouse)})
        finally:
            writer.kill()
            writer.wait(timeout=30)

        assert result.returncode == 0, result.stderr
        assert TITLE in out.read_text(encoding="utf-8")

    def test_a_run_not_yet_published_is_not_seen(self, warehouse: Path) -> None:
        """Rows loaded into the live file after the last publish are not in the default answer; --db reads them."""
        with database.opened(warehouse) as con:
            con.execute("insert into articles by name select * replace ('a2' as article_id) from articles")
        env = {"PRESSWATCH_DB": str(warehouse)}

        published = presswatch("sql", "--csv", "select count(*) as n from articles", env=env)
        live = presswatch("sql", "--db", str(warehouse), "--csv", "select count(*) as n from articles", env=env)

        assert (published.stdout.splitlines(), live.stdout.splitlines()) == (["n", "1"], ["n", "2"])

    def test_a_warehouse_without_a_snapshot_is_read_directly(self, warehouse: Path) -> None:
        """Before the first publish (or with the snapshot deleted) the default reads the live file."""
        database.snapshot_path(warehouse).unlink()

        result = presswatch("sql", "--csv", "select count(*) as n from articles", env={"PRESSWATCH_DB": str(warehouse)})

        assert (result.returncode, result.stdout.splitlines()) == (0, ["n", "1"]), result.stderr


class TestBriefWriters:

    def test_a_query_waits_out_a_brief_write(self, warehouse: Path) -> None:
        """A query typed while the hourly sync holds the file for a moment answers once it is released."""
        writer = hold_for(warehouse, 1.0)
        try:
            result = presswatch("sql", "--db", str(warehouse), "select count(*) from articles")
        finally:
            writer.wait(timeout=30)

        assert result.returncode == 0, result.stderr
        assert "in use" not in result.stderr

    def test_a_file_held_for_long_is_reported_in_one_line(self, warehouse: Path) -> None:
        """A file held longer than the short wait gives the one-line 'in use' message, not a traceback."""
        writer = hold_for(warehouse, 20.0)
        try:
            result = presswatch("sql", "--db", str(warehouse), "select 1")
        finally:
            writer.kill()
            writer.wait(timeout=30)

        assert result.returncode == 1
        assert "is in use by another process" in result.stderr and "Traceback" not in result.stderr
