"""What a person sees in the terminal: a progress line while a run works, a summary and the digest after."""

from __future__ import annotations

import logging
import shlex
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from flows.config import SqlSettings
from transforms.feed_state import HEALTHY_OUTCOMES, NOT_ATTEMPTED_OUTCOMES

if TYPE_CHECKING:
    from flows.pipeline import RunSummary

# Wide enough that links and evidence sentences stay on one line when output goes to a file or CI log.
CONSOLE = Console(stderr=False, highlight=False, width=None if sys.stdout.isatty() else 160)


class ProgressHandler(logging.Handler):
    """Shows the pipeline's stage messages on a rich status line."""

    def __init__(self, status: object) -> None:
        super().__init__(level=logging.INFO)
        self.status = status

    def emit(self, record: logging.LogRecord) -> None:
        self.status.update(f"[bold]presswatch[/bold] {record.getMessage()}")  # type: ignore[attr-defined]


class Progress:
    """Handle given to the command while the run works."""

    def note(self, message: str) -> None:
        CONSOLE.print(f"[dim]{message}[/dim]")


@contextmanager
def progress_display() -> Iterator[Progress]:
    """A spinner with the current stage; plain lines when output is not a terminal."""
    logger = logging.getLogger("presswatch")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    with CONSOLE.status("[bold]presswatch[/bold] starting ...") as status:
        handler: logging.Handler = ProgressHandler(status)
        if not CONSOLE.is_terminal:
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(logging.Formatter("  %(message)s"))
        logger.addHandler(handler)
        try:
            yield Progress()
        finally:
            logger.removeHandler(handler)


def typed_program() -> str:
    """presswatch as the user can type it here. After `make setup` it sits in .venv/bin, which is not on PATH until
    the venv is activated: the bare name only when the shell finds this very program, else its path."""
    program = Path(sys.executable).parent / "presswatch"
    if not program.exists():
        return "presswatch"
    found = shutil.which("presswatch")
    if found and Path(found).resolve() == program.resolve():
        return "presswatch"
    try:
        return shlex.quote(str(program.absolute().relative_to(Path.cwd())))
    except ValueError:
        return shlex.quote(str(program))


def print_summary(summary: RunSummary, db: Path) -> None:
    """The end-of-run summary: feeds, articles, what was deferred, mentions per person, topics, alerts."""
    from flows.pipeline import deferred_note  # imported already by the run that made the summary

    failed = set(summary.failed_feeds)
    waiting = [source for source, outcome in summary.feeds.items() if outcome in NOT_ATTEMPTED_OUTCOMES]
    damaged = [s for s, outcome in summary.feeds.items() if outcome == "parse-error" and s not in failed]
    healthy = [source for source, outcome in summary.feeds.items() if outcome in HEALTHY_OUTCOMES]
    noted = {source: outcome for source, outcome in summary.feeds.items() if outcome not in HEALTHY_OUTCOMES}
    CONSOLE.print()
    CONSOLE.print(
        f"[bold]Run {summary.run_id}[/bold] ({summary.mode}, alerts as of {summary.as_of:%Y-%m-%d %H:%M} UTC)"
    )
    CONSOLE.print(
        f"Feeds: {len(summary.feeds)} ({len(healthy)} ok, {len(damaged)} damaged but read, "
        f"{len(waiting)} backing off, {len(failed)} failed)   "
        f"Entries: {summary.entries_seen}   Articles: {summary.articles_new} new, "
        f"{summary.articles_revised} revised, {summary.articles_failed} failed extraction"
    )
    if deferred_note(summary):
        CONSOLE.print(deferred_note(summary), style="yellow", markup=False, highlight=False)
    for source, outcome in sorted(noted.items()):
        reason = summary.feed_errors.get(source, "")
        CONSOLE.print(f"  [yellow]! {source}: {outcome}[/yellow] {reason}", markup=True, highlight=False)
    for url, note in sorted(summary.detection_notes.items()):
        CONSOLE.print(f"  ! {url}: {note}", style="yellow", markup=False, highlight=False)
    if summary.mentions_by_person:
        table = Table(title="Mentions this run", title_justify="left")
        table.add_column("person")
        table.add_column("id", style="dim")
        table.add_column("mentions", justify="right")
        for person, count in sorted(summary.mentions_by_person.items(), key=lambda item: -item[1]):
            table.add_row(summary.names.get(person, person), person, str(count))
        CONSOLE.print(table)
    if summary.topics:
        topics = ", ".join(
            f"{summary.names.get(topic, topic)} {count}"
            for topic, count in sorted(summary.topics.items(), key=lambda item: -item[1])
        )
        CONSOLE.print(f"Topics: {topics}")
    if summary.digest_text:
        CONSOLE.print()
        CONSOLE.print(summary.digest_text, markup=False, highlight=False)
    elif not summary.alerts:
        CONSOLE.print("No new alerts: nothing moved beyond its usual level (or it was already reported).")
    for channel, status, detail in summary.deliveries:
        if status != "printed":
            CONSOLE.print(f"Alert delivery to {channel}: {status} {detail}", markup=False)
    for note in summary.clock_notes:
        CONSOLE.print("Clock: " + note, style="yellow", markup=False, highlight=False)
    if summary.load_method and summary.load_method != "direct":
        CONSOLE.print(f"[yellow]Load: {summary.load_method}[/yellow] {summary.load_message}")
    if summary.watchlist_notice:
        CONSOLE.print("Watchlist: " + summary.watchlist_notice, markup=False, highlight=False)
    if summary.publish_notice:
        CONSOLE.print("Snapshot: " + summary.publish_notice, style="yellow", markup=False, highlight=False)
    CONSOLE.print()
    suggestion = f'{typed_program()} sql "select person_id, count(*) from mentions group by 1"'
    CONSOLE.print(f"Warehouse: {db}   Try: {suggestion}", markup=False, highlight=False)
    if summary.report_path:
        CONSOLE.print(f"Report: {summary.report_path} (open it in a browser; it works offline)")
    elif summary.report_error:
        CONSOLE.print(f"[yellow]Report not written:[/yellow] {summary.report_error}")


def run_sql(db: Path, query: str | None, *, as_csv: bool = False, sql: SqlSettings | None = None) -> int:
    """One query read-only, shown as a table or CSV, or the interactive prompt: see flows.interface.sql_query."""
    from flows.interface.sql_query import run_sql as run
    from flows.interface.sql_query import session_limits

    return run(db, query, limits=session_limits(sql or SqlSettings()), as_csv=as_csv)


def interactive_sql(db: Path, sql: SqlSettings | None = None) -> int:
    """The interactive prompt (flows.interface.sql_prompt); each statement opens and releases the file."""
    from flows.interface.sql_prompt import interactive_sql as prompt
    from flows.interface.sql_query import history_file, session_limits

    return prompt(db, history=history_file(db), limits=session_limits(sql or SqlSettings()))
