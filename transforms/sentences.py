"""Sentence spans for news text: every mention and topic hit carries the sentence it sits in as evidence.

Rules of thumb rather than a model: a line break always ends a sentence (a headline without a full stop is its
own sentence), and a full stop ends one only when it is not part of an abbreviation ("Mr.", "Prof.", "St.")
or an initial ("Donald J. Trump") and the next sentence visibly starts (capital, digit, quote or bracket).
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "st", "sr", "jr", "rev", "gen", "col", "lt", "sgt", "capt",
        "cllr", "gov", "sen", "rep", "hon", "rt", "no", "nos", "vs", "v", "etc", "approx", "inc", "ltd",
        "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "fig", "vol", "ed",
    }
)  # fmt: skip

# Terminal punctuation, optional closing quotes/brackets, whitespace, then something that can open a sentence.
_BOUNDARY = re.compile(r"""([.!?…]+)(["'”’)\]]*)[ \t\u00a0]+(?=["'“‘(\[]*[A-Z0-9\u00c0-\u00de])""")
_LINE = re.compile(r"[^\n]+")
_NEXT_INITIAL = re.compile(r"[ \t\u00a0]+[A-Z]\.")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of text, trimmed of surrounding whitespace, in order."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for boundary in _BOUNDARY.finditer(text, line.start(), line.end()):
            if boundary.group(1) == "." and not boundary.group(2) and _is_abbreviation(text, boundary.start()):
                continue
            _append_trimmed(text, start, boundary.end(2), spans)
            start = boundary.end()
        _append_trimmed(text, start, line.end(), spans)
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at index dot closes an abbreviation or an initial rather than a sentence."""
    begin = dot
    while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] == "."):
        begin -= 1
    token = text[begin:dot]
    if not token:
        return False
    if len(token) == 1 and token.isupper():
        return _NEXT_INITIAL.match(text, dot + 1) is not None or _is_initial(text, begin)
    if _DOTTED_ACRONYM.fullmatch(token + "."):
        return True  # "U.S." or "e.g."
    return token.lower() in ABBREVIATIONS


def _is_initial(text: str, letter: int) -> bool:
    """A lone capital is an initial after a capitalised word or at a line start ("Donald J. Trump", "J. K.").

    After a lower-case word it is more likely a name in its own right: "posts on X. The row grew".
    """
    line_start = text.rfind("\n", 0, letter) + 1
    words = text[max(line_start, letter - 40) : letter].split()
    if not words:
        return True
    letters = [char for char in words[-1] if char.isalpha()]
    return not letters or letters[0].isupper()


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append the span with surrounding whitespace removed, skipping spans that are only whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def count_sentences(text: str) -> int:
    """How many sentences split_sentences finds in text, without building their spans: one per line holding
    anything, plus one per boundary inside a line that is not an abbreviation or an initial."""
    count = 0
    for line in _LINE.finditer(text):
        if line.group().isspace():
            continue
        count += 1
        for boundary in _BOUNDARY.finditer(text, line.start(), line.end()):
            if boundary.group(1) == "." and not boundary.group(2) and _is_abbreviation(text, boundary.start()):
                continue
            count += 1
    return count
