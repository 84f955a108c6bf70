"""The HTML report written from a real warehouse file: sections, people, escaping, no external loads, filters,
colours, feed states, and the Vega bundle kept on disk."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from altair.vegalite.v6.schema.core import load_schema
from report_crowd import (
    FETCHES,
    HOSTILE_OUTLET,
    OUTLET_NAMES,
    SURGING,
    build_crowd_warehouse,
    crowd_tables,
    watchlist,
)
from report_warehouse import HOSTILE_SNIPPET, HOSTILE_TITLE, HOSTILE_URL, OLD_TITLE, build_report_warehouse

from flows.report import ReportError, ReportOptions, bundle_file_name, write_chart_png, write_report
from transforms.charts import PICKED_BY_DEFAULT
from transforms.feed_state import is_feed_failure
from warehouse import database
from warehouse.loads import RunTables

SECTIONS = (
    "Share of voice",
    "People over time",
    "Against the usual level",
    "Mentions per hour",
    "Top stories",
    "Topics over time",
    "Top outlets",
    "Share of voice per outlet",
    "People and topics",
    "Who is named with whom",
    "Latest evidence",
    "Feed health",
    "Run history",
)
PERSON_CHARTS = ("share", "people", "share-of-voice")
LEGEND_PICKERS = ("share", "people", "share-of-voice", "topics")


class Tags(HTMLParser):
    """Every start tag with its attributes, the text of each h3 (the evidence headings), and each table cell's text
    by its column label, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[str] = []
        self.rows: list[dict[str, str]] = []
        self.in_heading = False
        self.cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_heading = self.in_heading or tag == "h3"
        if tag == "tr":
            self.rows.append({})
        elif tag == "td":
            self.cell = dict(attrs).get("data-label") or ""
            self.rows[-1][self.cell] = ""

    def handle_endtag(self, tag: str) -> None:
        self.in_heading = False if tag == "h3" else self.in_heading
        self.cell = None if tag == "td" else self.cell

    def handle_data(self, data: str) -> None:
        if self.in_heading:
            self.headings.append(data)
        if self.cell is not None:
            self.rows[-1][self.cell] += data


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


def chart_rows(page: str, chart: str) -> list[dict[str, Any]]:
    """The rows a chart draws (inline in its spec)."""
    rows: list[dict[str, Any]] = chart_specs(page)[chart]["data"]["values"]
    return rows


def person_colours(spec: Any) -> dict[str, str]:
    """The name-to-colour mapping of the first colour scale over people found anywhere in the spec."""
    if isinstance(spec, dict):
        scale = spec.get("scale")
        if spec.get("field") == "name" and isinstance(scale, dict) and "range" in scale:
            return dict(zip(scale["domain"], scale["range"], strict=True))
        children = list(spec.values())
    else:
        children = list(spec) if isinstance(spec, list) else []
    for child in children:
        found = person_colours(child)
        if found:
            return found
    return {}


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
        assert name in {row["name"] for row in chart_rows(default_page, "people")}
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
        assert re.search(
            r'<span class="pickup">2</span></td><td data-label="headline"><a [^>]*>&lt;script&gt;alert\(1\)',
            default_page,
        )

    def test_surge_day_is_marked_as_spike(self, default_page: str) -> None:
        """The surge day is a spike on the person's daily trend, and the header lists who is spiking."""
        spikes = {(row["name"], row["bucket"]) for row in chart_rows(default_page, "people") if row["is_spike"]}

        assert spikes == {("Keir Starmer", "2025-01-06T00:00:00Z")}
        assert "Keir Starmer (person): 6 stories in the day" in default_page

    def test_spike_box_shows_the_z_score_the_rule_compares(self, warehouse: Path, default_page: str) -> None:
        """Each line of the spike box gives the z-score (the figure min_zscore is held against) beside the ratio,
        read like the other numbers (one decimal), and it is the spikes view's own figure."""
        with database.opened(warehouse, read_only=True) as con:
            row = con.execute(
                "select expected_stories, ratio, zscore from spikes where is_spike and subject = 'keir-starmer'"
            ).fetchone()
        assert row is not None
        expected, ratio, zscore = row

        assert f"expected {expected:.1f} ({ratio:.1f}×, z {zscore:.1f})" in default_page

    def test_feed_health_shows_failing_feed(self, default_page: str) -> None:
        """A feed whose latest fetch failed is shown as failing with its HTTP status."""
        assert '<span class="state state-failing">failing</span>' in default_page
        assert "http-4xx (HTTP 404)" in default_page


