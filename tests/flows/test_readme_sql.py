"""Every query the README shows answers with rows on the warehouse the demo run builds, through `presswatch sql`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[2]
README = PROJECT_DIR / "README.md"
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
    """Statements of the README's ```sql blocks, and the queries its shell blocks pass to `presswatch sql`."""
    queries = []
    for language, body in CODE_BLOCK.findall(README.read_text(encoding="utf-8")):
        if language == "sql":
            queries += sql_statements(body)
        else:
            queries += [(f"presswatch sql {query}", query) for query in SQL_COMMAND.findall(body)]
    return queries


QUERIES = readme_queries()


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse `presswatch run --demo` builds, in a directory of its own."""
    work = tmp_path_factory.mktemp("readme")
    db = work / "presswatch.duckdb"
    environment = {
        **os.environ,
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
    return db


def test_readme_shows_the_queries_this_test_runs() -> None:
    """The extraction finds the quick-start query and the example block, so the tests below are not vacuous."""
    statements = [statement for _, statement in QUERIES]

    assert "select person_id, count(*) from mentions group by 1 order by 2 desc" in statements
    assert len(statements) >= 9


@pytest.mark.parametrize("query", [query for _, query in QUERIES], ids=[label for label, _ in QUERIES])
def test_readme_query_returns_rows_on_the_demo(demo_warehouse: Path, query: str) -> None:
    """The query runs as printed and answers with at least one row."""
    result = subprocess.run(
        [sys.executable, "-m", "flows.interface.cli", "sql", "--db", str(demo_warehouse), "--csv", query],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) >= 2, f"no rows:\n{result.stdout}"
