"""Matching seed spellings against text: case rules, word boundaries and neighbouring words.

Shared by the mention, topic and context detectors. Automata run over fold(text), which keeps every offset
of the original, so each hit is checked against the original text's capitals and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.watchlist import NameForm

PREFIXES = frozenset({"anti", "pro", "non", "ex", "post", "pre", "neo"})  # "anti-Musk" is still Musk
_SPACES = " \u00a0"
_APOSTROPHES = "'’"
_OPENERS = "\"'“‘([-—–"


@dataclass(frozen=True)
class CasePattern:
    """A form with its per-word case rule, precomputed once when the automaton is built."""

    form: NameForm
    words: tuple[tuple[int, int, str], ...]  # (start, end, shape) of each word inside the form
    lower_any: bool  # topics: lower-case seed words match any case ("Grooming Gangs" in a headline)


def fold(text: str) -> str:
    """Lower-case text without changing its length, so automaton offsets index the original text."""
    folded = text.lower()
    if len(folded) != len(text):  # a few characters ("İ") lower-case to two; keep those as they are
        folded = "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
    return folded.replace("’", "'").replace("\u00a0", " ")


def word_shape(word: str) -> str:
    """Case shape of a seed word: "upper" (PM), "title" (Starmer), "lower" (premier) or "other"."""
    letters = [char for char in word if char.isalpha()]
    if not letters:
        return "other"
    if len(letters) > 1 and all(char.isupper() for char in letters):
        return "upper"
    if letters[0].isupper():
        return "title"
    if all(char.islower() for char in letters):
        return "lower"
    return "other"


def compile_pattern(form: NameForm, *, lower_any: bool = False) -> CasePattern:
    """Split a form into words with the case shape each must show in the text.

    Lower-case seed words must stay lower case ("the premier", not "the Premier League") except the first
    word, which may open a sentence ("The premier"); lower_any relaxes that for topic terms.
    """
    words = tuple((match.start(), match.end(), word_shape(match.group())) for match in _WORD.finditer(form.text))
    return CasePattern(form, words, lower_any)


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def case_matches(text: str, start: int, pattern: CasePattern) -> bool:
    """Whether text[start:...] has the capitals the seed spelling asks for (ALL CAPS text always passes)."""
    if text.startswith(pattern.form.text, start):
        return True  # spelt exactly as in the seed: the common case, checked in C
    matched = text[start : start + len(pattern.form.text)]
    if matched.isupper():
        return True
    for index, (word_start, word_end, shape) in enumerate(pattern.words):
        word = text[start + word_start : start + word_end]
        if shape == "upper" and not word.isupper():
            return False
        if shape == "title" and not word[0].isupper():
            return False
        sentence_start = index == 0 and word[0].isupper() and word[1:].islower()
        if shape == "lower" and not word.islower() and not pattern.lower_any and not sentence_start:
            return False
    return True


def previous_word(text: str, start: int) -> str | None:
    """The word separated from start by exactly one space, or None after punctuation or a line start."""
    if start < 2 or text[start - 1] not in _SPACES:
        return None
    if not (text[start - 2].isalnum() or text[start - 2] in _APOSTROPHES):
        return None  # punctuation before the space ("Essex. Farage"): a new sentence or clause
    lowest = max(0, start - 40)
    begin = max(
        text.rfind(" ", lowest, start - 1), text.rfind("\n", lowest, start - 1), text.rfind("\u00a0", lowest, start - 1)
    )
    word = text[begin + 1 : start - 1].lstrip(_OPENERS)
    return word if word and word[0].isalpha() else None


def next_word(text: str, end: int) -> str | None:
    """The word separated from end by exactly one space, or None before punctuation or a line end."""
    match = _NEXT_WORD.match(text, end)
    return match.group(1) if match else None


_NEXT_WORD = re.compile(r"[ \u00a0]([^\W\d_][\w'’-]*)")


def is_titled(word: str) -> bool:
    """A capital followed by lower case: how another person's name reads ("Kimbal", "Rayner")."""
    return len(word) > 1 and word[0].isupper() and word[1].islower()


def bounded(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is whole words: not inside "O'Brien", "Cooper-Smith" or "Yaxley-Lennon"."""
    if start > 0:
        before = text[start - 1]
        if before.isalnum():
            return False
        if before in _APOSTROPHES and start > 1 and text[start - 2].isalpha():
            return False
        if before == "-" and start > 1 and text[start - 2].isalpha():
            joined = previous_hyphen_word(text, start - 1)
            if joined[:1].isupper() and joined.lower() not in PREFIXES:
                return False
    if end < len(text):
        after = text[end]
        if after.isalnum():
            return False
        if after == "-" and end + 2 < len(text) and text[end + 1].isupper() and text[end + 2].islower():
            return False
    return True


def previous_hyphen_word(text: str, hyphen: int) -> str:
    begin = hyphen
    while begin > 0 and text[begin - 1].isalpha():
        begin -= 1
    return text[begin:hyphen]
