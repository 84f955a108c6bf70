"""How `presswatch sql` shows a result: a table that fits the terminal, one block per row when it cannot, or CSV."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TextIO

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

# A column keeps at least this many characters (or all it has) before the rows are shown one block each.
NARROWEST_COLUMN = 12
COLUMN_GAP = 3  # padding and the separator rich draws between two columns
NULL = "NULL"
EXPLAIN_COLUMNS = ("explain_key", "explain_value")


def cell_text(value: object) -> str:
    """A value as one piece of text: ISO times, plain numbers; a CSV cell and a table cell read the same."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def one_line(text: str) -> str:
    """Article text keeps its paragraphs in the warehouse; a table row shows them on one line."""
    return text.replace("\r\n", " ↵ ").replace("\n", " ↵ ")


def is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def natural_widths(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> list[int]:
    """Each column's width when nothing is cut: its longest value or its name."""
    return [
        max([cell_len(name), *(cell_len(one_line(cell_text(row[index]))) for row in rows)])
        for index, name in enumerate(columns)
    ]


def column_widths(naturals: Sequence[int], width: int) -> list[int] | None:
    """Widths that fit `width`: the widest columns give way first, down to a common cap; None when even the
    narrowest readable widths do not fit (the rows are then shown one block each)."""
    available = width - COLUMN_GAP * (len(naturals) - 1)
    if sum(naturals) <= available:
        return list(naturals)
    if sum(min(natural, NARROWEST_COLUMN) for natural in naturals) > available:
        return None
    low, high, cap = NARROWEST_COLUMN, max(naturals), NARROWEST_COLUMN
    while low <= high:  # the largest cap whose capped widths still fit
        middle = (low + high) // 2
        if sum(min(natural, middle) for natural in naturals) <= available:
            cap, low = middle, middle + 1
        else:
            high = middle - 1
    return [min(natural, cap) for natural in naturals]


def show(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    more: bool,
    limit: int,
    frame: box.Box = box.SIMPLE_HEAD,
) -> None:
    """Print rows under their column names, cutting long values with an ellipsis so each row stays one line;
    `frame` is the lines drawn (`.mode box` and `.mode table` add an outer edge, which takes 4 columns)."""
    if tuple(columns) == EXPLAIN_COLUMNS:
        for row in rows:
            console.print(Text(cell_text(row[1])))
        return
    if not columns:
        return
    edge = frame is not box.SIMPLE_HEAD
    widths = column_widths(natural_widths(columns, rows), console.width - (4 if edge else 0))
    if widths is None:
        show_vertical(console, columns, rows)
    else:
        console.print(as_table(columns, rows, widths, frame))
    console.print(Text(footer(len(rows), more=more, limit=limit), style="dim"))


def as_table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int], frame: box.Box = box.SIMPLE_HEAD
) -> Table:
    edge = frame is not box.SIMPLE_HEAD
    table = Table(box=frame, show_edge=edge, pad_edge=edge, header_style="bold")
    for index, (name, width) in enumerate(zip(columns, widths, strict=True)):
        numeric = any(is_number(row[index]) for row in rows)
        table.add_column(
            Text(name), justify="right" if numeric else "left", overflow="ellipsis", no_wrap=True, width=width
        )
    for row in rows:
        table.add_row(*(display_cell(value) for value in row))
    return table


def display_cell(value: object) -> Text:
    if value is None:
        return Text(NULL, style="dim")
    return Text(one_line(cell_text(value)))


def show_vertical(console: Console, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """One block per row, `column | value`, like psql's expanded display: for results wider than the screen."""
    label_width = max(len(name) for name in columns)
    value_width = max(console.width - label_width - 3, 10)
    for number, row in enumerate(rows, start=1):
        console.print(Text(f"-[ row {number} ]".ljust(console.width, "-")[: console.width], style="dim"))
        for name, value in zip(columns, row, strict=True):
            text = display_cell(value)
            text.truncate(value_width, overflow="ellipsis")
            console.print(Text.assemble(Text(name.ljust(label_width), style="bold"), " | ", text), no_wrap=True)


def footer(shown: int, *, more: bool, limit: int) -> str:
    if more:
        return f"(first {limit} rows shown: add a limit, or use --csv for every row)"
    return f"({shown} row{'' if shown == 1 else 's'})"


def write_csv(out: TextIO, columns: Sequence[str], batches: Iterable[Sequence[Sequence[object]]]) -> None:
    """A header, then every row; NULL is an empty cell, as spreadsheets expect."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for batch in batches:
        writer.writerows([cell_text(value) for value in row] for row in batch)
