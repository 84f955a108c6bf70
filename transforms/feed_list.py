"""Editing the feeds file as text: rows appended under the header it already has, nothing else touched, with
source ids made from names."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence

from transforms.seed_cells import seed_csv
from transforms.seed_files import FEEDS_COLUMNS, FeedRow
from transforms.unique_ids import UniqueIds

NEW_FILE_HEADER = (*FEEDS_COLUMNS, "respect_robots")
ID_MAX_CHARS = 60
NON_ID = re.compile(r"[^a-z0-9]+")


def append_feed_rows(text: str, rows: Sequence[FeedRow]) -> str:
    """The feeds file's text with `rows` added at the end, in the file's own column order.

    Columns the file lacks are left out (a file without respect_robots keeps the default); an empty file gets the
    standard header. The existing text is kept byte for byte; the new cells are made safe for spreadsheets.
    """
    body = text.removeprefix("\ufeff")
    header = next(csv.reader(io.StringIO(body)), None) if body.strip() else None
    columns = [column.strip() for column in header] if header else list(NEW_FILE_HEADER)
    records = [] if header else [columns]
    for row in rows:
        values = {
            "source_id": row.source_id,
            "name": row.name,
            "feed_url": row.feed_url,
            "respect_robots": "true" if row.respect_robots else "false",
        }
        records.append([values.get(column, "") for column in columns])
    prefix = text if header else ""
    if prefix and not prefix.endswith(("\n", "\r")):
        prefix += "\n"
    return prefix + seed_csv(records)


def source_id_for(name: str, ids: UniqueIds) -> str:
    """A source id from a name: lower-case ASCII words joined by hyphens, numbered when already taken (and taken
    from then on). "Le Monde – À la une" becomes "le-monde-a-la-une"; a second "The Herald" becomes "the-herald-2".
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return ids.claim(NON_ID.sub("-", folded.lower()).strip("-")[:ID_MAX_CHARS].strip("-") or "feed")
