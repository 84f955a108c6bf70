"""The layout's promises, checked: pure transforms, SQL in files, every CLI command documented."""

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


class TestReadme:
    def test_every_cli_command_is_documented(self) -> None:
        """Each `presswatch` subcommand appears in the README."""
        from flows.cli import build_parser

        parser = build_parser()
        subparsers = next(action for action in parser._actions if action.dest == "command")
        readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")

        missing = [name for name in subparsers.choices if f"presswatch {name}" not in readme]

        assert missing == []

    def test_every_make_target_is_documented(self) -> None:
        """Each `##`-documented Makefile target appears in the README."""
        makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
        targets = re.findall(r"^([a-z-]+):.*## ", makefile, flags=re.MULTILINE)
        readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")

        missing = [target for target in targets if f"make {target}" not in readme]

        assert targets and missing == []


class TestSettingsDocumented:
    def test_every_setting_is_in_the_readme(self) -> None:
        """Each PRESSWATCH_ variable the code reads is documented in the README."""
        from flows.config import describe_settings, settings_from_environment

        readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
        names = [name for name, _, _ in describe_settings(settings_from_environment({}), {})]

        missing = [name for name in names if name not in readme]

        assert names and missing == []


# Modules that touch the process environment, and why: only config.py reads presswatch's settings from it.
ENVIRONMENT_READERS = {
    "flows/config.py": "the one place PRESSWATCH_ variables are read",
    "flows/orchestration/environment.py": "Prefect's own settings, decided before Prefect is imported",
    "flows/orchestration/supervisor.py": "hands the whole environment to the Runner process",
    "flows/orchestration/server.py": "hands the environment, without PREFECT_ variables, to the Prefect server",
    "flows/extraction.py": "hands the whole environment to the extraction workers",
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
