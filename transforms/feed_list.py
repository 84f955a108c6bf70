"""Editing the feeds file as text: rows appended under the header it already has, nothing else touched."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from transforms.seed_files import FEEDS_COLUMNS, FeedRow

NEW_FILE_HEADER = (*FEEDS_COLUMNS, "respect_robots")


def append_feed_rows(text: str, rows: Sequence[FeedRow]) -> str:
    """The feeds file's text with `rows` added at the end, in the file's own column order.

    Columns the file lacks are left out (a file without respect_robots keeps the default); an empty file gets the
    standard header. The existing text is kept byte for byte.
    """
    body = text.removeprefix("\ufeff")
    header = next(csv.reader(io.StringIO(body)), None) if body.strip() else None
    columns = [column.strip() for column in header] if header else list(NEW_FILE_HEADER)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if not header:
        writer.writerow(columns)
    for row in rows:
        values = {
            "source_id": row.source_id,
            "name": row.name,
            "feed_url": row.feed_url,
            "respect_robots": "true" if row.respect_robots else "false",
        }
        writer.writerow([values.get(column, "") for column in columns])
    prefix = text if header else ""
    if prefix and not prefix.endswith(("\n", "\r")):
        prefix += "\n"
    return prefix + out.getvalue()
