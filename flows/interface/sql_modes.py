"""`.mode` and `.timer` at the `presswatch sql` prompt: how answers are shown, named as the DuckDB CLI names them.

The settings last for the prompt's session. `duckbox` (the default) is the table that fits the terminal
(sql_output.show); `box` and `table` draw the same table with box or ASCII lines; the other modes print every
fetched row as text the way the DuckDB CLI does, so a result can be pasted into a document or a script.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich import box
from rich.console import Console
from rich.text import Text

from flows.interface import sql_output

TABLE_BOXES = {"duckbox": box.SIMPLE_HEAD, "box": box.SQUARE, "table": box.ASCII}
TEXT_MODES = ("csv", "line", "markdown", "json", "jsonlines")
MODES = (*TABLE_BOXES, *TEXT_MODES)
DEFAULT_MODE = "duckbox"


@dataclass
class Options:
    """The prompt session's output mode and whether each statement's time is shown."""

    mode: str = DEFAULT_MODE
    timer: bool = False


def setting(text: str, options: Options) -> tuple[str, bool] | None:
    """Apply `.mode NAME` or `.timer on|off` to `options`: (what to say, whether it was understood), or None when
    `text` is neither."""
    words = text.strip().rstrip(";").split()
    if not words or words[0].lower() not in {".mode", ".timer"}:
        return None
    name, arguments = words[0].lower(), [word.lower() for word in words[1:]]
    if name == ".timer":
        if arguments not in (["on"], ["off"]):
            return f".timer on|off (it is {'on' if options.timer else 'off'})", False
        options.timer = arguments == ["on"]
        return f"timer {arguments[0]}", True
    if not arguments:
        return f"current output mode: {options.mode}", True
    if len(arguments) != 1 or arguments[0] not in MODES:
        return f"unknown mode {' '.join(arguments)}: choose one of {', '.join(MODES)}", False
    options.mode = arguments[0]
    return f"output mode: {options.mode}", True


def say_time(options: Options, console: Console, started: float) -> None:
    """With the timer on, how long the statement took since `started` (perf_counter), in the DuckDB CLI's words."""
    if options.timer:
        console.print(Text(f"Run Time (s): real {time.perf_counter() - started:.3f}"))


def show(
    console: Console,
    options: Options,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    more: bool,
    limit: int,
) -> None:
    """The answer in the session's mode; the row-count footer only under a table (text modes are for pasting)."""
    if options.mode in TABLE_BOXES:
        sql_output.show(console, columns, rows, more=more, limit=limit, frame=TABLE_BOXES[options.mode])
        return
    if not columns:
        return
    console.print(Text(render(options.mode, columns, rows)), end="", soft_wrap=True)
    if more:
        console.print(Text(sql_output.footer(len(rows), more=more, limit=limit), style="dim"))


def render(mode: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    if mode == "csv":
        out = io.StringIO()
        sql_output.write_csv(out, columns, [rows])
        return out.getvalue()
    if mode == "line":
        width = max(len(name) for name in columns)
        blocks = ["\n".join(f"{name.rjust(width)} = {shown(value)}" for name, value in zip(columns, row, strict=True))
                  for row in rows]
        return "".join(f"{block}\n\n" for block in blocks)
    if mode == "markdown":
        lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
        lines += ["| " + " | ".join(shown(value).replace("|", "\\|") for value in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    records = [dict(zip(columns, (as_json(value) for value in row), strict=True)) for row in rows]
    if mode == "jsonlines":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def shown(value: object) -> str:
    return sql_output.NULL if value is None else sql_output.one_line(sql_output.cell_text(value))


def as_json(value: object) -> object:
    """Numbers and booleans stay JSON's own; everything else is its text (times in ISO form)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return sql_output.cell_text(value)

