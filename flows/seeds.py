"""Reading the operator's files: the watchlist seeds and the feeds file, decoded (BOMs, UTF-16) and validated, with
every problem named by file, row and column. Light on purpose: `alerts preview` and `check` read seeds without
loading the fetch and extraction machinery the run stages need."""

from __future__ import annotations

from pathlib import Path

from transforms.feed_state import FeedSource
from transforms.seed_files import decode_seed, parse_feeds_csv
from transforms.watchlist import SEED_FILES, SeedError, Watchlist, parse_watchlist


def read_seed_files(seeds_dir: Path) -> dict[str, str]:
    """The watchlist files present in seeds_dir, decoded, keyed by file name (parse_watchlist says what is missing)."""
    files = {}
    for name in SEED_FILES:
        path = seeds_dir / name
        if path.is_file():
            files[name] = decode_seed(path.read_bytes(), f"{seeds_dir.name}/{name}")
    return files


def load_watchlist(seeds_dir: Path) -> Watchlist:
    """Read and validate the watchlist seeds (people, roles, topics)."""
    return parse_watchlist(read_seed_files(seeds_dir), directory=seeds_dir.name)


def parse_feeds_file(path: Path) -> list[FeedSource]:
    """The operator's feed list; a bad row or undecodable byte is a seed error naming file, row and problem."""
    if not path.is_file():
        raise SeedError(str(path), None, "feeds file is missing")
    rows = parse_feeds_csv(decode_seed(path.read_bytes(), path.name), path.name)
    return [FeedSource(row.source_id, row.name, row.feed_url, row.respect_robots) for row in rows]
