"""Dates typed on the command line: ISO forms and the relative forms people say."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from transforms.moments import parse_moment

NOW = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


class TestIsoForms:
    def test_a_date_is_its_midnight_in_utc(self) -> None:
        """A bare date means the start of that day, UTC."""
        assert parse_moment("2026-11-20", NOW) == datetime(2026, 11, 20, tzinfo=UTC)

    def test_a_naive_time_is_taken_as_utc_and_z_is_accepted(self) -> None:
        """Times without a zone are UTC; the trailing Z of feeds and logs is understood."""
        assert parse_moment("2026-11-20T08:15", NOW) == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
        assert parse_moment("2026-11-20T08:15:00Z", NOW) == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)

    def test_an_offset_is_kept_as_the_same_instant(self) -> None:
        """A time with an offset names one instant whatever the zone it was typed in."""
        moment = parse_moment("2026-11-20T09:15+01:00", NOW)
        assert moment == datetime(2026, 11, 20, 9, 15, tzinfo=timezone(timedelta(hours=1)))
        assert moment == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)


class TestRelativeForms:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("now", NOW),
            ("today", datetime(2026, 12, 1, tzinfo=UTC)),
            ("yesterday", datetime(2026, 11, 30, tzinfo=UTC)),
            ("Yesterday", datetime(2026, 11, 30, tzinfo=UTC)),
        ],
    )
    def test_named_days_start_at_midnight_utc(self, text: str, expected: datetime) -> None:
        """'today' and 'yesterday' are whole days from midnight UTC; 'now' is the clock."""
        assert parse_moment(text, NOW) == expected

    @pytest.mark.parametrize(
        ("text", "back"),
        [
            ("7d", timedelta(days=7)),
            ("24h", timedelta(hours=24)),
            ("90m", timedelta(minutes=90)),
            ("2w", timedelta(weeks=2)),
            ("3 days", timedelta(days=3)),
            ("3 days ago", timedelta(days=3)),
            ("1 hour ago", timedelta(hours=1)),
            (" 12H ", timedelta(hours=12)),
        ],
    )
    def test_an_amount_counts_back_from_now(self, text: str, back: timedelta) -> None:
        """'7d', '24h', '2w' or '3 days ago' are that long before now."""
        assert parse_moment(text, NOW) == NOW - back


class TestPlainErrors:
    @pytest.mark.parametrize("text", ["", "last tuesday", "7x", "2026-13-01", "-3d", "d7"])
    def test_an_unreadable_date_says_what_is_accepted(self, text: str) -> None:
        """The error names the text and the accepted forms, in words, not a parser's name."""
        with pytest.raises(ValueError, match="not a date") as raised:
            parse_moment(text, NOW)
        message = str(raised.value)
        assert repr(text.strip()) in message
        assert "2026-11-30" in message and "yesterday" in message and "7d" in message

    def test_an_amount_too_large_for_the_calendar_is_an_error_not_a_crash(self) -> None:
        """A date before year 1 is reported like any other unreadable date."""
        with pytest.raises(ValueError, match="not a date"):
            parse_moment("99999999w", NOW)
