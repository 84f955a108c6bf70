"""`presswatch sql`: statements on a locked-down, read-only session, opened per request and released at once.

This module and the prompt import only duckdb, rich and prompt_toolkit (never Prefect or polars), so a query is
answered in a fraction of a second.
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
from rich.console import Console

from flows import sql_output
from warehouse.database import open_read_only, read_sql

SHOWN_ROWS = 200
CSV_BATCH_ROWS = 10_000
WIDTH_WITHOUT_TERMINAL = 160
EXIT_OK, EXIT_FAILED, EXIT_CANCELLED = 0, 1, 130
HISTORY_NAME = "sql-history"
HELP = """\
.tables              list tables and views (also \\dt, \\d)
.describe NAME       columns and types of a table or view (also \\d NAME)
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


def console_for(out: object = None) -> Console:
    """A console as wide as the terminal, or 160 columns when output goes to a file or pipe."""
    width = shutil.get_terminal_size((WIDTH_WITHOUT_TERMINAL, 24)).columns
    return Console(file=out or sys.stdout, width=width, highlight=False, emoji=False, markup=False)  # type: ignore[arg-type]


def run_sql(db: Path, query: str | None, *, as_csv: bool = False) -> int:
    """One query (or dot command) printed as a table, or as CSV; without a query, the interactive prompt."""
    if query is None:
        from flows.sql_prompt import interactive_sql

        return interactive_sql(db, history=history_file(db))
    console = console_for()
    try:
        if as_csv:
            stream_csv(db, query)
        else:
            answer_and_show(db, query, console)
    except QueryCancelled:
        print("presswatch sql: query cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except duckdb.Error as error:
        print(f"presswatch sql: {describe_error(error)}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def answer_and_show(db: Path, text: str, console: Console) -> None:
    """Run a dot command or every statement in `text`, showing each statement's rows in turn."""
    meta = meta_command(text)
    if meta is not None:
        meta(db, console)
        return
    for answer in answers(db, text, limit=SHOWN_ROWS):
        sql_output.show(console, answer.columns, answer.rows, more=answer.more, limit=SHOWN_ROWS)


def answers(db: Path, text: str, *, limit: int) -> list[Answer]:
    """Each statement's first `limit` rows, all in one session (temporary tables live until the text is done)."""
    with open_read_only(db) as con:
        return interruptible(con, lambda: [fetch(con, statement.query, limit) for statement in statements(con, text)])


def statements(con: duckdb.DuckDBPyConnection, text: str) -> list[duckdb.Statement]:
    return list(con.extract_statements(text))


def fetch(con: duckdb.DuckDBPyConnection, statement: str, limit: int) -> Answer:
    cursor = con.execute(statement)
    columns = tuple(column[0] for column in con.description or ())
    if not columns:
        return Answer((), [], more=False)
    rows = cursor.fetchmany(limit + 1)
    return Answer(columns, rows[:limit], more=len(rows) > limit)


def stream_csv(db: Path, text: str) -> None:
    """Every row of the last statement as CSV, written while it is fetched so large results never pile up."""

    def write() -> None:
        found = statements(con, text)
        for statement in found[:-1]:
            con.execute(statement.query)
        if not found:
            return
        cursor = con.execute(found[-1].query)
        columns = [column[0] for column in con.description or ()]
        if columns:
            sql_output.write_csv(sys.stdout, columns, batches(cursor))

    with open_read_only(db) as con:
        interruptible(con, write)
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


def describe_error(error: BaseException) -> str:
    """DuckDB's whole message (the position marker and hints included), without trailing blank lines."""
    return str(error).strip() or type(error).__name__


MetaCommand = Callable[[Path, Console], None]


def meta_command(text: str) -> MetaCommand | None:
    """The dot (or psql-style backslash) command `text` names, or None when it is SQL."""
    words = text.strip().rstrip(";").split()
    if not words or not words[0].startswith((".", "\\")):
        return None
    name, arguments = words[0].lower(), words[1:]
    if name in {".tables", "\\dt"} or (name == "\\d" and not arguments):
        return show_relations
    if name in {".describe", "\\d", ".schema"}:
        return lambda db, console: describe(db, console, " ".join(arguments))
    if name in {".help", "\\?", ".h"}:
        return lambda db, console: console.print(HELP)
    return lambda db, console: console.print(f"unknown command {words[0]}: .help lists the commands")


def show_relations(db: Path, console: Console) -> None:
    with open_read_only(db) as con:
        answer = fetch(con, read_sql("sql_relations"), limit=10_000)
    sql_output.show(console, answer.columns, answer.rows, more=False, limit=10_000)


def describe(db: Path, console: Console, name: str) -> None:
    """Columns and types of one table or view; an unknown name says how to list them."""
    if not name:
        console.print(".describe needs a table or view name: .tables lists them")
        return
    with open_read_only(db) as con:
        rows = con.execute(read_sql("sql_columns"), {"relation": name.strip('"')}).fetchall()
    if not rows:
        console.print(f"no table or view named {name}: .tables lists them")
        return
    sql_output.show(console, ("column", "type", "nullable"), [row[1:] for row in rows], more=False, limit=len(rows))


def catalogue(db: Path) -> dict[str, list[str]]:
    """Every table and view with its columns, for completion at the prompt."""
    with open_read_only(db) as con:
        rows = con.execute(read_sql("sql_columns"), {"relation": None}).fetchall()
    names: dict[str, list[str]] = {}
    for relation, column, _type, _nullable in rows:
        names.setdefault(relation, []).append(column)
    return names
