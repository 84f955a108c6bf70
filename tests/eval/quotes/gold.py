"""Read the annotated quote passages: marked-up text in, plain text plus gold quotes out.

Each quote is marked inside its quotation marks as <<speaker|quoted words>>, speaker being a person_id of the
fictional watchlist in seeds/ or "?" when the speaker is not a tracked person. Offsets are computed here from the
markup, never typed, so they cannot drift when a passage is edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PASSAGES = Path(__file__).with_name("passages.txt")
SEEDS = Path(__file__).with_name("seeds")
UNKNOWN = "?"
_HEADER = re.compile(r"^=== (?P<id>\S+) \| tags=(?P<tags>[\w,-]+) \| published=(?P<published>\d{4}-\d{2}-\d{2})$")
_MARK = re.compile(r"<<(?P<speaker>[a-z-]+|\?)\|(?P<text>[^<>|]+)>>")


@dataclass(frozen=True)
class GoldQuote:
    """One expected quote: its span in the plain text and its speaker (None when not a tracked person)."""

    speaker: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class QuotePassage:
    """One annotated passage: plain text, publication date, the patterns it exercises and its gold quotes."""

    passage_id: str
    tags: tuple[str, ...]
    published: date
    text: str
    quotes: tuple[GoldQuote, ...]


def unmark(marked: str) -> tuple[str, list[GoldQuote]]:
    """Strip the markers from marked text, returning the plain text and gold quotes indexing it."""
    plain: list[str] = []
    quotes: list[GoldQuote] = []
    length = 0
    position = 0
    for match in _MARK.finditer(marked):
        plain.append(marked[position : match.start()])
        length += match.start() - position
        inner = match.group("text")
        speaker = match.group("speaker")
        quotes.append(GoldQuote(None if speaker == UNKNOWN else speaker, length, length + len(inner), inner))
        plain.append(inner)
        length += len(inner)
        position = match.end()
    plain.append(marked[position:])
    return "".join(plain), quotes


def load_passages(path: Path = PASSAGES) -> list[QuotePassage]:
    """Every passage of the annotated file, in file order (text before the first header is the file's preamble)."""
    passages: list[QuotePassage] = []
    header: re.Match[str] | None = None
    lines: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), None]:
        match = _HEADER.match(line) if line is not None else None
        if line is not None and match is None:
            if line.startswith("==="):
                raise ValueError(f"malformed passage header: {line!r}")
            lines.append(line)
            continue
        if header is not None:
            text, quotes = unmark("\n".join(lines).strip("\n"))
            passages.append(
                QuotePassage(
                    passage_id=header.group("id"),
                    tags=tuple(header.group("tags").split(",")),
                    published=date.fromisoformat(header.group("published")),
                    text=text,
                    quotes=tuple(quotes),
                )
            )
        header, lines = match, []
    return passages
