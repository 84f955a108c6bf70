"""The interactive `presswatch sql` prompt: line editing, history in a file, completion of names, Ctrl-C to cancel.

Built on prompt_toolkit (BSD-3-Clause); the DuckDB CLI was not an option because a CLI older than 2.0 cannot open
this DuckDB's files, and we need our own locked-down session (see warehouse.database.LOCKED_DOWN) anyway.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb
from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.filters import completion_is_selected, is_searching
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from rich.console import Console

from flows.interface import sql_modes, sql_query
from warehouse.database import SessionLimits

QUIT = frozenset({".quit", ".exit", "\\q", "quit", "exit"})
META_COMMANDS = (".tables", ".describe", ".mode", ".timer", ".help", ".quit", "\\d", "\\dt", "\\q", "\\?")
# Words after which only a table or view name makes sense.
RELATION_CONTEXT = frozenset({"from", "join", "table", "describe", "summarize", ".describe", "\\d"})
KEYWORDS = (
    "select", "from", "where", "group by", "order by", "having", "limit", "offset", "join", "left join",
    "inner join", "on", "using", "as", "and", "or", "not", "in", "is null", "is not null", "between", "like", "ilike",
    "distinct", "count", "sum", "avg", "min", "max", "round", "coalesce", "case", "when", "then", "else", "end",
    "with", "union all", "desc", "asc", "interval", "date_trunc", "now()", "describe", "summarize", "qualify",
    "row_number() over", "partition by", "filter", "string_agg", "list", "any_value", "arg_max", "strftime",
)  # fmt: skip
WORD = re.compile(r"[\w$]+$")


def interactive_sql(db: Path, *, history: Path, limits: SessionLimits) -> int:
    """Read statements until Ctrl-D; each runs on its own locked-down session, so runs are never held up."""
    names = sql_query.catalogue(db, limits)  # also fails with one line when there is no warehouse yet
    console = sql_query.console_for()
    options = sql_modes.Options()  # .mode and .timer, for this session
    session: PromptSession[str] = PromptSession(
        history=history_store(history),
        completer=SqlCompleter(names),
        complete_while_typing=False,
        multiline=True,
        key_bindings=submit_on_complete_statement(),
        prompt_continuation="...> ",
    )
    console.print(
        f"presswatch sql on {db} (read-only). End statements with ';'. "
        ".tables, .describe NAME, .mode, .timer, .help; Tab completes; Ctrl-C cancels; Ctrl-D quits."
    )
    while True:
        try:
            text = session.prompt("sql> ").strip()
        except KeyboardInterrupt:  # Ctrl-C at the prompt clears the line, as in a shell
            continue
        except EOFError:
            return sql_query.EXIT_OK
        if text.rstrip(";").strip().lower() in QUIT:
            return sql_query.EXIT_OK
        if text:
            answer(db, text, console, limits, options)


def answer(
    db: Path, text: str, console: Console, limits: SessionLimits, options: sql_modes.Options | None = None
) -> None:
    """Show the answer, or the whole error, and come back to the prompt whatever happened."""
    try:
        sql_query.answer(db, text, console, limits=limits, options=options)
    except (sql_query.QueryCancelled, KeyboardInterrupt):  # KeyboardInterrupt: a Ctrl-C between two steps
        print("query cancelled", file=sys.stderr)
    except duckdb.Error as error:
        print(sql_query.describe_error(error, limits), file=sys.stderr)


def history_store(path: Path) -> History:
    """History kept in `path`; when that file cannot be written (another account's data/) or is not a plain file
    of its own (a planted symbolic link), this session only, and the analyst is told why."""
    problem = open_history(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, chmod=True)
    if isinstance(problem, str):
        print(f"history not saved: {problem} ({path})", file=sys.stderr)
        return InMemoryHistory()
    os.close(problem)
    return PrivateFileHistory(path)


def open_history(path: Path, flags: int, *, chmod: bool = False) -> int | str:
    """A descriptor of the history file opened without following a link at its name (and without waiting on a
    planted FIFO), or why it cannot be: one line for the analyst."""
    try:
        descriptor = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError as error:
        is_link = error.errno == errno.ELOOP or (error.errno == errno.ENXIO and path.is_symlink())
        return "it is a symbolic link, which presswatch does not follow" if is_link else str(error.strerror)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            return "it is not a regular file"
        if chmod:
            os.fchmod(descriptor, 0o600)  # queries can name people and stories; the history is the analyst's own
    except OSError as error:
        os.close(descriptor)
        return str(error.strerror)
    return descriptor


class PrivateFileHistory(FileHistory):
    """prompt_toolkit's file history, its file opened through `open_history` each time it is read or appended to,
    so a link swapped in while the session runs is not followed either (that entry stays in memory)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path

    def load_history_strings(self) -> Iterable[str]:
        descriptor = open_history(self.path, os.O_RDONLY)
        if isinstance(descriptor, str):
            return []
        with os.fdopen(descriptor, "rb") as handle:
            lines = handle.read().decode("utf-8", errors="replace").split("\n")
        entries: list[list[str]] = [[]]
        for line in lines:  # an entry is its lines prefixed with "+", after a "# time" line
            if line.startswith("+"):
                entries[-1].append(line[1:])
            elif entries[-1]:
                entries.append([])
        return reversed(["\n".join(entry) for entry in entries if entry])

    def store_string(self, string: str) -> None:
        descriptor = open_history(self.path, os.O_WRONLY | os.O_APPEND)
        if isinstance(descriptor, str):
            print(f"history not saved: {descriptor} ({self.path})", file=sys.stderr)
            return
        entry = f"\n# {datetime.now()}\n" + "".join(f"+{line}\n" for line in string.split("\n"))
        with os.fdopen(descriptor, "ab") as handle:
            handle.write(entry.encode("utf-8", errors="replace"))


def statement_is_complete(text: str) -> bool:
    """Enter runs the input once it is a dot command, a quit word, or SQL ending with ';' (comments aside)."""
    stripped = text.strip()
    if not stripped or stripped.startswith((".", "\\")) or stripped.lower() in QUIT:
        return True
    code = "\n".join(line.split("--", 1)[0] for line in stripped.splitlines()).rstrip()
    return code.endswith(";")


def submit_on_complete_statement() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter", filter=completion_is_selected)
    def _take_completion(event: KeyPressEvent) -> None:
        event.current_buffer.complete_state = None

    @bindings.add("enter", filter=~completion_is_selected & ~is_searching)  # Enter in Ctrl-R search picks the line
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if statement_is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return bindings


class SqlCompleter(Completer):
    """Table and view names after FROM/JOIN, a table's columns after `table.`, else columns, names and keywords."""

    def __init__(self, relations: dict[str, list[str]]) -> None:
        self.relations = relations
        self.columns = sorted({column for columns in relations.values() for column in columns})

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        before = document.text_before_cursor
        match = WORD.search(before)
        word = match.group(0) if match else ""
        head = before[: len(before) - len(word)]
        typed = before.lstrip()
        if typed.startswith((".", "\\")) and not any(space in typed for space in " \t\n"):
            yield from (
                Completion(command, start_position=-len(typed), display_meta="command")
                for command in META_COMMANDS
                if command.startswith(typed) and command != typed
            )
            return
        previous = head.split()[-1].lower() if head.split() else ""
        if head.endswith("."):
            owner = WORD.search(head[:-1])
            columns = self.relations.get(owner.group(0), self.columns) if owner else self.columns
            yield from self.matching(word, columns, "column")
            return
        if previous in RELATION_CONTEXT:
            yield from self.matching(word, self.relations, "table or view")
            return
        yield from self.matching(word, self.columns, "column")
        yield from self.matching(word, self.relations, "table or view")
        yield from self.matching(word, KEYWORDS, "")

    @staticmethod
    def matching(word: str, candidates: Iterable[str], meta: str) -> Iterator[Completion]:
        lowered = word.lower()
        for candidate in candidates:
            if candidate.lower().startswith(lowered) and candidate != word:
                yield Completion(candidate, start_position=-len(word), display_meta=meta)
