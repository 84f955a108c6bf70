"""Read the annotated passages: marked-up text in, plain text plus gold spans out.

Gold offsets are never typed by hand: passages.txt marks each mention inline as [[person-id:kind|text]] and each
topic hit as {{topic-id|text}}, and this module computes offsets into the unmarked text, so they cannot drift
when a passage is edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PASSAGES = Path(__file__).with_name("passages.txt")
_HEADER = re.compile(r"^=== (?P<id>\S+) \| rules=(?P<rules>[\w,-]+) \| published=(?P<published>\S+)$")
_MARK = re.compile(
    r"\[\[(?P<person>[a-z-]+):(?P<kind>[a-z]+)\|(?P<text>[^\]]+)\]\]|\{\{(?P<topic>[a-z-]+)\|(?P<topic_text>[^}]+)\}\}"
)


@dataclass(frozen=True)
class GoldSpan:
    """One expected mention (owner is a person_id or topic_id)."""

    owner: str
    kind: str  # person mention kind, or "topic"
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """One annotated passage: its plain text, publication date, the rules it exercises and its gold spans."""

    passage_id: str
    rules: tuple[str, ...]
    published: date | None
    text: str
    people: tuple[GoldSpan, ...]
    topics: tuple[GoldSpan, ...]


def unmark(marked: str) -> tuple[str, list[GoldSpan], list[GoldSpan]]:
    """Strip the markers from marked text, returning the plain text and gold spans indexing it."""
    plain: list[str] = []
    people: list[GoldSpan] = []
    topics: list[GoldSpan] = []
    length = 0
    position = 0
    for match in _MARK.finditer(marked):
        plain.append(marked[position : match.start()])
        length += match.start() - position
        inner = match.group("text") or match.group("topic_text")
        if match.group("person"):
            people.append(GoldSpan(match.group("person"), match.group("kind"), length, length + len(inner), inner))
        else:
            topics.append(GoldSpan(match.group("topic"), "topic", length, length + len(inner), inner))
        plain.append(inner)
        length += len(inner)
        position = match.end()
    plain.append(marked[position:])
    return "".join(plain), people, topics


def load_passages(path: Path = PASSAGES) -> list[Passage]:
    """Parse every passage in the annotated file, in file order."""
    passages: list[Passage] = []
    header: re.Match[str] | None = None
    lines: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), "=== end | rules=end | published=none"]:
        match = _HEADER.match(line)
        if match is None:
            lines.append(line)
            continue
        if header is not None:
            text, people, topics = unmark("\n".join(lines).strip("\n"))
            published = header.group("published")
            passages.append(
                Passage(
                    passage_id=header.group("id"),
                    rules=tuple(header.group("rules").split(",")),
                    published=None if published == "none" else date.fromisoformat(published),
                    text=text,
                    people=tuple(people),
                    topics=tuple(topics),
                )
            )
        header, lines = match, []
    return passages
