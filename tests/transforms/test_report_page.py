"""The report page's HTML pieces: feed states as the fetch layer counts them, tables that fold into cards."""

from __future__ import annotations

import pytest

from transforms.report_page import shown_feed_state, table


class TestShownFeedState:
    @pytest.mark.parametrize(
        ("state", "last_outcome", "shown"),
        [
            ("healthy", "parse-error", "damaged"),
            ("recovered", "parse-error", "damaged"),
            ("healthy", "ok", "healthy"),
            ("recovered", "ok", "recovered"),
            ("failing", "parse-error", "failing"),
            ("dead", "dns", "dead"),
            ("never-fetched", None, "never-fetched"),
        ],
    )
    def test_state_shown(self, state: str, last_outcome: str | None, shown: str) -> None:
        """A working feed whose latest document was damaged is shown as damaged; other states are kept."""
        assert shown_feed_state(state, last_outcome) == shown


class TestTable:
    def test_cells_carry_their_column_name(self) -> None:
        """Each cell is labelled with its column, which narrow screens show beside the value."""
        html = table(["outlet", "state"], [["Herald", "ok"]])

        assert '<td data-label="outlet">Herald</td><td data-label="state">ok</td>' in html

    def test_headers_are_escaped(self) -> None:
        """A header is text even if it looks like markup."""
        assert "&lt;b&gt;" in table(["<b>"], [["x"]])
