"""How a failure is said in one line: the runs table, run notices and failure messages all use the same words."""

from __future__ import annotations


def describe(error: BaseException) -> str:
    """`Type: first line of the message`, for the runs table and the failure notice."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
