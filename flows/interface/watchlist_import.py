"""`presswatch watchlist ...`: office history from a Wikidata query result into the seeds folder.

The merging and validation are pure (transforms.role_import); this module reads the files, writes the new
ones atomically (a crash leaves the old file, never half a file) and words the summary.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from transforms.role_import import ImportSummary, build_query, merge_role_holders, parse_query_result
from transforms.seed_files import decode_seed
from transforms.watchlist import SEED_FILES, parse_watchlist

SHOWN_NAMES = 8  # untracked holders named in the summary before "and N more"


def read_seeds(seeds_dir: Path) -> dict[str, str]:
    """The seed files present in seeds_dir, decoded like a run decodes them."""
    return {
        name: decode_seed((seeds_dir / name).read_bytes(), f"{seeds_dir.name}/{name}")
        for name in SEED_FILES
        if (seeds_dir / name).is_file()
    }


def import_roles(result_file: Path, seeds_dir: Path, *, add_people: bool = False, dry_run: bool = False) -> str:
    """Merge the query result into seeds_dir/role_holders.csv (and people.csv with add_people); the summary."""
    if not result_file.is_file():
        raise FileNotFoundError(f"{result_file}: no such file")
    statements = parse_query_result(decode_seed(result_file.read_bytes(), result_file.name), result_file.name)
    files = read_seeds(seeds_dir)
    merged = merge_role_holders(
        statements, files, source=result_file.name, add_people=add_people, directory=seeds_dir.name
    )
    if not dry_run:
        _write_atomically(seeds_dir / "role_holders.csv", merged.role_holders)
        if merged.people is not None:
            _write_atomically(seeds_dir / "people.csv", merged.people)
    return describe(merged.summary, len(statements), seeds_dir, dry_run=dry_run)


def roles_query(seeds_dir: Path) -> str:
    """The Wikidata query for the offices in seeds_dir/roles.csv."""
    watchlist = parse_watchlist(read_seeds(seeds_dir), directory=seeds_dir.name)
    return build_query(watchlist.roles)


def describe(summary: ImportSummary, statements: int, seeds_dir: Path, *, dry_run: bool) -> str:
    """A few lines a person can act on: what changed, who was skipped and why."""
    # A dry run changes nothing, so every count is said as what would happen.
    verb, done, kept = ("would change", "would be added", "would be kept") if dry_run else ("changed", "added", "kept")
    replaced = "would be replaced" if dry_run else "replaced"
    lines = [
        f"{statements} statements read; {seeds_dir.name}/role_holders.csv {verb}: {summary.added} periods {done}, "
        f"{summary.replaced} {replaced}, {summary.unchanged} unchanged, {summary.kept} typed rows {kept}."
    ]
    if summary.people_added:
        lines.append(f"{len(summary.people_added)} people {done} to people.csv: {_names(summary.people_added)}.")
    if summary.untracked:
        lines.append(
            f"{len(summary.untracked)} holders are not in people.csv and were skipped "
            f"({_names(summary.untracked)}); add them to people.csv, or import with --add-people."
        )
    if summary.unknown_offices:
        lines.append(
            f"Offices not in roles.csv, skipped: {_names(summary.unknown_offices)} (give the role its wikidata_id "
            "or the office's name)."
        )
    lines += [f"Note: {note}" for note in summary.notes]
    return "\n".join(lines)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown if len(names) <= SHOWN_NAMES else f"{shown} and {len(names) - SHOWN_NAMES} more"


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
