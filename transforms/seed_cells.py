"""What presswatch writes into a seed file, made safe to open in a spreadsheet (the README's way of editing seeds).

Every writer of seed files (feeds import and add, watchlist import-roles) serialises through `seed_csv`, so one
rule decides every cell: control characters become a space, and a cell a spreadsheet would run as a formula is
kept as text by a leading apostrophe (the OWASP advice for CSV injection). Numbers and URLs are left alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_LEADS = ("=", "+", "-", "@")  # tab and carriage return lead formulas too; they are controls, gone below
TEXT_MARK = "'"
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: each run becomes one space.
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: str) -> str:
    """`value` as one line of text no spreadsheet would evaluate.

    "=HYPERLINK(...)" becomes "'=HYPERLINK(...)", "+972 Magazine" becomes "'+972 Magazine", "Politics\\nHome"
    becomes "Politics Home"; "-12.5" and "https://..." are kept as they are. Applying it twice changes nothing.
    """
    text = CONTROLS.sub(" ", value).strip()
    if text.startswith(FORMULA_LEADS) and not NUMBER.fullmatch(text):
        return TEXT_MARK + text
    return text


def seed_csv(records: Iterable[Sequence[str]]) -> str:
    """Records (the header first, if any) as seed-file CSV text, every cell passed through spreadsheet_safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([spreadsheet_safe(cell) for cell in record] for record in records)
    return out.getvalue()
