"""The report's "What they said" part, written from a real warehouse of fictional people's quotes."""

from __future__ import annotations

from pathlib import Path

import pytest
from quote_warehouse import BEFORE_PERIOD, HOSTILE_QUOTE, HOSTILE_URL, OLDER, PICKED_UP, build_quote_warehouse

from flows.report import ReportOptions, write_report


def said_part(page: str) -> str:
    """The HTML of the "What they said" section."""
    start = page.index('id="said"')
    return page[start : page.index("</section>", start)]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_quote_warehouse(tmp_path_factory.mktemp("report-quotes") / "w.duckdb")


@pytest.fixture(scope="module")
def said(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = write_report(warehouse, ReportOptions(out=tmp_path_factory.mktemp("out") / "report.html"))
    return said_part(out.read_text(encoding="utf-8"))


class TestWhatTheySaid:
    def test_newest_quotes_come_first_with_pickup_and_link(self, said: str) -> None:
        """Her picked-up quote comes before her older one, says three outlets ran it and links its first article."""
        marsh = said[said.index("Helena Marsh") : said.index("Tobias Wren")]

        assert marsh.index("not by the markets") < marsh.index("better than a statistic")
        assert "run by 3 outlets" in marsh
        assert 'href="https://herald.example/m1"' in marsh

    def test_quotes_before_the_period_are_left_out(self, said: str) -> None:
        """A quote that ran before the report period is not shown."""
        assert BEFORE_PERIOD not in said and OLDER in said and PICKED_UP.split(",")[0] in said

    def test_feed_text_is_escaped_and_bad_links_are_not_clickable(self, said: str) -> None:
        """Quote text from a feed cannot inject markup, and a javascript: link stays plain text."""
        assert "<script>" not in said
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in said and HOSTILE_QUOTE not in said
        assert f'href="{HOSTILE_URL}"' not in said

    def test_people_filter_limits_the_section(self, warehouse: Path, tmp_path: Path) -> None:
        """--people keeps only the selected people's quotes."""
        out = write_report(warehouse, ReportOptions(out=tmp_path / "r.html", people=("tobias-wren",)))

        part = said_part(out.read_text(encoding="utf-8"))

        assert "Tobias Wren" in part and "Helena Marsh" not in part

    def test_a_period_without_attributed_quotes_says_so(self, warehouse: Path, tmp_path: Path) -> None:
        """An empty section explains itself instead of disappearing."""
        from datetime import UTC, datetime

        options = ReportOptions(out=tmp_path / "r.html", since=datetime(2031, 1, 1, tzinfo=UTC),
                                until=datetime(2031, 1, 7, tzinfo=UTC))

        part = said_part(write_report(warehouse, options).read_text(encoding="utf-8"))

        assert "No quote in this period is attributed to a tracked person." in part
