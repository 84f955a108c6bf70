"""Every query the README and the reference pages in docs/ show answers with rows on the warehouse the demo run
builds, through `presswatch sql`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[2]
PAGES = [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").glob("*.md"))]
CODE_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SQL_COMMAND = re.compile(r"""presswatch sql (?:--[\w-]+ )*"([^"]+)\"""")


def sql_statements(block: str) -> list[tuple[str, str]]:
    """(label, statement) for each statement of a SQL block; the label is the comment above it."""
    found, label, lines = [], "", []
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith("--") and not lines:
            label = f"{label} {stripped.lstrip('- ')}".strip()
            continue
        lines.append(line)
        if stripped.endswith(";"):
            found.append((label, "\n".join(lines).strip()))
            label, lines = "", []
    return found


def readme_queries() -> list[tuple[str, str]]:
    """Statements of the ```sql blocks of the README and docs/*.md, and the queries their shell blocks pass to
    `presswatch sql`; each labelled with its page and the comment above it."""
    queries = []
    for page in PAGES:
        for language, body in CODE_BLOCK.findall(page.read_text(encoding="utf-8")):
            if language == "sql":
                found = sql_statements(body)
            else:
                found = [(f"presswatch sql {query}", query) for query in SQL_COMMAND.findall(body)]
            queries += [(f"{page.name}: {label}", statement) for label, statement in found]
    return queries


QUERIES = readme_queries()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], str]:
    """`presswatch run --demo` in a directory of its own, as a newcomer runs it: the venv's bin folder not on PATH.
    Gives the warehouse, the environment it was run with and what the run printed."""
    work = tmp_path_factory.mktemp("readme")
    db = work / "presswatch.duckdb"
    venv_bin = str(Path(sys.executable).parent)
    environment = {
        **os.environ,
        "PATH": os.pathsep.join(entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry != venv_bin),
        "PRESSWATCH_DB": str(db),
        "PRESSWATCH_REPORT_DIR": str(work / "reports"),
        "PREFECT_HOME": str(work / "prefect"),
        # The temporary Prefect API starts slowly on a busy 2-core machine; give it room rather than fail.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "240",
    }
    run = subprocess.run(
        [sys.executable, "-m", "flows.interface.cli", "run", "--demo"],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600, env=environment,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return db, environment, run.stdout


@pytest.fixture(scope="module")
def demo_warehouse(demo_run: tuple[Path, dict[str, str], str]) -> Path:
    """The warehouse `presswatch run --demo` builds."""
    return demo_run[0]


def test_readme_shows_the_queries_this_test_runs() -> None:
    """The extraction finds the quick-start query and the reference pages' examples, so the tests below are not
    vacuous."""
    statements = [statement for _, statement in QUERIES]
    pages = {label.split(":")[0] for label, _ in QUERIES}

    assert "select person_id, count(*) from mentions group by 1 order by 2 desc" in statements
    assert len(statements) >= 16 and {"README.md", "warehouse.md", "operations.md"} <= pages


@pytest.mark.parametrize("query", [query for _, query in QUERIES], ids=[label for label, _ in QUERIES])
def test_readme_query_returns_rows_on_the_demo(demo_warehouse: Path, query: str) -> None:
    """The query runs as printed and answers with at least one row."""
    result = subprocess.run(
        [sys.executable, "-m", "flows.interface.cli", "sql", "--db", str(demo_warehouse), "--csv", query],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) >= 2, f"no rows:\n{result.stdout}"


def test_the_command_a_demo_run_suggests_works_as_printed(demo_run: tuple[Path, dict[str, str], str]) -> None:
    """The `Try:` line at the end of `make run` names presswatch so that a shell without the venv activated finds it,
    and the suggested query answers with rows."""
    _, environment, printed = demo_run
    suggestion = printed.split("Try: ", 1)[1].splitlines()[0]

    result = subprocess.run(
        suggestion, shell=True, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, env=environment,
    )

    assert result.returncode == 0, f"{suggestion}\n{result.stderr}"
    assert "keir-starmer" in result.stdout