class TestRunHistory:
    def test_a_run_that_left_articles_for_later_says_how_many(self, tmp_path: Path) -> None:
        """A run that deferred articles (over a feed's cap or past its deadline) says so in its row, in words."""
        db = build_report_warehouse(tmp_path / "warehouse.duckdb")
        with database.opened(db) as con:
            con.execute("update runs set articles_deferred = 30 where run_id = 'run-1'")
        page = write_report(db, ReportOptions(out=tmp_path / "report.html")).read_text(encoding="utf-8")

        (run,) = [row for row in parsed(page).rows if "new articles" in row]
        assert run["new articles"].endswith("(30 left for later runs)")

    def test_a_run_that_left_nothing_says_nothing_of_it(self, default_page: str) -> None:
        """A run with no deferrals shows its new articles as a bare number, as before."""
        (run,) = [row for row in parsed(default_page).rows if "new articles" in row]
        assert run["new articles"].isdigit()
        assert "for later" not in default_page


class TestPeopleFilter:
    def test_only_selected_people_are_charted(self, warehouse: Path, tmp_path: Path) -> None:
        """--people limits trends and evidence to the chosen people."""
        page = write_report(warehouse, ReportOptions(people=("elon-musk",), out=tmp_path / "r.html")).read_text()

        assert {row["name"] for row in chart_rows(page, "people")} == {"Elon Musk"}
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
        assert {row["name"] for row in chart_rows(page, "people")} == {"Jess Phillips"}
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


@pytest.fixture(scope="module")
def crowd_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report of the busy week: fourteen people, eight outlets, every feed state."""
    folder = tmp_path_factory.mktemp("crowd")
    warehouse = build_crowd_warehouse(folder / "warehouse.duckdb")
    return write_report(warehouse, ReportOptions(out=folder / "report.html")).read_text(encoding="utf-8")


class TestLayout:
    def test_every_spec_is_valid_vega_lite(self, crowd_page: str) -> None:
        """Each chart spec validates against the Vega-Lite schema, so no property is silently ignored."""
        schema = load_schema()
        invalid = {}
        for chart, spec in chart_specs(crowd_page).items():
            errors = list(jsonschema.Draft7Validator(schema).iter_errors(spec))
            if errors:
                invalid[chart] = errors[0].message[:200]

        assert invalid == {}

    def test_every_chart_takes_its_slot_width(self, crowd_page: str) -> None:
        """No chart has a fixed width that could overflow a phone: each takes its container's width."""
        widths = {chart: spec["width"] for chart, spec in chart_specs(crowd_page).items()}

        assert set(widths.values()) == {"container"}

    def test_hourly_section_is_one_chart(self, crowd_page: str) -> None:
        """Hours are one heat map with a row per person, not a chart per person."""
        hourly_slots = re.findall(r'id="chart-([^"]+)"', section_of(crowd_page, "hourly"))

        assert hourly_slots == ["hourly"]
        assert len({row["name"] for row in chart_rows(crowd_page, "hourly")}) == len(watchlist())

    def test_spiking_people_are_shown_in_colour_and_first_among_small_multiples(self, crowd_page: str) -> None:
        """The overlaid trend picks the most covered people and everyone spiking (the surging person among them),
        and the surging person leads the small multiples."""
        name = dict(watchlist())[SURGING]
        people = chart_specs(crowd_page)["people"]
        rows = chart_rows(crowd_page, "people")
        totals = {
            person: sum(row["stories"] for row in rows if row["name"] == person)
            for person in {row["name"] for row in rows}
        }
        most_covered = sorted(totals, key=lambda person: (-totals[person], person))[:PICKED_BY_DEFAULT]
        spiking = {row["name"] for row in rows if row["is_spike"]}
        picked = [value["name"] for value in people["layer"][0]["params"][0]["value"]]
        first_multiple = re.search(r"<figcaption>.*?</span>([^<]+)<", section_of(crowd_page, "usual"))

        assert set(picked) == set(most_covered) | spiking
        assert name in spiking
        assert first_multiple is not None and first_multiple.group(1) in spiking

    @pytest.mark.parametrize("chart", LEGEND_PICKERS)
    def test_legend_picks(self, crowd_page: str, chart: str) -> None:
        """The charts that colour by person or topic carry a selection bound to their legend."""
        spec = chart_specs(crowd_page)[chart]
        params = spec.get("params") or [param for layer in spec.get("layer", []) for param in layer.get("params", [])]

        assert [param["bind"] for param in params] == ["legend"]

    def test_topic_trend_has_a_row_for_every_day(self, crowd_page: str) -> None:
        """Quiet days are zeros on the topic lines, not gaps the line would draw across."""
        rows = chart_rows(crowd_page, "topics")
        days_per_topic = {topic: sum(row["topic"] == topic for row in rows) for topic in {row["topic"] for row in rows}}

        assert set(days_per_topic.values()) == {8}  # Mon 30 Dec 21:00 to Mon 06 Jan 21:00 touches 8 UTC days

    def test_top_outlets_split_adds_up(self, crowd_page: str) -> None:
        """Each outlet's two bar parts add up to its articles, and the parts naming people are at most that."""
        rows = chart_rows(crowd_page, "outlets")
        totals: dict[str, int] = {}
        for row in rows:
            totals[row["outlet"]] = totals.get(row["outlet"], 0) + row["articles"]

        assert set(totals) == set(OUTLET_NAMES.values())
        assert sum(totals.values()) == crowd_tables().articles.height  # every article of the week, counted once


