"""Seed files as people save them: bytes in, validated text and rows out, every problem named by file and row.

Spreadsheets save CSV in several ways: Excel's "CSV UTF-8" starts with a byte-order mark, "Unicode Text" is
UTF-16, and older "CSV" exports are Windows-1252. The first two are read as they are; anything that is not
valid text stops the run with the file, the row and the byte, instead of a codec's bare message.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from transforms.urls import without_credentials
from transforms.watchlist import SeedError

FEEDS_COLUMNS = ("source_id", "name", "feed_url")
SAVE_AS_UTF8 = 'save it as "CSV UTF-8"'
# Longest marks first: the UTF-32 little-endian mark begins with the UTF-16 one.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True)
class FeedRow:
    """One row of the operator's feeds file."""

    source_id: str
    name: str
    feed_url: str
    respect_robots: bool = True


def decode_seed(data: bytes, file: str) -> str:
    """The text of a seed file: UTF-8 with or without a byte-order mark, or UTF-16/32 with one.

    UTF-16 saved without a mark is recognised by its zero bytes. Bytes that are not text raise SeedError
    naming the file, the data row (counted like every seed row, from the first row under the header) and
    the byte.
    """
    encoding, label, body = "utf-8", "UTF-8", data
    for mark, name, mark_label in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            encoding, label, body = name, mark_label, data[len(mark) :]
            break
    else:
        guessed = _unmarked_utf16(data)
        if guessed is not None:
            encoding, label = guessed, "UTF-16"
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        prefix = body[: error.start].decode(encoding, errors="replace")
        bad = body[error.start : error.start + 1].hex()
        raise SeedError(file, data_row(prefix), f"byte 0x{bad} is not valid {label} text; {SAVE_AS_UTF8}") from None
    if "\x00" in text:
        raise SeedError(file, data_row(text[: text.index("\x00")]), f"contains a zero byte; {SAVE_AS_UTF8}")
    return text


def _unmarked_utf16(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when most bytes at odd/even offsets are zero (ASCII saved as UTF-16), else None."""
    sample = data[:4000]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    odd_zeros = sample[1::2].count(0) / len(sample[1::2])
    even_zeros = sample[0::2].count(0) / len(sample[0::2])
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def data_row(prefix: str) -> int | None:
    """The 1-based data row (the header is row None) in which the text that follows prefix begins."""
    try:
        records = sum(1 for _ in csv.reader(io.StringIO(prefix)))
    except csv.Error:  # the prefix ends inside a quoted cell; count lines instead
        records = prefix.count("\n") + 1
    if not prefix or prefix.endswith(("\n", "\r")):
        records += 1  # the problem opens a new record
    return records - 1 if records > 1 else None


def parse_feeds_csv(text: str, file: str) -> list[FeedRow]:
    """The feed list from the feeds file's text; a bad row is a SeedError naming file, row and problem."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [(column or "").strip() for column in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [column for column in FEEDS_COLUMNS if column not in header]
    if missing:
        raise SeedError(file, None, f"missing column(s): {', '.join(missing)}")
    rows: list[FeedRow] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=1):
        source_id = (row.get("source_id") or "").strip()
        feed_url = (row.get("feed_url") or "").strip()
        if not source_id or not feed_url:
            raise SeedError(file, number, "source_id and feed_url must not be empty")
        if source_id in seen:
            raise SeedError(file, number, f"duplicate source_id {source_id!r}")
        if not feed_url.startswith(("http://", "https://")):
            raise SeedError(file, number, f"feed_url must be http(s), got {without_credentials(feed_url)!r}")
        if without_credentials(feed_url) != feed_url:
            raise SeedError(file, number, "feed_url carries a user name or password, which presswatch never sends")
        seen.add(source_id)
        robots = (row.get("respect_robots") or "true").strip().lower() not in {"false", "no", "0"}
        rows.append(FeedRow(source_id, (row.get("name") or source_id).strip(), feed_url, robots))
    if not rows:
        raise SeedError(file, None, "no feeds listed")
    return rows
