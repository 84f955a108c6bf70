"""Retry-After, read one way for page fetches and alert delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from transforms.retry_after import parse_retry_after

NOW = datetime(2025, 1, 6, 21, tzinfo=UTC)


class TestRetryAfter:
    @pytest.mark.parametrize(
        ("value", "seconds"),
        [("120", 120.0), ("0", 0.0), (" 7 ", 7.0), ("1.5", 1.5), ("-3", None), ("nan", None), ("inf", None),
         ("soon", None), ("", None), (None, None)],
    )
    def test_delay_seconds(self, value: str | None, seconds: float | None) -> None:
        """Delay seconds are read (fractions too); negatives, non-numbers and absence give None."""
        assert parse_retry_after(value, NOW) == seconds

    def test_http_date_counts_down_from_now(self) -> None:
        """An HTTP date is the time left until it."""
        assert parse_retry_after(format_datetime(NOW + timedelta(seconds=30), usegmt=True), NOW) == 30.0

    def test_http_date_in_the_past_means_no_wait(self) -> None:
        """A date already past asks for no wait at all."""
        assert parse_retry_after(format_datetime(NOW - timedelta(hours=1), usegmt=True), NOW) == 0.0
