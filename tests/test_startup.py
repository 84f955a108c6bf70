"""Commands that do not orchestrate start without Prefect: they answer at once, and never start a server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from warehouse import database

PROJECT_DIR = Path(__file__).resolve().parent.parent
ORCHESTRATION = "prefect,uvicorn,fastapi"
PROBE = """
import sys
from flows.interface.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
heavy = sorted(name for name in sys.argv[1].split(",") if name in sys.modules)
print("IMPORTED:" + ",".join(heavy), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty warehouse with every migration and view, as the first run leaves it."""
    path = tmp_path_factory.mktemp("startup") / "w.duckdb"
    with database.opened(path):
        pass
    return path


def imported_by(modules: str, arguments: list[str], warehouse: Path, tmp_path: Path) -> str:
    """Which of `modules` (comma-separated) `presswatch ARGUMENTS` imported, run to its end in a fresh process."""
    environment = {"PRESSWATCH_DB": str(warehouse), "PRESSWATCH_REPORT_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    finished = subprocess.run(
        [sys.executable, "-c", PROBE, modules, *arguments],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert "Traceback" not in finished.stderr
    return finished.stderr.rsplit("IMPORTED:", 1)[-1].strip()


@pytest.mark.parametrize(
    "arguments",
    [
        ["--help"],
        ["--version"],
        ["config"],
        ["sql", "select 1"],
        ["report"],
        ["alerts", "preview"],
        ["alerts", "test"],
        ["check"],
        ["feeds", "export"],
    ],
    ids=lambda arguments: " ".join(arguments),
)
def test_command_does_not_import_prefect(arguments: list[str], warehouse: Path, tmp_path: Path) -> None:
    """`presswatch ARGUMENTS` runs to its end without importing Prefect or its server."""
    assert imported_by(ORCHESTRATION, arguments, warehouse, tmp_path) == ""


def test_alerts_preview_does_not_load_the_delivery_stack(warehouse: Path, tmp_path: Path) -> None:
    """Previewing alerts sends nothing, so it never imports apprise or httpx (a third of its start-up)."""
    assert imported_by("apprise,httpx", ["alerts", "preview"], warehouse, tmp_path) == ""


def test_a_run_loads_neither_apprise_without_channels_nor_trafilatura(warehouse: Path, tmp_path: Path) -> None:
    """A run with nothing to send never imports apprise, and its own process never imports trafilatura (0.3 and
    0.5 s of CPU a run): the extraction workers parse the pages."""
    page = Reply(body=b"<html><body><article><h1>Pool</h1><p>" + b"The pool reopens in May. " * 30 + b"</p></article>")
    with LoopbackServer({"/pool": page}) as server:
        item = f"<item><title>Pool</title><link>{server.url('/pool')}</link></item>"
        feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Gazette</title>{item}</channel></rss>"
        server.route("/feed.xml", Reply(body=feed.encode(), content_type="application/rss+xml"))
        feeds = tmp_path / "feeds.csv"
        feeds.write_text(f"source_id,name,feed_url\ngazette,Gazette,{server.url('/feed.xml')}\n", encoding="utf-8")

        assert imported_by("apprise,trafilatura", ["run", "--feeds", str(feeds)], warehouse, tmp_path) == ""


@pytest.mark.parametrize("flows_module", ["flows.orchestration.sharded", "flows.orchestration.flow"])
def test_flow_run_processes_do_not_load_what_they_do_not_use(flows_module: str) -> None:
    """Every flow run is a fresh process importing its flow's module; none parses a page (extraction workers do)
    and a shard sends nothing, so neither trafilatura nor apprise is loaded there (seconds per sharded run)."""
    probe = f"import sys, {flows_module}; print(','.join(m for m in ('apprise', 'trafilatura') if m in sys.modules))"

    finished = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300, check=True
    )

    assert finished.stdout.strip() == ""
