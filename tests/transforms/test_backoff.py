"""Backoff for failing feeds: exponential, capped at a day, jittered deterministically, never infinite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from transforms.backoff import backoff_delay, next_attempt_at

NOW = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)


class TestBackoff:
    @pytest.mark.parametrize(("failures", "ceiling"), [(1, 2), (2, 4), (3, 8), (4, 16), (5, 24), (50, 24)])
    def test_doubles_up_to_a_day(self, failures: int, ceiling: int) -> None:
        """The delay is 2^n hours capped at 24 h, shortened by at most 20% jitter."""
        delay = backoff_delay(failures, key="bbc-politics")

        assert timedelta(hours=ceiling * 0.8) <= delay <= timedelta(hours=ceiling)

    def test_jitter_is_deterministic_per_key_and_spreads_feeds(self) -> None:
        """The same feed and salt always get the same delay; different feeds mostly do not."""
        delays = {backoff_delay(3, key=f"feed-{i}") for i in range(20)}

        assert backoff_delay(3, key="feed-1", salt="s") == backoff_delay(3, key="feed-1", salt="s")
        assert len(delays) > 15

    def test_healthy_feed_has_no_next_attempt(self) -> None:
        """Zero failures means no waiting."""
        assert next_attempt_at(NOW, 0, key="x") is None

    def test_retry_after_extends_the_wait(self) -> None:
        """A server's Retry-After longer than the backoff wins, still capped at a day."""
        assert next_attempt_at(NOW, 1, key="x", retry_after_s=10 * 3600) == NOW + timedelta(hours=10)
        assert next_attempt_at(NOW, 1, key="x", retry_after_s=90 * 3600) == NOW + timedelta(hours=24)
