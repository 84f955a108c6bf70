"""Every problem in the seed files at once, found by the seed parsers' own rules.

The parsers stop at the first problem, which is what a run needs. To list them all, the check runs a parser,
records the problem it reports, blanks the row it named and runs it again, until the files parse. Each rule
stays written once, in its parser; this module only locates each problem (file, row, column) and adds, where
the parser's message does not already say it, what would be right.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from transforms.watchlist import SeedError

MAX_PROBLEMS = 200
QUOTED = re.compile(r"'([^']*)'")
UNKNOWN_COLUMN = re.compile(r"unknown column '([^']+)'")
# Messages that already say what would be right need no hint.
SAYS_WHAT_IS_RIGHT = re.compile(r"\bmust\b|\blike\b|\bexpected\b|\bknown:|\bone of\b|\bsave it as\b")
HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^duplicate (\w+)"), "each {0} may appear once: rename or remove one of the rows"),
    (re.compile(r"^(\w+) is empty"), "fill in {0}"),
    (re.compile(r"is not in (\S+\.csv)"), "add it to {0}, or correct the spelling"),
    (re.compile(r"^missing column"), "add it to the header (the first line)"),
    (re.compile(r"cells but the header has"), "put double quotes around a cell that contains a comma"),
    (re.compile(r"\boverlaps\b"), "end the earlier holding (valid_to) on or before the day the next one starts"),
    (re.compile(r"column appears twice"), "keep one of the two columns"),
    (re.compile(r"file is missing"), "create it with its header line, or point the setting at the right folder"),
    (re.compile(r"^no feeds listed"), "add a row, or run presswatch feeds add URL"),
    (re.compile(r"\bempty form\b"), "remove the extra ';'"),
)

Parser = Callable[[Mapping[str, str]], object]


@dataclass(frozen=True)
class Problem:
    """One problem in a seed file, located as precisely as the parser's report allows."""

    file: str
    row: int | None
    column: str | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}" if self.row is not None else f" column {self.column}"
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True)
class SeedFile:
    """A seed file's text as the parser sees it, and how its parser numbers rows.

    `counts_blank_rows`: the watchlist parsers number every record after the header, blank ones included;
    csv.DictReader-based parsers (feeds, alert rules) skip blank records when numbering.
    """

    label: str  # how problems name the file, e.g. seeds/people.csv
    text: str
    counts_blank_rows: bool = True


@dataclass
class _Checking:
    files: dict[str, SeedFile]
    texts: dict[str, str]
    blanked: dict[str, list[list[str]]] = field(default_factory=dict)  # file name -> cells of rows blanked
    given_up: set[str] = field(default_factory=set)


def collect_problems(parse: Parser, files: Mapping[str, SeedFile]) -> list[Problem]:
    """Run `parse` (file name -> text) until it passes, one problem per failure, in the order found.

    A problem in a row blanks that row. A problem with the whole file (header, missing file) removes the file:
    an optional file is then simply absent, and a required one ends the check of this parser, since nothing
    that depends on it can be judged. Problems that only follow from a row or file already reported (a
    role holder naming a person whose row was wrong) are not repeated.
    """
    state = _Checking(files=dict(files), texts={name: item.text for name, item in files.items()})
    problems: list[Problem] = []
    while len(problems) < MAX_PROBLEMS:
        try:
            parse(state.texts)
            return problems
        except SeedError as error:
            name = PurePosixPath(error.file).name
            if name in state.given_up or name not in state.files:
                if name not in state.files:
                    problems.append(Problem(error.file, error.row, None, error.problem, _hint(error.problem)))
                return problems
            problem = _locate(state, name, error)
            if not _follows_from_earlier(state, name, error.problem):
                problems.append(problem)
    problems.append(Problem("seeds", None, None, f"more than {MAX_PROBLEMS} problems; fix these first"))
    return problems


def _locate(state: _Checking, name: str, error: SeedError) -> Problem:
    seed = state.files[name]
    records = _records(state.texts[name])
    header = [cell.strip() for cell in records[0]] if records else []
    if error.row is None:
        state.given_up.add(name)
        state.texts.pop(name, None)
        return Problem(seed.label, None, _column(error.problem, header), error.problem, _hint(error.problem))
    index = _record_index(records, error.row, seed.counts_blank_rows)
    original = _original_row(seed, index)
    if index is not None and index < len(records):
        state.blanked.setdefault(name, []).append(records[index])
        records[index] = []
        state.texts[name] = _serialise(records)
    else:  # the row is past the records (a decoding problem named it): nothing to blank, stop here
        state.given_up.add(name)
    return Problem(seed.label, original, _column(error.problem, header), error.problem, _hint(error.problem))


def _follows_from_earlier(state: _Checking, name: str, message: str) -> bool:
    """Whether the message names a file already given up, or quotes a value of a row already blanked elsewhere."""
    if any(other != name and other in message for other in state.given_up):
        return True
    quoted = set(QUOTED.findall(message))
    for other, rows in state.blanked.items():
        if other == name or not quoted:
            continue
        gone = {cell.strip() for row in rows for cell in row}
        # A value only a blanked row held: the problem is the blanked row's, already reported.
        kept = {cell.strip() for record in _records(state.texts.get(other, "")) for cell in record}
        if quoted & (gone - kept):
            return True
    return False


def _records(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    except csv.Error:
        return [line.split(",") for line in text.splitlines()]


def _serialise(records: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def _record_index(records: list[list[str]], row: int, counts_blank_rows: bool) -> int | None:
    """The index in `records` (0 = header) of the data row the parser numbered `row`."""
    if counts_blank_rows:
        return row
    seen = 0
    for index, record in enumerate(records[1:], start=1):
        if record:
            seen += 1
            if seen == row:
                return index
    return None


def _original_row(seed: SeedFile, index: int | None) -> int | None:
    """The row number the parser gives this record in the file as saved (before any row was blanked)."""
    if index is None:
        return None
    if seed.counts_blank_rows:
        return index
    return sum(1 for record in _records(seed.text)[1 : index + 1] if record)


def _column(message: str, header: list[str]) -> str | None:
    unknown = UNKNOWN_COLUMN.search(message)
    if unknown:
        return unknown.group(1)
    for names in (header, [name.removesuffix("s") for name in header]):
        found = [
            (match.start(), header[position])
            for position, name in enumerate(names)
            if name and (match := re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", message))
        ]
        if found:
            return min(found)[1]
    return None


def _hint(message: str) -> str | None:
    if SAYS_WHAT_IS_RIGHT.search(message):
        return None
    for pattern, hint in HINTS:
        match = pattern.search(message)
        if match:
            return hint.format(*match.groups())
    return None
