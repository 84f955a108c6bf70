"""A run's two clocks: the machine's (when the run started, when articles were first seen) and its as-of (the
moment alerts are judged at, from --as-of, the demo, or the machine). A clock ahead of the truth may delay work,
never destroy it: retention keeps to the machine's clock (warehouse/retention.py), and these rules decide what
an as-of that disagrees with the machine or with earlier runs may still do."""

from __future__ import annotations

from datetime import datetime


def as_of_ahead_note(as_of: datetime, started_at: datetime) -> str:
    """What to tell the user when alerts are judged at a time the machine has not reached; empty otherwise."""
    if as_of <= started_at:
        return ""
    return (
        f"as of {as_of:%Y-%m-%d %H:%M} UTC is ahead of this machine's clock ({started_at:%Y-%m-%d %H:%M} UTC): "
        "alerts are judged at it, but text retention keeps to the machine's clock"
    )


def replay_note(as_of: datetime, latest_as_of: datetime | None, started_at: datetime) -> str:
    """Why a run's new alerts are not sent: it judges them at a moment earlier than a completed run already did,
    so what fires is history, not news. Empty when the run is not such a replay. The latest as-of on record
    counts only up to this run's start, so one run with a future --as-of cannot silence the live runs after it."""
    if latest_as_of is None:
        return ""
    reached = min(latest_as_of, started_at)
    if as_of >= reached:
        return ""
    return (
        f"not sent: judged as of {as_of:%Y-%m-%d %H:%M} UTC, before {reached:%Y-%m-%d %H:%M} UTC, which a "
        "completed run already judged; alerts for a past window are history, recorded as suppressed"
    )


def carried_by_digest(window_end: datetime, as_of: datetime) -> bool:
    """A digest titled "as of T" carries only alerts whose window ended by T; later ones wait for a later run."""
    return window_end <= as_of
