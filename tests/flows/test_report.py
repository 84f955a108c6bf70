"""The HTML report written from a real warehouse file: sections, people, escaping, no external loads, filters."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from report_warehouse import HOSTILE_SNIPPET, HOSTILE_TITLE, HOSTILE_URL, OLD_TITLE, build_report_warehouse

from flows.report import ReportError, ReportOptions, write_chart_png, write_report
from warehouse.loads import RunTables

SECTIONS = (
    "Mentions per day",
    "Mentions per hour",
    "Top stories",
    "Share of voice per outlet",
    "People and topics",
    "Who is named with whom",
    "Latest evidence",
    "Feed health",
    "Run history",
)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each h3 (the evidence headings)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[str] = []
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_heading = tag == "h3"

    def handle_endtag(self, tag: str) -> None:
        self.in_heading = False if tag == "h3" else self.in_heading

    def handle_data(self, data: str) -> None:
        if self.in_heading:
            self.headings.append(data)


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def chart_specs(page: str) -> dict[str, Any]:
    """The Vega-Lite specs the page hands to the browser, by chart id."""
    match = re.search(r'<script type="application/json" id="presswatch-specs">(.*?)</script>', page, re.S)
    assert match is not None
    specs: dict[str, Any] = json.loads(match.group(1))
    return specs


def trend_rows(page: str, chart: str) -> list[dict[str, Any]]:
    """The rows a chart draws (Altair moves inline data to the spec's named datasets)."""
    spec = chart_specs(page)[chart]
    rows: list[dict[str, Any]] = spec["datasets"][spec["data"]["name"]]
    return rows


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_report_warehouse(tmp_path_factory.mktemp("report") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def default_page(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = write_report(warehouse, ReportOptions(out=tmp_path_factory.mktemp("out") / "report.html"))
    return out.read_text(encoding="utf-8")


class TestWriteReport:
    @pytest.mark.parametrize("heading", SECTIONS)
    def test_every_section_is_there(self, default_page: str, heading: str) -> None:
        """Each part the issue asks for has its heading on the page."""
        assert f">{heading}</h2>" in default_page

    def test_header_states_period_and_data_clock(self, default_page: str) -> None:
        """The default period is the 7 days up to the latest run's clock, and the header says so."""
        assert "Mon 30 Dec 2024 21:00 UTC to Mon 06 Jan 2025 21:00 UTC" in default_page
        assert "<b>Data as of</b> Mon 06 Jan 2025 21:00 UTC" in default_page

    @pytest.mark.parametrize("name", ["Keir Starmer", "Elon Musk"])
    def test_people_of_the_period_are_charted_and_quoted(self, default_page: str, name: str) -> None:
        """People mentioned in the period get a trend panel and an evidence block."""
        assert name in {row["name"] for row in trend_rows(default_page, "daily")}
        assert name in parsed(default_page).headings

    def test_story_outside_the_period_is_left_out(self, default_page: str) -> None:
        """An article older than the period neither appears nor puts its person on the page."""
        assert OLD_TITLE not in default_page
        assert "Jess Phillips" not in default_page

    def test_hostile_feed_text_is_escaped(self, default_page: str) -> None:
        """A headline or sentence carrying markup is shown as text, never as live HTML."""
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Starmer under fire" in default_page
        assert HOSTILE_TITLE not in default_page
        assert HOSTILE_SNIPPET not in default_page
        assert "&lt;b&gt;gone&lt;/b&gt;" in default_page

    def test_non_web_link_is_not_clickable(self, default_page: str) -> None:
        """A javascript: URL from a feed becomes plain text, not an anchor."""
        hrefs = [attrs.get("href") or "" for tag, attrs in parsed(default_page).tags if tag == "a"]

        assert not [href for href in hrefs if href.startswith(HOSTILE_URL.split(":")[0])]
        assert "Musk posts again" in default_page

    def test_nothing_is_loaded_from_elsewhere(self, default_page: str) -> None:
        """No script, stylesheet, image or frame points outside the file: the page opens offline."""
        external = [
            (tag, attrs)
            for tag, attrs in parsed(default_page).tags
            if (tag in {"script", "img", "iframe", "embed", "source"} and attrs.get("src"))
            or (tag == "link" and attrs.get("href"))
        ]

        assert external == []

    def test_pickup_counts_distinct_outlets(self, default_page: str) -> None:
        """The story two outlets ran is listed with a pickup of 2."""
        assert re.search(r'<span class="pickup">2</span></td><td><a [^>]*>&lt;script&gt;alert\(1\)', default_page)

    def test_surge_day_is_marked_as_spike(self, default_page: str) -> None:
        """The surge day is a spike on the person's daily trend, and the header lists who is spiking."""
        spikes = {(row["name"], row["bucket"]) for row in trend_rows(default_page, "daily") if row["is_spike"]}

        assert spikes == {("Keir Starmer", "2025-01-06T00:00:00Z")}
        assert "Keir Starmer (person): 6 stories in the day" in default_page

    def test_feed_health_shows_failing_feed(self, default_page: str) -> None:
        """A feed whose latest fetch failed is shown as failing with its HTTP status."""
        assert '<span class="state state-failing">failing</span>' in default_page
        assert "http-4xx (HTTP 404)" in default_page


class TestPeopleFilter:
    def test_only_selected_people_are_charted(self, warehouse: Path, tmp_path: Path) -> None:
        """--people limits trends and evidence to the chosen people."""
        page = write_report(warehouse, ReportOptions(people=("elon-musk",), out=tmp_path / "r.html")).read_text()

        assert {row["name"] for row in trend_rows(page, "daily")} == {"Elon Musk"}
        assert parsed(page).headings == ["Elon Musk"]

    def test_unknown_person_is_an_error(self, warehouse: Path, tmp_path: Path) -> None:
        """A mistyped id is reported with the known ids rather than producing an empty report."""
        with pytest.raises(ReportError, match=r"unknown person id.*keir-stramer.*known: elon-musk"):
            write_report(warehouse, ReportOptions(people=("keir-stramer",), out=tmp_path / "r.html"))


class TestPeriod:
    def test_since_and_until_bound_the_report(self, warehouse: Path, tmp_path: Path) -> None:
        """An earlier period (a naive bound read as UTC) shows that period's story and person, and no later one."""
        options = ReportOptions(
            since=datetime(2024, 12, 26), until=datetime(2024, 12, 28, tzinfo=UTC), out=tmp_path / "r.html"
        )

        page = write_report(warehouse, options).read_text()

        assert OLD_TITLE in page
        assert {row["name"] for row in trend_rows(page, "daily")} == {"Jess Phillips"}
        assert "Starmer under fire" not in page

    def test_empty_period_is_an_error(self, warehouse: Path, tmp_path: Path) -> None:
        """since after until is refused with a one-line reason."""
        options = ReportOptions(
            since=datetime(2025, 1, 5, tzinfo=UTC), until=datetime(2025, 1, 4, tzinfo=UTC), out=tmp_path / "r.html"
        )

        with pytest.raises(ReportError, match="period is empty"):
            write_report(warehouse, options)


class TestEmptyWarehouse:
    def test_report_of_an_empty_warehouse_says_so(self, tmp_path: Path) -> None:
        """A warehouse without runs or articles still gives a page, saying there is nothing to show."""
        empty = build_report_warehouse(tmp_path / "empty.duckdb", RunTables.from_frames({}))

        page = write_report(empty, ReportOptions(out=tmp_path / "r.html")).read_text()

        assert "No tracked person was mentioned in this period." in page
        assert chart_specs(page) == {}


class TestChartPng:
    def test_trend_png_is_written(self, warehouse: Path, tmp_path: Path) -> None:
        """A person's trend is written as a PNG image for attaching to alerts."""
        out = write_chart_png(warehouse, ReportOptions(), "keir-starmer", tmp_path / "starmer.png")

        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    def test_person_without_mentions_is_an_error(self, warehouse: Path, tmp_path: Path) -> None:
        """Nothing to draw is said, not drawn as an empty picture."""
        with pytest.raises(ReportError, match="no mentions of jess-phillips"):
            write_chart_png(warehouse, ReportOptions(), "jess-phillips", tmp_path / "phillips.png")

    def test_png_dir_gets_one_image_per_person(self, warehouse: Path, tmp_path: Path) -> None:
        """With png_dir, the report also writes each charted person's trend image."""
        write_report(warehouse, ReportOptions(out=tmp_path / "r.html", png_dir=tmp_path / "png"))

        assert sorted(path.name for path in (tmp_path / "png").iterdir()) == ["elon-musk.png", "keir-starmer.png"]
