"""Moments typed by people on the command line: ISO dates and times, or relative forms such as "yesterday" or "7d".

Pure: the clock is an argument, so "7d" means the same thing in a test as at the prompt it was typed at.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

ACCEPTED = (
    "an ISO date or time (2026-11-30, 2026-11-30T08:00, 2026-11-30T08:00+01:00), now, today, yesterday, "
    "or an amount back from now (90m, 24h, 7d, 2w, '3 days ago')"
)

UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "week": "weeks", "weeks": "weeks",
}  # fmt: skip
AMOUNT = re.compile(r"(\d+)\s*([a-z]+)(?:\s+ago)?")


def parse_moment(text: str, now: datetime) -> datetime:
    """The instant `text` names, zone-aware; naive ISO values are UTC and named days start at midnight UTC."""
    typed = text.strip()
    word = typed.lower()
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    named = {"now": now, "today": midnight, "yesterday": midnight - timedelta(days=1)}
    if word in named:
        return named[word]
    amount = AMOUNT.fullmatch(word)
    try:
        if amount and amount.group(2) in UNITS:
            return now - timedelta(**{UNITS[amount.group(2)]: int(amount.group(1))})
        moment = datetime.fromisoformat(typed.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError):
        raise ValueError(f"{typed!r} is not a date: use {ACCEPTED}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
