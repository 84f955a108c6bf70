"""When a failing feed may be tried again: exponential backoff with deterministic jitter, never giving up."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

BASE_DELAY = timedelta(hours=1)
MAXIMUM_DELAY = timedelta(hours=24)
JITTER_FRACTION = 0.2


def backoff_delay(
    consecutive_failures: int,
    *,
    key: str,
    salt: str = "",
    base: timedelta = BASE_DELAY,
    maximum: timedelta = MAXIMUM_DELAY,
    jitter_fraction: float = JITTER_FRACTION,
) -> timedelta:
    """Delay before the next attempt after `consecutive_failures` failures in a row: min(2^n * base, maximum).

    Jitter shortens the delay by up to `jitter_fraction`, derived from `key` and `salt` so each feed gets
    its own stable offset (feeds that failed together do not retry together) and tests can pin it.
    """
    if consecutive_failures <= 0:
        return timedelta(0)
    exponent = min(consecutive_failures, 32)
    delay = min(base * (2**exponent), maximum)
    digest = hashlib.sha256(f"{key}\x00{consecutive_failures}\x00{salt}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return delay * (1 - jitter_fraction * fraction)


def next_attempt_at(
    now: datetime, consecutive_failures: int, *, key: str, salt: str = "", retry_after_s: float | None = None
) -> datetime | None:
    """When a feed with this many consecutive failures may be fetched again (None: no wait)."""
    if consecutive_failures <= 0 and retry_after_s is None:
        return None
    delay = backoff_delay(consecutive_failures, key=key, salt=salt)
    if retry_after_s is not None:
        # Capped as seconds first: a server's Retry-After of 1e20 must not overflow a timedelta.
        delay = max(delay, timedelta(seconds=min(retry_after_s, MAXIMUM_DELAY.total_seconds())))
    return now + delay
