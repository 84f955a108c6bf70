"""The report in a real headless Chromium, offline, on a phone (390 px) and a laptop (1400 px), with a tablet
(768 px) and a large monitor (1920 px) for the layout: nothing wider than the screen, every chart drawn inside its
slot, the legend picks people, and screenshots kept for a person to look at (data/test-artifacts/report-*.png)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from report_crowd import SURGING, build_crowd_warehouse, watchlist

from flows.report import ReportOptions, write_report
from transforms.charts import MUTED

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = PROJECT_DIR / "data" / "test-artifacts"
WIDTHS = (390, 1400)  # a phone and a laptop: every check, the legend clicks included
EDGES = (768, 1920)  # a tablet (tables still cards) and a large monitor: the layout checks
DRAWN = "[...document.querySelectorAll('.chart')].every(slot => slot.dataset.state)"
# Chromium runs with name resolution shut as well as every non-file request aborted: nothing leaves the machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


@dataclass
class Visit:
    """One page load at one width, with what the page said and tried along the way."""

    page: Any
    width: int
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    warehouse = build_crowd_warehouse(folder / "warehouse.duckdb")
    return write_report(warehouse, ReportOptions(out=folder / "report.html"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(browser: Any, report_page: Path, width: int) -> tuple[Any, Visit]:
    """A fresh context at `width`, the report loaded and every chart settled (drawn or failed)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    visit = Visit(page, width)
    page.on("console", lambda message: visit.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: visit.console.append(f"uncaught: {error}"))
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))

    def only_files(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            visit.requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page.goto(report_page.as_uri())
    page.wait_for_function(DRAWN, timeout=120_000)
    return context, visit


@pytest.fixture(scope="module", params=WIDTHS + EDGES, ids=lambda width: f"{width}px")
def visit(request: pytest.FixtureRequest, browser: Any, report_page: Path) -> Iterator[Visit]:
    context, loaded = open_page(browser, report_page, request.param)
    yield loaded
    context.close()


def specs_of(page: Any) -> dict[str, Any]:
    specs: dict[str, Any] = json.loads(page.evaluate("document.getElementById('presswatch-specs').textContent"))
    return specs


class TestReportOnScreen:
    def test_page_logs_nothing_to_the_console(self, visit: Visit) -> None:
        """Loading the page raises no error or warning (Vega-Lite's warnings included)."""
        assert visit.console == []

    def test_nothing_is_fetched_from_elsewhere_and_nothing_runs(self, visit: Visit) -> None:
        """The page asks for nothing beyond its own file, and no hostile headline or outlet name runs a script."""
        assert visit.requests == []
        assert visit.dialogs == []

    def test_nothing_is_wider_than_the_screen(self, visit: Visit) -> None:
        """The document does not scroll sideways and no element reaches past either edge of the screen."""
        overflow = visit.page.evaluate(
            """() => ({
                scrollWidth: document.documentElement.scrollWidth,
                innerWidth: innerWidth,
                outside: [...document.querySelectorAll('body *')]
                    .filter(element => {
                        const box = element.getBoundingClientRect();
                        return box.width > 0 && (box.right > innerWidth + 0.5 || box.left < -0.5);
                    })
                    .map(element => (element.closest('[id]') || element).id + ' ' + element.tagName)
                    .slice(0, 10),
            })"""
        )

        assert overflow["scrollWidth"] <= overflow["innerWidth"] == visit.width
        assert overflow["outside"] == []

    def test_every_chart_is_drawn(self, visit: Visit) -> None:
        """Each spec on the page became an SVG drawing in its slot; none failed."""
        slots = visit.page.evaluate(
            """() => [...document.querySelectorAll('.chart')].map(slot =>
                [slot.id.replace('chart-', ''), slot.dataset.state, !!slot.querySelector('svg.marks')])"""
        )

        assert sorted(slot for slot, _, _ in slots) == sorted(specs_of(visit.page))
        assert {(state, has_svg) for _, state, has_svg in slots} == {("drawn", True)}

    def test_charts_stay_inside_their_slots(self, visit: Visit) -> None:
        """Each drawing fits its slot's width, and its legends and axes fit the drawing: nothing is clipped."""
        escapes = visit.page.evaluate(
            """() => [...document.querySelectorAll('.chart')].flatMap(slot => {
                const box = slot.getBoundingClientRect();
                const svg = slot.querySelector('svg').getBoundingClientRect();
                const problems = [];
                if (svg.left < box.left - 1 || svg.right > box.right + 1) problems.push(slot.id + ' svg');
                for (const part of slot.querySelectorAll('.role-legend, .role-axis, .role-title')) {
                    const inner = part.getBoundingClientRect();
                    if (inner.width && (inner.left < svg.left - 1 || inner.right > svg.right + 1
                            || inner.top < svg.top - 1 || inner.bottom > svg.bottom + 1)) {
                        problems.push(slot.id + ' ' + part.getAttribute('class'));
                    }
                }
                return problems;
            })"""
        )

        assert escapes == []

    def test_spiking_persons_chart_is_on_screen(self, visit: Visit) -> None:
        """The surging person's small multiple is drawn and lies within the screen's width."""
        name = dict(watchlist())[SURGING]
        figure = visit.page.locator("figure.multiple", has=visit.page.locator("figcaption", has_text=name))
        chart = figure.locator(".chart")
        box = chart.bounding_box()

        assert figure.locator(".spiking").count() == 1
        assert chart.get_attribute("data-state") == "drawn"
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= visit.width

    def test_screenshot_is_kept(self, visit: Visit) -> None:
        """A full-page screenshot at this width is kept as a test artifact for a person to look at."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"report-{visit.width}.png"

        visit.page.screenshot(path=str(shot), full_page=True)

        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def line_colours(page: Any) -> list[str]:
    """The stroke colour of each person's line on the overlaid trend, as drawn."""
    colours: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('#chart-people .mark-line path')]
            .map(path => (path.getAttribute('stroke') || '').toLowerCase())"""
    )
    return colours


def person_colour(page: Any, name: str) -> str:
    scale = specs_of(page)["people"]["layer"][0]["encoding"]["color"]["condition"]["scale"]
    return str(dict(zip(scale["domain"], scale["range"], strict=True))[name]).lower()


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
class TestLegendPick:
    def test_clicking_a_name_picks_that_person(self, browser: Any, report_page: Path, width: int) -> None:
        """Clicking a grey name in the legend draws that person's line in colour and greys the others."""
        context, visit = open_page(browser, report_page, width)
        quiet = watchlist()[-1][1]  # the last of the watchlist: among the least covered, grey at first
        colour = person_colour(visit.page, quiet)
        before = line_colours(visit.page)

        visit.page.locator("#chart-people .role-legend-label text", has_text=quiet).click()
        visit.page.wait_for_timeout(300)
        after = line_colours(visit.page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        visit.page.locator("#chart-people").screenshot(path=str(ARTIFACTS / f"report-{width}-picked.png"))
        context.close()

        assert colour not in before
        assert [drawn for drawn in after if drawn != MUTED.lower()] == [colour]
        assert len(after) == len(before) == len(watchlist())

    def test_shift_click_adds_a_person(self, browser: Any, report_page: Path, width: int) -> None:
        """Shift-clicking a second name keeps the first picked and adds the second."""
        context, visit = open_page(browser, report_page, width)
        first, second = watchlist()[-1][1], watchlist()[-2][1]

        visit.page.locator("#chart-people .role-legend-label text", has_text=first).click()
        visit.page.locator("#chart-people .role-legend-label text", has_text=second).click(modifiers=["Shift"])
        visit.page.wait_for_timeout(300)
        coloured = sorted(colour for colour in line_colours(visit.page) if colour != MUTED.lower())
        expected = sorted([person_colour(visit.page, first), person_colour(visit.page, second)])
        context.close()

        assert coloured == expected
