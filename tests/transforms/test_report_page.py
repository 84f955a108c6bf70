"""The report page's HTML pieces: tables that fold into cards (feed states are the feed_health view's, tested in
tests/warehouse/test_one_rule.py)."""

from __future__ import annotations

from transforms.report_page import table


class TestTable:
    def test_cells_carry_their_column_name(self) -> None:
        """Each cell is labelled with its column, which narrow screens show beside the value."""
        html = table(["outlet", "state"], [["Herald", "ok"]])

        assert '<td data-label="outlet">Herald</td><td data-label="state">ok</td>' in html

    def test_headers_are_escaped(self) -> None:
        """A header is text even if it looks like markup."""
        assert "&lt;b&gt;" in table(["<b>"], [["x"]])
