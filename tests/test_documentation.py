"""The README and docs/ tell the truth about the code: every command, target, setting and path they promise is
real, every command and setting is documented somewhere, and every link between the pages lands."""

from __future__ import annotations

import argparse
import ast
import re
import unicodedata
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
README = PROJECT_DIR / "README.md"
DOCS_DIR = PROJECT_DIR / "docs"
# docs/changes/ holds notes waiting to be merged into the reference pages; they are not the reference.
PAGES = [README, *sorted(DOCS_DIR.glob("*.md"))]
# Its README says what the notes are for; its links are checked with the pages'.
LINKED_PAGES = [*PAGES, *DOCS_DIR.glob("changes/README.md")]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6}) +(.*?) *#*$")
FENCE = re.compile(r"^```")


def documentation() -> str:
    """The README and every reference page, as one text to search."""
    return "\n".join(page.read_text(encoding="utf-8") for page in PAGES)


def without_code_blocks(text: str) -> list[str]:
    """The lines of a page outside fenced code, where links and headings mean something."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def anchor_of(heading: str) -> str:
    """The anchor GitHub gives a heading: markup and punctuation dropped, lower case, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    kept = "".join(
        character for character in text.lower()
        if character in " -_" or unicodedata.category(character)[0] in {"L", "N"}
    )
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every anchor of a page, numbered as GitHub numbers repeated headings."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in without_code_blocks(page.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if match:
            base = anchor_of(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(page: Path) -> list[str]:
    """The links of a page that point inside the repository (not to a web address)."""
    links = []
    for line in without_code_blocks(page.read_text(encoding="utf-8")):
        for target in LINK.findall(line.replace("``", "")):
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target):
                links.append(target)
    return links


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """`presswatch COMMAND` for every command, and `presswatch COMMAND ACTION` for every action of one, with the
    parser that reads its options."""
    from flows.interface.cli import build_parser

    parsers = {}
    for name, command in subcommands(build_parser()).items():
        parsers[f"presswatch {name}"] = command
        parsers.update({f"presswatch {name} {action}": parser for action, parser in subcommands(command).items()})
    return parsers


def command_names() -> list[str]:
    return list(command_parsers())


class TestCommandsDocumented:
    def test_every_command_and_action_is_documented(self) -> None:
        """Each `presswatch` command and each of its actions (`feeds add`, `alerts test`, ...) appears in the README
        or a reference page."""
        text = documentation()

        missing = [name for name in command_names() if name not in text]

        assert len(command_names()) > 12 and missing == []

    def test_every_option_is_in_the_full_command_list(self) -> None:
        """Each `--option` of a command appears in a usage line of that command in docs/operations.md, the list of
        every command in full."""
        usages = re.findall(r"`(presswatch [^`]*)`", (DOCS_DIR / "operations.md").read_text(encoding="utf-8"))
        missing = []
        for name, parser in command_parsers().items():
            written = " ".join(usage for usage in usages if usage == name or usage.startswith(f"{name} "))
            options = [
                option for action in parser._actions for option in action.option_strings
                if option.startswith("--") and option != "--help"
            ]
            missing += [f"{name} {option}" for option in options if option not in written]

        assert missing == []

    def test_the_readme_names_every_command(self) -> None:
        """A newcomer finds every command in the README itself, not only in the reference."""
        from flows.interface.cli import build_parser

        parser = build_parser()
        subparsers = next(action for action in parser._actions if action.dest == "command")
        readme = README.read_text(encoding="utf-8")

        missing = [name for name in subparsers.choices if f"presswatch {name}" not in readme]

        assert missing == []

    def test_every_make_target_is_in_the_readme(self) -> None:
        """Each `##`-documented Makefile target appears in the README."""
        makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
        targets = re.findall(r"^([a-z-]+):.*## ", makefile, flags=re.MULTILINE)
        readme = README.read_text(encoding="utf-8")

        missing = [target for target in targets if f"make {target}" not in readme]

        assert targets and missing == []


class TestSettingsDocumented:
    def test_every_setting_is_documented(self) -> None:
        """Each PRESSWATCH_ variable the code reads is documented in the README or a reference page."""
        from flows.config import describe_settings, settings_from_environment

        text = documentation()
        names = [name for name, _, _ in describe_settings(settings_from_environment({}), {})]

        missing = [name for name in names if name not in text]

        assert names and missing == []


class TestCodePaths:
    def test_every_code_path_the_documentation_names_exists(self) -> None:
        """Each `flows/...`, `transforms/...`, `warehouse/...`, `benchmarks/...` or `tests/...` path in the README
        or docs is a real file or folder, so the layout section and the pointers into the code stay true after a
        move."""
        named = set(
            re.findall(r"`((?:flows|transforms|warehouse|benchmarks|tests)/[\w/.]*)(?:`|::)", documentation())
        )
        placeholders = {path for path in named if "NNNN" in path}

        missing = sorted(path for path in named - placeholders if not (PROJECT_DIR / path).exists())

        assert len(named) > 20 and missing == []


def defines(path: Path, names: list[str]) -> bool:
    """Whether a test file defines the class, test or class::test a documentation row names."""
    scope: list[ast.stmt] = ast.parse(path.read_text(encoding="utf-8")).body
    for name in names:
        found = [node for node in scope if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name]
        if not found:
            return False
        scope = found[0].body
    return True


class TestNamedTests:
    def test_every_test_the_documentation_names_exists(self) -> None:
        """Each `tests/file.py::Class::test` in the README, docs and the fault matrix is a test that exists, so a
        renamed test cannot leave a fault row pointing at nothing."""
        named = set(re.findall(r"`(tests/[\w/.]+\.py)((?:::\w+)+)`", documentation()))

        missing = sorted(
            f"{path}{names}" for path, names in named
            if not (PROJECT_DIR / path).exists() or not defines(PROJECT_DIR / path, names.split("::")[1:])
        )

        assert len(named) > 30 and missing == []


class TestLinks:
    @pytest.mark.parametrize("page", LINKED_PAGES, ids=lambda page: page.relative_to(PROJECT_DIR).as_posix())
    def test_every_relative_link_lands(self, page: Path) -> None:
        """Each link to another page, or to a heading of a page, names a file that exists and a heading it has."""
        broken = []
        for target in relative_links(page):
            path_part, _, anchor = target.partition("#")
            destination = (page.parent / path_part).resolve() if path_part else page
            if not destination.exists():
                broken.append(f"{target}: no such file")
            elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
                broken.append(f"{target}: no such heading in {destination.name}")

        assert broken == []

    def test_the_readme_leads_to_every_reference_page(self) -> None:
        """Every page of docs/ is linked from the README, so a newcomer can reach all of the reference."""
        linked = {
            (README.parent / target.partition("#")[0]).resolve() for target in relative_links(README)
        }
        pages = set(DOCS_DIR.glob("*.md"))

        assert len(pages) >= 8 and {page.resolve() for page in pages} - linked == set()

    def test_the_anchor_rule_matches_github(self) -> None:
        """Headings with code, punctuation and capitals give GitHub's anchors, so the link check checks the
        anchors readers will follow."""
        assert anchor_of("Checking the seeds: `presswatch check`") == "checking-the-seeds-presswatch-check"
        assert anchor_of("Sources: feeds, news sitemaps, OPML") == "sources-feeds-news-sitemaps-opml"
        assert anchor_of("`seeds/people.csv`: one row per person") == "seedspeoplecsv-one-row-per-person"
