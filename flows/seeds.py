"""Reading the operator's files: the watchlist seeds and the feeds file, decoded (BOMs, UTF-16) and validated, with
every problem named by file, row and column. Light on purpose: `alerts preview` and `check` read seeds without
loading the fetch and extraction machinery the run stages need."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transforms.feed_state import FeedSource
from transforms.seed_files import decode_seed, parse_feeds_csv
from transforms.watchlist import SEED_FILES, SeedError, Watchlist, parse_watchlist


def read_seed_files(seeds_dir: Path, additions: Sequence[Path] = ()) -> dict[str, str]:
    """The watchlist files present in seeds_dir, decoded, keyed by file name (parse_watchlist says what is missing),
    with the rows of each additional people file appended to people.csv."""
    files = {}
    for name in SEED_FILES:
        path = seeds_dir / name
        if path.is_file():
            files[name] = decode_seed(path.read_bytes(), f"{seeds_dir.name}/{name}")
    for path in additions:
        files[PEOPLE_FILE] = append_people(files.get(PEOPLE_FILE, ""), path)
    return files


def append_people(people: str, path: Path) -> str:
    """people.csv's text with another people file's rows after its own; both must have the same header."""
    label = f"{path.parent.name}/{path.name}"
    header, _, rows = decode_seed(path.read_bytes(), label).partition("\n")
    if not people.strip():
        return f"{header}\n{rows}"
    if header.strip() != people.partition("\n")[0].strip():
        raise SeedError(label, 1, f"its columns differ from {PEOPLE_FILE}'s")
    return f"{people.rstrip()}\n{rows}"


def load_watchlist(seeds_dir: Path, additions: Sequence[Path] = ()) -> Watchlist:
    """Read and validate the watchlist seeds (people, roles, topics), with any additional people files."""
    return parse_watchlist(read_seed_files(seeds_dir, additions), directory=seeds_dir.name)


PEOPLE_FILE = "people.csv"


def parse_feeds_file(path: Path) -> list[FeedSource]:
    """The operator's feed list; a bad row or undecodable byte is a seed error naming file, row and problem."""
    if not path.is_file():
        raise SeedError(str(path), None, "feeds file is missing")
    rows = parse_feeds_csv(decode_seed(path.read_bytes(), path.name), path.name)
    return [FeedSource(row.source_id, row.name, row.feed_url, row.respect_robots) for row in rows]
