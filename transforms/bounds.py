"""How much of one article the detect stage reads, and how many rows it keeps: limits a publisher cannot choose.

A text longer than the limit is read up to the last space or line break within it (the whole text is still stored);
each person or topic keeps its first rows in an article, so an article naming someone 9,000 times still counts as one
article and one story, with a bounded number of rows. Callers say every cut out loud (the article's error column).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def detection_text(text: str, max_chars: int) -> str:
    """text itself when it holds at most max_chars characters, else its start, cut at a space or line break so
    no name is split (or at max_chars when the start holds none)."""
    if len(text) <= max_chars:
        return text
    cut = max(text.rfind(" ", 0, max_chars + 1), text.rfind("\n", 0, max_chars + 1))
    return text[: cut if cut > 0 else max_chars].rstrip()


def first_occurrences(
    occurrences: Sequence[T], subject_of: Callable[[T], str], limit: int
) -> tuple[list[T], dict[str, int]]:
    """The occurrences, in order, with at most limit per subject (the first ones), and how many were found for
    each subject that had more than limit."""
    seen: dict[str, int] = {}
    kept: list[T] = []
    for occurrence in occurrences:
        subject = subject_of(occurrence)
        seen[subject] = seen.get(subject, 0) + 1
        if seen[subject] <= limit:
            kept.append(occurrence)
    return kept, {subject: count for subject, count in seen.items() if count > limit}
