"""`presswatch sql`: statements on a locked-down, read-only session, opened per request and released at once.

This module and the prompt import only duckdb, rich and prompt_toolkit (never Prefect or polars), so a query is
answered in a fraction of a second.
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
from rich.console import Console

from flows.config import SqlSettings
from flows.interface import sql_modes, sql_output
from warehouse.database import SessionLimits, open_read_only, read_sql

SHOWN_ROWS = 200
LOOKUP_ROWS = 10_000  # .tables and .describe answers are small; never cut them
CSV_BATCH_ROWS = 10_000
WIDTH_WITHOUT_TERMINAL = 160
EXIT_OK, EXIT_FAILED, EXIT_CANCELLED = 0, 1, 130
HISTORY_NAME = "sql-history"
HELP = """\
.tables              list the tables and views to query (also \\dt, \\d); .tables all adds presswatch's own
.describe NAME       columns, types and meanings of a table or view (also \\d NAME)
.mode [NAME]         how answers are shown: duckbox (default), box, table, csv, line, markdown, json, jsonlines
.timer on|off        say how long each statement took
.help                this list (also \\?)
.quit                leave (also \\q, Ctrl-D)
End SQL with ';' (Enter inside a statement starts a new line). Tab completes table, view and column names.
Ctrl-C cancels a running query; the session is read-only and cannot read or write other files."""
Value = TypeVar("Value")


class QueryCancelled(Exception):
    """The person pressed Ctrl-C while the statement ran."""


@dataclass(frozen=True)
class Answer:
    """What one statement returned: its columns and up to `limit` rows (`more` when rows were left unread)."""

    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]
    more: bool


def history_file(db: Path) -> Path:
    """The prompt's history, kept beside the warehouse (data/ by default)."""
    return db.parent / HISTORY_NAME


def console_for() -> Console:
    """A console as wide as the terminal, or 160 columns when output goes to a file or pipe."""
    width = shutil.get_terminal_size((WIDTH_WITHOUT_TERMINAL, 24)).columns
    return Console(width=width, highlight=False, emoji=False, markup=False)


def session_limits(settings: SqlSettings) -> SessionLimits:
    """The memory and spill caps of every session this command opens; a cap below 1 MB is a mistake, said so."""
    if settings.memory_mb < 1 or settings.spill_mb < 0:
        raise ValueError("PRESSWATCH_SQL_MEMORY_MB must be at least 1 and PRESSWATCH_SQL_SPILL_MB at least 0")
    return SessionLimits(memory_mb=settings.memory_mb, spill_mb=settings.spill_mb)


