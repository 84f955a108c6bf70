"""Sentence spans for news text: every mention and topic hit carries the sentence it sits in as evidence.

Rules of thumb rather than a model: a line break always ends a sentence (a headline without a full stop is its
own sentence), and a full stop ends one only when it is not part of an abbreviation ("Mr.", "Prof.", "St.")
or an initial ("Donald J. Trump") and the next sentence visibly starts (capital, digit, quote or bracket).
A "sentence" longer than MAX_SENTENCE_CHARS (a paragraph a publisher never ends) is cut into pieces at spaces, so
no work done per mention or quote inside one grows with the page.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator, Sequence

ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "st", "sr", "jr", "rev", "gen", "col", "lt", "sgt", "capt",
        "cllr", "gov", "sen", "rep", "hon", "rt", "no", "nos", "vs", "v", "etc", "approx", "inc", "ltd",
        "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "fig", "vol", "ed",
    }
)  # fmt: skip

_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))

# Real news sentences run to about 2,000 characters at most (p99 360 in the extraction benchmark's 181 articles).
MAX_SENTENCE_CHARS = 2_000
# A snippet longer than this is a window around the match (p99 of real sentences is 360: they stay whole).
MAX_SNIPPET_CHARS = 400
ELLIPSIS = "…"

# Terminal punctuation, optional closing quotes/brackets, whitespace, then something that can open a sentence.
# Matched from the start of a run, without backtracking into it: "." x 20,000 took 14 s, now milliseconds.
# The run's first mark is matched before the look back (as "no mark before it"). One pattern per mark, opening
# with it as a literal: the engine skips to the next such mark in a tight loop, where a class of four marks costs
# a test per character (a third less time; a run is found by the pattern of its first mark, so the same matches).
_BOUNDARY_AFTER_MARK = r"""[.!?…]*+)(["'”’)\]]*+)[ \t\u00a0]+(?=["'“‘(\[]*[A-Z0-9\u00c0-\u00de])"""
_MARKS = ".!?…"
_BOUNDARIES = [
    (mark, re.compile(f"({re.escape(mark)}(?<![.!?…]{re.escape(mark)}){_BOUNDARY_AFTER_MARK}")) for mark in _MARKS
]
_NEXT_INITIAL = re.compile(r"[ \t\u00a0]+[A-Z]\.")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of text, trimmed of surrounding whitespace, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    line_end = text.find("\n")
    # One scan of the whole text: no boundary spans a line break (no part of the pattern matches one), so these
    # are the boundaries found line by line; the line breaks passed on the way end sentences too.
    for boundary in literal_first_matches(_BOUNDARIES, text):
        position = boundary.start()
        while 0 <= line_end < position:
            if 0 < line_end - start <= MAX_SENTENCE_CHARS and not (
                text[start].isspace() or text[line_end - 1].isspace()
            ):
                spans.append((start, line_end))  # a line with nothing to trim: most paragraphs
            elif line_end > start:  # a blank line adds nothing
                _append_trimmed(text, start, line_end, spans)
            start = line_end + 1
            line_end = text.find("\n", start)
        if boundary.group(1) == "." and not boundary.group(2) and _is_abbreviation(text, position):
            continue
        end = boundary.end(2)
        if end - start <= MAX_SENTENCE_CHARS and not text[start].isspace():
            spans.append((start, end))  # a mark ends it, so only its start may need trimming: most sentences
        else:
            _append_trimmed(text, start, end, spans)
        start = boundary.end()
    while line_end >= 0:
        _append_trimmed(text, start, line_end, spans)
        start = line_end + 1
        line_end = text.find("\n", start)
    _append_trimmed(text, start, len(text), spans)
    return spans


def literal_first_matches(patterns: Sequence[tuple[str, re.Pattern[str]]], text: str) -> Iterator[re.Match[str]]:
    """The matches in text of patterns that each open with their mark as a literal, in order: each searched alone
    (the engine skips from mark to mark, where a class costs a test per character), their matches merged. Sentence
    boundaries and quotes' opening marks are found this way."""
    found = [pattern.finditer(text) for mark, pattern in patterns if mark in text]
    return found[0] if len(found) == 1 else heapq.merge(*found, key=_start)


def _start(match: re.Match[str]) -> int:
    return match.start()


class SentenceSplit:
    """One text's sentence spans, split at most once and shared by every stage that reads the text (mentions,
    topics, quotes), so an article is not split again by each. The spans are made when first asked for; spans
    already made for this text (a hand-over) may be given."""

    def __init__(self, text: str, spans: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self._spans = spans
        self._starts: list[int] | None = None

    @property
    def done(self) -> bool:
        """Whether the text has been split (reading the spans now costs nothing)."""
        return self._spans is not None

    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = split_sentences(self.text)
        return self._spans

    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [start for start, _ in self.spans()]
        return self._starts

    def check(self, text: str) -> None:
        """Refuse a split made for another text: its offsets would point at the wrong words."""
        if text is not self.text and text != self.text:
            raise ValueError("a sentence split made for another text was handed over")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at index dot closes an abbreviation or an initial rather than a sentence."""
    if text[max(dot - _LONGEST_ABBREVIATION - 1, 0) : dot].isalpha() and dot > _LONGEST_ABBREVIATION:
        return False  # a word longer than any abbreviation, ending in two letters (no "U.S." either): most stops
    space = text.rfind(" ", max(dot - _LONGEST_ABBREVIATION - 2, 0), dot)
    if space >= 0 and text[space + 1 : dot].isalpha():
        begin = space + 1  # a word after a space: the usual case, found without a loop
    else:
        begin = dot
        while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] == "."):
            begin -= 1
    token = text[begin:dot]
    if not token:
        return False
    if len(token) == 1 and token.isupper():
        return _NEXT_INITIAL.match(text, dot + 1) is not None or _is_initial(text, begin)
    if ("." in token or len(token) == 1) and _DOTTED_ACRONYM.fullmatch(token + "."):
        return True  # "U.S." or "e.g." (a longer token without a dot cannot be one)
    return token.lower() in ABBREVIATIONS


def _is_initial(text: str, letter: int) -> bool:
    """A lone capital is an initial after a capitalised word or at a line start ("Donald J. Trump", "J. K.").

    After a lower-case word it is more likely a name in its own right: "posts on X. The row grew".
    """
    lowest = max(0, letter - 40)
    line_start = text.rfind("\n", lowest, letter) + 1
    words = text[max(line_start, lowest) : letter].split()
    if not words:
        return True
    letters = [char for char in words[-1] if char.isalpha()]
    return not letters or letters[0].isupper()


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append the span with surrounding whitespace removed, skipping spans that are only whitespace; a span
    longer than MAX_SENTENCE_CHARS goes in as its bounded pieces."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut_point(text, start, start + MAX_SENTENCE_CHARS)
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        spans.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut a piece of text[start:] of at most limit - start characters: at the last space before
    limit (a word is never split), or at limit itself when the piece holds no space."""
    space = max(text.rfind(" ", start + 1, limit + 1), text.rfind("\u00a0", start + 1, limit + 1))
    return space if space > start else limit


def snippet(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The evidence for a match at text[start:end]: its sentence when that holds at most MAX_SNIPPET_CHARS,
    else a window of at most that many characters around the match, cut at spaces and marked with ELLIPSIS."""
    low, high = sentence
    if high - low <= MAX_SNIPPET_CHARS:
        return text[low:high]
    room = max(MAX_SNIPPET_CHARS - 2 * len(ELLIPSIS) - (end - start), 0)
    before = min(room // 2, start - low)
    after = min(room - before, high - end)
    before = min(room - after, start - low)  # what one side cannot use goes to the other
    window_start, window_end = start - before, end + after
    if window_start > low and not text[window_start - 1].isspace():
        space = text.find(" ", window_start, start)
        window_start = space + 1 if space >= 0 else window_start
    if window_end < high and not text[window_end].isspace():
        space = text.rfind(" ", end, window_end)
        window_end = space if space >= 0 else window_end
    body = text[window_start:window_end].strip()
    opening = ELLIPSIS if window_start > low else ""
    closing = ELLIPSIS if window_end < high else ""
    return f"{opening}{body}{closing}"
