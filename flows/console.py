"""What a person sees in the terminal: a progress line while a run works, a summary and the digest after."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table

from flows import stages
from flows.pipeline import RunSummary
from transforms.digest import Evidence, format_digest

CONSOLE = Console(stderr=False, highlight=False)


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


def print_summary(summary: RunSummary, db: Path) -> None:
    """The end-of-run summary: feeds, articles, mentions per person, topics, alerts."""
    failed = {
        source: outcome
        for source, outcome in summary.feeds.items()
        if outcome not in {"ok", "not-modified", "unchanged"}
    }
    CONSOLE.print()
    CONSOLE.print(
        f"[bold]Run {summary.run_id}[/bold] ({summary.mode}, alerts as of {summary.as_of:%Y-%m-%d %H:%M} UTC)"
    )
    CONSOLE.print(
        f"Feeds: {len(summary.feeds)} fetched, {len(failed)} with problems   "
        f"Entries: {summary.entries_seen}   Articles: {summary.articles_new} new, "
        f"{summary.articles_revised} revised, {summary.articles_failed} failed extraction"
    )
    for source, outcome in sorted(failed.items()):
        reason = summary.feed_errors.get(source, "")
        CONSOLE.print(f"  [yellow]! {source}: {outcome}[/yellow] {reason}")
    if summary.mentions_by_person:
        table = Table(title="Mentions this run", title_justify="left")
        table.add_column("person")
        table.add_column("mentions", justify="right")
        for person, count in sorted(summary.mentions_by_person.items(), key=lambda item: -item[1]):
            table.add_row(person, str(count))
        CONSOLE.print(table)
    if summary.topics:
        topics = ", ".join(f"{topic} {count}" for topic, count in sorted(summary.topics.items(), key=lambda i: -i[1]))
        CONSOLE.print(f"Topics: {topics}")
    digest = build_digest(summary, db)
    if digest:
        CONSOLE.print()
        CONSOLE.print(digest, markup=False)
    else:
        CONSOLE.print("No alerts: nothing moved beyond its usual level.")
    CONSOLE.print()
    CONSOLE.print(f'Warehouse: {db}   Try: presswatch sql "select person_id, count(*) from mentions group by 1"')


def build_digest(summary: RunSummary, db: Path) -> str:
    """The digest text of the alerts this run fired, with evidence from the warehouse."""
    evidence = {}
    for alert in summary.alerts:
        rows = stages.read_alert_evidence(db, alert)
        evidence[alert.alert_id] = [
            Evidence(title=row["title"], url=row["url"], outlet=row["outlet"] or "", snippet=row["snippet"])
            for row in rows.iter_rows(named=True)
        ]
    return format_digest(summary.alerts, evidence, {})


def run_sql(db: Path, query: str | None) -> int:
    """Run one query read-only and print it, or an interactive prompt; the file is released when done."""
    import duckdb

    from warehouse.database import opened

    if query is None:
        return interactive_sql(db)
    with opened(db, read_only=True) as con:
        try:
            relation = con.sql(query)
        except duckdb.Error as error:
            print(f"presswatch sql: {str(error).splitlines()[0]}", file=sys.stderr)
            return 1
        if relation is None:
            return 0
        relation.show(max_width=200, max_rows=200)
    return 0


def interactive_sql(db: Path) -> int:
    """A small read-only prompt; each statement opens and releases the file so runs are never blocked."""
    print(f"presswatch sql on {db} (read-only). End statements with ';'. Ctrl-D to quit.")
    buffer = ""
    while True:
        try:
            line = input("sql> " if not buffer else "...> ")
        except EOFError:
            print()
            return 0
        buffer += line + "\n"
        if buffer.strip().endswith(";"):
            run_sql(db, buffer)
            buffer = ""