def run_sql(db: Path, query: str | None, *, limits: SessionLimits, as_csv: bool = False) -> int:
    """One query (or dot command) printed as a table, or as CSV; without one, the prompt (or the piped script)."""
    if query is None and sys.stdin.isatty():
        from flows.interface.sql_prompt import interactive_sql

        return interactive_sql(db, history=history_file(db), limits=limits)
    if query is None:  # a script piped in: `presswatch sql < queries.sql`
        query = sys.stdin.read()
    try:
        found = answer(db, query, console_for(), limits=limits, as_csv=as_csv)
    except QueryCancelled:
        print("presswatch sql: query cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except duckdb.Error as error:
        print(f"presswatch sql: {describe_error(error, limits)}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK if found else EXIT_FAILED


def answer(
    db: Path,
    text: str,
    console: Console,
    *,
    limits: SessionLimits,
    as_csv: bool = False,
    options: sql_modes.Options | None = None,
) -> bool:
    """Run a dot command, or each statement of `text` in one session, showing each answer as it comes in the
    session's `.mode` (and time, with `.timer on`).

    Returns False when a dot command found nothing to show (an unknown command or table name).
    """
    options = options or sql_modes.Options()
    said = sql_modes.setting(text, options)
    if said is not None:
        print(said[0], file=sys.stdout if said[1] else sys.stderr)
        return said[1]
    command = meta_command(text)
    if isinstance(command, Message):
        print(command.text, file=sys.stdout if command.found else sys.stderr)
        return command.found
    with open_read_only(db, limits) as con:
        if command is not None:
            return look_up(con, command, console, as_csv=as_csv)
        found = interruptible(con, lambda: statements(con, text))
        for position, statement in enumerate(found):
            if as_csv and position == len(found) - 1:
                interruptible(con, lambda: write_csv(con, statement.query))  # noqa: B023 (runs before the loop moves on)
            elif as_csv:
                interruptible(con, lambda: con.execute(statement.query))  # noqa: B023
            else:
                started = time.perf_counter()
                result = interruptible(con, lambda: fetch(con, statement.query, SHOWN_ROWS))  # noqa: B023
                sql_modes.show(console, options, result.columns, result.rows, more=result.more, limit=SHOWN_ROWS)
                sql_modes.say_time(options, console, started)
            limits.hold(con)  # a SET or RESET that raised memory_limit stops here, before the next statement
    return True


def look_up(con: duckdb.DuckDBPyConnection, command: Lookup, console: Console, *, as_csv: bool) -> bool:
    """A dot command's named query, shown or written as CSV; False (and a hint) when it finds nothing."""
    result = fetch(con, read_sql(command.query), LOOKUP_ROWS, command.parameters)
    if not result.rows:
        print(command.empty, file=sys.stderr)
        return False
    if as_csv:
        sql_output.write_csv(sys.stdout, result.columns, [result.rows])
    else:
        sql_output.show(console, result.columns, result.rows, more=result.more, limit=LOOKUP_ROWS)
    return True


def statements(con: duckdb.DuckDBPyConnection, text: str) -> list[duckdb.Statement]:
    return list(con.extract_statements(text))


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, limit: int, parameters: dict[str, object] | None = None
) -> Answer:
    """The statement's first `limit` rows (and whether more were left)."""
    cursor = con.execute(sql, parameters) if parameters else con.execute(sql)
    columns = tuple(column[0] for column in con.description or ())
    if not columns:
        return Answer((), [], more=False)
    rows = cursor.fetchmany(limit + 1)
    return Answer(columns, rows[:limit], more=len(rows) > limit)


def write_csv(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Every row as CSV, written while it is fetched so a large result never piles up in memory."""
    cursor = con.execute(sql)
    columns = [column[0] for column in con.description or ()]
    if columns:
        sql_output.write_csv(sys.stdout, columns, batches(cursor))
    sys.stdout.flush()


def batches(cursor: duckdb.DuckDBPyConnection) -> Iterator[list[tuple[object, ...]]]:
    while batch := cursor.fetchmany(CSV_BATCH_ROWS):
        yield batch


def interruptible(con: duckdb.DuckDBPyConnection, work: Callable[[], Value]) -> Value:
    """Run `work` on a thread while this one waits, so Ctrl-C can interrupt DuckDB instead of waiting for it.

    DuckDB only notices an interrupt asked for from another thread; a query run on the main thread keeps going.
    """
    done = threading.Event()
    cancelled = threading.Event()
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:
            outcome["error"] = error
        finally:
            done.set()

    def cancel(signum: int, frame: object) -> None:
        cancelled.set()
        con.interrupt()

    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, cancel) if on_main_thread else None
    try:
        threading.Thread(target=target, name="presswatch-sql", daemon=True).start()
        while not done.wait(0.05):
            pass
    finally:
        if on_main_thread:
            signal.signal(signal.SIGINT, previous)
    if cancelled.is_set():
        raise QueryCancelled
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def describe_error(error: BaseException, limits: SessionLimits) -> str:
    """DuckDB's whole message (the position marker and hints included), without trailing blank lines; for a query
    that ran out of memory, its first line and the session's caps instead of hints naming settings that are locked."""
    if isinstance(error, duckdb.OutOfMemoryException):
        first = str(error).strip().splitlines()[0].rstrip(".")
        return (
            f"{first}. This session may use {limits.memory_mb} MB of memory (PRESSWATCH_SQL_MEMORY_MB) and spill "
            f"{limits.spill_mb} MB to disk (PRESSWATCH_SQL_SPILL_MB); narrow the query, or raise them if the "
            "machine can spare it beside the hourly run."
        )
    return str(error).strip() or type(error).__name__


@dataclass(frozen=True)
class Lookup:
    """A dot command answered by a named query; `empty` is said when it finds nothing."""

    query: str
    parameters: dict[str, object]
    empty: str


@dataclass(frozen=True)
class Message:
    """A dot command answered with text (help, a usage hint); `found` is False for a mistake."""

    text: str
    found: bool = True


def meta_command(text: str) -> Lookup | Message | None:
    """The dot (or psql-style backslash) command `text` names, or None when it is SQL."""
    words = text.strip().rstrip(";").split()
    if not words or not words[0].startswith((".", "\\")):
        return None
    name, argument = words[0].lower(), " ".join(words[1:]).strip('"')
    if name in {".tables", "\\dt"} or (name == "\\d" and not argument):
        # presswatch's own bookkeeping tables are listed only when asked for: `.tables all`
        return Lookup("sql_relations", {"all": argument.lower() == "all"}, "the warehouse has no tables yet")
    if name in {".describe", "\\d", ".schema"}:
        if not argument:
            return Message(".describe needs a table or view name: .tables lists them", found=False)
        return Lookup("sql_describe", {"relation": argument}, f"no table or view named {argument}: .tables lists them")
    if name in {".help", "\\?", ".h"}:
        return Message(HELP)
    return Message(f"unknown command {words[0]}: .help lists the commands", found=False)


def catalogue(db: Path, limits: SessionLimits) -> dict[str, list[str]]:
    """Every table and view with its columns, for completion at the prompt."""
    with open_read_only(db, limits) as con:
        rows = con.execute(read_sql("sql_columns")).fetchall()
    names: dict[str, list[str]] = {}
    for relation, column in rows:
        names.setdefault(relation, []).append(column)
    return names
