"""The report in a real headless Chromium, offline: it renders its charts without console errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_warehouse import build_report_warehouse

from flows.report import ReportOptions, write_report

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
ARTIFACT = PROJECT_DIR / "data" / "test-artifacts" / "report.png"
CHARTS = ("daily", "hourly", "share-of-voice", "topics", "co-mentions")
LEGEND_ENTRIES = ("usual level (expected ± 2σ)", "distinct stories", "spike")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


def chromium(page: Path, profile: Path, *action: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on the page with networking shut: every host name fails to resolve, any proxy use
    fails, and background services are off, so a resource the page tried to load would show as an error."""
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
        "--window-size=1280,2400",
        *action,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def console_lines(stderr: str) -> list[str]:
    """What the page wrote to the console (errors, warnings, uncaught exceptions)."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    warehouse = build_report_warehouse(folder / "warehouse.duckdb")
    return write_report(warehouse, ReportOptions(out=folder / "report.html"))


@pytest.fixture(scope="module")
def rendered(report_page: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The DOM after the charts rendered, and Chromium's log."""
    result = chromium(report_page, tmp_path_factory.mktemp("profile"), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr


class TestReportInBrowser:
    def test_page_logs_nothing_to_the_console(self, rendered: tuple[str, str]) -> None:
        """Loading the page offline raises no error or warning in the console."""
        _, log = rendered

        assert console_lines(log) == []

    def test_every_chart_renders_as_svg(self, rendered: tuple[str, str]) -> None:
        """Each chart slot holds one rendered Vega view and no failure message."""
        dom, _ = rendered
        rendered_charts = [
            anchor for anchor in CHARTS if re.search(rf'id="chart-{anchor}"[^>]*>\s*<svg[^>]*class="marks"', dom)
        ]

        assert rendered_charts == list(CHARTS)
        assert ">This chart could not be drawn" not in dom

    @pytest.mark.parametrize("entry", LEGEND_ENTRIES)
    def test_trend_legend_is_drawn(self, rendered: tuple[str, str], entry: str) -> None:
        """The trend legend names the band, the counts and the spike marks."""
        dom, _ = rendered

        assert f">{entry}</text>" in dom

    @pytest.mark.parametrize("name", ["Keir Starmer", "Elon Musk"])
    def test_people_are_named_in_the_charts(self, rendered: tuple[str, str], name: str) -> None:
        """Each charted person's name is drawn as chart text (panel titles, axes, legend)."""
        dom, _ = rendered

        assert len(re.findall(rf">{name}</text>", dom)) >= 3

    def test_screenshot_is_kept(self, report_page: Path, tmp_path: Path) -> None:
        """A screenshot of the rendered page is written and kept as a test artifact."""
        shot = tmp_path / "report.png"

        result = chromium(report_page, tmp_path / "profile", f"--screenshot={shot}")

        assert result.returncode == 0, result.stderr[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, ARTIFACT)
