"""The layout's promises, checked: pure transforms, one composition root, the rooms of flows/ (what the README and
docs promise about commands, settings and paths is checked in test_documentation.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_TRANSFORMS = {"prefect", "duckdb", "httpx", "apprise", "requests", "urllib3", "socket"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


class TestTransformsArePure:
    @pytest.mark.parametrize("path", sorted((PROJECT_DIR / "transforms").glob("*.py")), ids=lambda p: p.name)
    def test_no_io_libraries_imported(self, path: Path) -> None:
        """A transforms module imports no orchestration, database or network library."""
        forbidden = imported_roots(path) & FORBIDDEN_IN_TRANSFORMS

        assert forbidden == set()

    def test_transforms_do_not_import_other_layers(self) -> None:
        """Transforms never reach up into flows or warehouse."""
        offenders = {
            path.name
            for path in (PROJECT_DIR / "transforms").glob("*.py")
            if imported_roots(path) & {"flows", "warehouse"}
        }

        assert offenders == set()


# Modules that touch the process environment, and why: only config.py reads presswatch's settings from it.
ENVIRONMENT_READERS = {
    "flows/config.py": "the one place PRESSWATCH_ variables are read",
    "flows/orchestration/environment.py": "Prefect's own settings, decided before Prefect is imported",
    "flows/orchestration/supervisor.py": "hands the whole environment to the Runner process",
    "flows/orchestration/server.py": "hands the environment, without PREFECT_ variables, to the Prefect server",
    "flows/adapters/extraction.py": "hands the whole environment to the extraction workers",
    "flows/orchestration/cluster.py": "hands the environment to the cluster's workers and S3 endpoint",
    "flows/orchestration/worker.py": "hands the environment (and its name, its warehouse) to each flow run",
    "flows/orchestration/sharded.py": "a shard's flow run learns which worker took it (the worker's variable)",
    "flows/interface/cluster_check.py": "reports the credentials and Prefect database variables this machine has",
}


class TestOneCompositionRoot:
    def test_only_the_composition_root_reads_the_environment(self) -> None:
        """Below the CLI nothing reads os.environ: settings arrive as one typed Settings passed down."""
        readers = set()
        for folder in ("flows", "transforms", "warehouse"):
            for path in (PROJECT_DIR / folder).rglob("*.py"):
                tree = ast.parse(path.read_text(encoding="utf-8"))
                for node in ast.walk(tree):
                    if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
                        readers.add(path.relative_to(PROJECT_DIR).as_posix())

        assert readers - set(ENVIRONMENT_READERS) == set()


def imported_modules(path: Path) -> set[str]:
    """Every absolute module a file imports, at the top or inside a function (a lazy import is still a dependency)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (PROJECT_DIR / folder).rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(PROJECT_DIR).as_posix()


class TestRooms:
    """flows/ has three rooms: orchestration (Prefect), adapters (the outside world), interface (what people type)."""

    def test_only_orchestration_imports_prefect(self) -> None:
        """Prefect is imported in flows/orchestration and nowhere else, so every other command starts without it."""
        importers = {
            relative(path)
            for path in python_files("flows", "transforms", "warehouse")
            if any(module.split(".")[0] == "prefect" for module in imported_modules(path))
        }

        assert importers and all(path.startswith("flows/orchestration/") for path in importers), importers

    def test_adapters_depend_on_nothing_above_them(self) -> None:
        """An adapter (HTTP, extraction workers, delivery, lock, demo) imports no stage, runner, interface or flow."""
        allowed = ("flows.adapters", "flows.config")
        reaching_up = {
            relative(path): sorted(
                module
                for module in imported_modules(path)
                if module.startswith("flows") and not module.startswith(allowed)
            )
            for path in python_files("flows/adapters")
        }

        assert {path: modules for path, modules in reaching_up.items() if modules} == {}

    def test_the_warehouse_never_imports_the_runtime(self) -> None:
        """warehouse/ (schema, loads, SQL) is used by flows/ and never uses it back."""
        offenders = {
            relative(path)
            for path in python_files("warehouse")
            if any(module.split(".")[0] == "flows" for module in imported_modules(path))
        }

        assert offenders == set()

    def test_nothing_but_the_interface_imports_the_interface(self) -> None:
        """Stages, adapters and orchestration never call into the CLI, console or report writer."""
        offenders = {
            relative(path): sorted(module for module in imported_modules(path) if module.startswith("flows.interface"))
            for path in python_files("flows")
            if not relative(path).startswith("flows/interface/")
        }

        assert {path: modules for path, modules in offenders.items() if modules} == {}


DATA_CHANGING_SQL = re.compile(r"(?i)^\s*(insert\s+(or\s+\w+\s+)?into|delete\s+from|merge\s+into|update\s+\S+\s+set)\s")


def sql_written_in(path: Path) -> list[str]:
    """The string literals (f-strings too) of a module that begin as a data-changing SQL statement."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            text = str(node.values[0].value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if DATA_CHANGING_SQL.match(text):
            found.append(text.strip().splitlines()[0])
    return found


class TestSqlLivesInWarehouse:
    def test_the_runtime_writes_no_sql_of_its_own(self) -> None:
        """flows/ changes the warehouse only through SQL files under warehouse/ (read_sql) or its load functions."""
        written = {relative(path): sql_written_in(path) for path in python_files("flows")}

        assert {path: statements for path, statements in written.items() if statements} == {}
