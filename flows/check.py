"""`presswatch check`: every problem in the seeds folder and the feeds file at once, in well under a second.

Only the seed parsers are imported (no Prefect, no HTTP client, no DuckDB): the check is the same validation a
run starts with, run to the end instead of stopping at the first problem. `--online` also fetches each feed once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flows.config import Settings
from transforms.alert_rules import parse_alert_rules
from transforms.seed_check import Problem, SeedFile, collect_problems
from transforms.seed_files import decode_seed, parse_feeds_csv
from transforms.watchlist import SEED_FILES, SeedError, parse_watchlist

RULES_FILE = "alert_rules.csv"


@dataclass(frozen=True)
class CheckResult:
    """The problems found and what was read."""

    problems: list[Problem]
    files: list[Path]
    feeds: int
    people: int


def check_seeds(seeds_dir: Path, feeds_file: Path) -> CheckResult:
    """Validate the seeds folder's files, the alert rules and the feeds file; every problem, in file order."""
    problems: list[Problem] = []
    files: list[Path] = []
    # Only people.csv is required; a missing optional file means none (parse_watchlist says which is which).
    watchlist = {name: seeds_dir / name for name in SEED_FILES if (seeds_dir / name).is_file()}
    texts = {name: _read(path, _label(seeds_dir, name), problems) for name, path in watchlist.items()}
    files += watchlist.values()
    directory = seeds_dir.name

    def parse_seeds(current: Mapping[str, str]) -> object:
        return parse_watchlist(current, directory=directory)

    seed_files = {name: SeedFile(_label(seeds_dir, name), text) for name, text in texts.items()}
    found = collect_problems(parse_seeds, seed_files)
    problems += [_relabel(problem, seeds_dir) for problem in found]
    people = 0 if found else len(parse_watchlist(texts, directory=directory).people)

    rules_path = seeds_dir / RULES_FILE
    if rules_path.is_file():  # without one, runs use the project's shipped rules
        files.append(rules_path)
        problems += _check_one(rules_path, _label(seeds_dir, RULES_FILE), _parse_rules, problems)

    feeds = 0
    if not feeds_file.is_file():
        hint = "create it, or run presswatch feeds add URL"
        problems.append(Problem(str(feeds_file), None, None, "feeds file is missing", hint))
    else:
        files.append(feeds_file)
        found = _check_one(feeds_file, str(feeds_file), lambda text, name: parse_feeds_csv(text, name), problems)
        problems += found
        if not found:
            feeds = len(parse_feeds_csv(decode_seed(feeds_file.read_bytes(), feeds_file.name), feeds_file.name))
    return CheckResult(problems=problems, files=files, feeds=feeds, people=people)


def _parse_rules(text: str, name: str) -> object:
    return parse_alert_rules(text, file=name)


def _check_one(
    path: Path, label: str, parse: Callable[[str, str], object], problems: list[Problem]
) -> list[Problem]:
    """Problems of one file whose parser numbers rows as csv.DictReader does (blank lines not counted)."""
    text = _read(path, label, problems)
    name = path.name

    def parse_file(current: Mapping[str, str]) -> object:
        if name not in current:
            raise SeedError(name, None, "file is missing")
        return parse(current[name], name)

    return collect_problems(parse_file, {name: SeedFile(label, text, counts_blank_rows=False)})


def _read(path: Path, label: str, problems: list[Problem]) -> str:
    """The file's text; bytes that are not text are a problem, and the rest of the file is still checked."""
    data = path.read_bytes()
    try:
        return decode_seed(data, label)
    except SeedError as error:
        problems.append(Problem(label, error.row, None, error.problem))
        return data.decode("utf-8", errors="replace").removeprefix("\ufeff").replace("\x00", "")


def _label(seeds_dir: Path, name: str) -> str:
    return str(seeds_dir / name)


def _relabel(problem: Problem, seeds_dir: Path) -> Problem:
    """Parsers name watchlist files by folder name; show the path the user gave instead."""
    name = Path(problem.file).name
    if problem.file == f"{seeds_dir.name}/{name}":
        return Problem(_label(seeds_dir, name), problem.row, problem.column, problem.message, problem.hint)
    return problem


def print_check(result: CheckResult, out: Callable[[str], None] = print) -> int:
    """Every problem, one a line, then a summary; 1 when there is any problem."""
    for problem in result.problems:
        out(str(problem))
    if result.problems:
        files = len({problem.file for problem in result.problems})
        out(f"{len(result.problems)} problem(s) in {files} file(s); nothing was changed.")
        return 1
    out(f"OK: {len(result.files)} files, {result.people} people, {result.feeds} feeds.")
    return 0


def check_online(feeds_file: Path, settings: Settings, out: Callable[[str], None] = print) -> int:
    """Fetch every feed once and say what it is: feed, sitemap, web page (with the feeds it advertises), unreachable.

    Exit 1 when any feed would not yield entries in a run as it answered now.
    """
    from flows.discovery import probe_sources
    from flows.feed_commands import describe_probe
    from flows.fetching import FeedSource

    rows = parse_feeds_csv(decode_seed(feeds_file.read_bytes(), feeds_file.name), feeds_file.name)
    sources = [FeedSource(row.source_id, row.name, row.feed_url, row.respect_robots) for row in rows]
    probes = probe_sources(sources, settings=settings.fetch, now=datetime.now(UTC))
    width = max(len(row.source_id) for row in rows)
    failing = 0
    for row, probe in zip(rows, probes, strict=True):
        out(f"{row.source_id:<{width}}  {describe_probe(probe)}")
        if probe.kind == "html":
            advertised = ", ".join(probe.advertised) or "none"
            out(f"{'':<{width}}  advertises: {advertised}")
        failing += not probe.usable
    out(f"{len(rows) - failing} of {len(rows)} feeds answer as feeds or news sitemaps.")
    return 1 if failing else 0