class TestColours:
    def test_each_person_keeps_one_colour_across_charts(self, crowd_page: str) -> None:
        """Share of voice, the overlaid trend, each outlet's split and the small multiples give a person one colour."""
        specs = chart_specs(crowd_page)
        mappings = [person_colours(specs[chart]) for chart in PERSON_CHARTS]
        swatches = dict(
            re.findall(r'<span class="swatch" style="background:(#[0-9a-f]{6})"[^>]*></span>([^<]+)<', crowd_page)
        )

        for mapping in mappings[1:]:
            assert {name: mapping[name] for name in mappings[0]} == mappings[0]
        assert {name: colour for colour, name in swatches.items()} == {
            name: mappings[0][name] for name in {name for _, name in swatches.items()}
        }

    def test_fourteen_people_get_fourteen_colours(self, crowd_page: str) -> None:
        """Nobody shares a colour with anyone else on a page of fourteen people."""
        mapping = person_colours(chart_specs(crowd_page)["share"])

        assert len(mapping) == len(watchlist()) == len(set(mapping.values()))


class TestEscapingInCharts:
    def test_hostile_outlet_name_stays_data(self, crowd_page: str) -> None:
        """An outlet name that tries to close the script element reaches the chart as text, never as markup."""
        outlets = {row["outlet"] for row in chart_rows(crowd_page, "outlets")}

        assert HOSTILE_OUTLET not in crowd_page
        assert HOSTILE_OUTLET in outlets


class TestFeedStates:
    @pytest.mark.parametrize("source", sorted(FETCHES))
    def test_state_agrees_with_the_fetch_layer(self, crowd_page: str, source: str) -> None:
        """A feed is failing or dead exactly when the fetch layer's rule counts its latest fetch as a failure, and
        a damaged feed that still yielded entries is shown as damaged, not healthy."""
        outcome, _, entries = FETCHES[source][-1]
        failure = is_feed_failure(outcome, has_entries=entries > 0)
        state = feed_states(crowd_page)[OUTLET_NAMES[source]]

        assert (state in {"failing", "dead"}) == failure
        assert (state == "damaged") == (outcome == "parse-error" and not failure)

    def test_troubled_feeds_come_first(self, crowd_page: str) -> None:
        """Dead, failing and damaged feeds are listed before working ones."""
        states = list(feed_states(crowd_page).values())

        assert states[:4] == ["dead", "failing", "failing", "damaged"]


class TestBundleCache:
    def test_bundle_is_kept_on_disk_and_reused(self, warehouse: Path, tmp_path: Path) -> None:
        """The first report stores the Vega bundle under its versions' name; the next one reads it from there."""
        cache = tmp_path / "cache"
        write_report(warehouse, ReportOptions(out=tmp_path / "first.html", cache_dir=cache))
        stored = cache / bundle_file_name()
        stored.write_text("/* cached copy */ window.vegaEmbed = function () { return Promise.resolve(); };")

        page = write_report(warehouse, ReportOptions(out=tmp_path / "second.html", cache_dir=cache)).read_text()

        assert "/* cached copy */" in page
        assert version("vl-convert-python") in stored.name

    def test_bundles_of_other_versions_are_removed(self, warehouse: Path, tmp_path: Path) -> None:
        """A bundle left by an older vl-convert does not pile up beside the current one."""
        cache = tmp_path / "cache"
        cache.mkdir()
        old = cache / "vega-bundle-1.0.0-v5_8-000000000000.js"
        old.write_text("old")

        write_report(warehouse, ReportOptions(out=tmp_path / "r.html", cache_dir=cache))

        assert sorted(path.name for path in cache.iterdir()) == [bundle_file_name()]

    def test_unwritable_cache_still_gives_a_working_page(self, warehouse: Path, tmp_path: Path) -> None:
        """A cache that cannot be created (a file is in the way) costs the build, not the report."""
        blocked = tmp_path / "not-a-directory"
        blocked.write_text("")

        page = write_report(warehouse, ReportOptions(out=tmp_path / "r.html", cache_dir=blocked)).read_text()

        assert "vegaEmbed" in page and "presswatch-specs" in page


def section_of(page: str, anchor: str) -> str:
    """The HTML of one section of the page."""
    match = re.search(rf'<section id="section-{anchor}".*?</section>', page, re.S)
    assert match is not None
    return match.group(0)


def feed_states(page: str) -> dict[str, str]:
    """Outlet -> shown state, in the feed health table's order."""
    rows = parsed(section_of(page, "feeds")).rows
    return {row["outlet"]: row["state"] for row in rows if "outlet" in row}
