"""Tests for reading seed files as spreadsheets save them: byte-order marks, UTF-16, bad bytes, the feeds list."""

from __future__ import annotations

import codecs

import pytest

from transforms.seed_files import FeedRow, data_row, decode_seed, parse_feeds_csv
from transforms.watchlist import SeedError

FEEDS = "source_id,name,feed_url\nbbc,BBC Politics,https://feeds.example.org/politics.xml\n"


class TestDecodeSeed:
    @pytest.mark.parametrize(
        "data",
        [
            FEEDS.encode("utf-8"),
            codecs.BOM_UTF8 + FEEDS.encode("utf-8"),
            FEEDS.encode("utf-16"),  # Excel's "Unicode Text": a mark, then UTF-16
            codecs.BOM_UTF16_BE + FEEDS.encode("utf-16-be"),
            FEEDS.encode("utf-16-le"),  # no mark: recognised by its zero bytes
            FEEDS.encode("utf-32"),
        ],
        ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-be-bom", "utf-16-le-no-bom", "utf-32"],
    )
    def test_every_text_encoding_a_spreadsheet_saves_reads_the_same(self, data: bytes) -> None:
        """UTF-8 with or without a byte-order mark, UTF-16 and UTF-32 all give the same text, mark removed."""
        assert decode_seed(data, "feeds.csv") == FEEDS

    def test_a_bad_byte_names_file_row_and_byte(self) -> None:
        """A Windows-1252 "é" in the second data row is reported with the file, the row and the byte."""
        data = (FEEDS + "lemonde,Le Monde,https://example.fr/\n").encode("utf-8").replace(b"Le Monde", b"Le Mond\xe9")

        with pytest.raises(SeedError) as caught:
            decode_seed(data, "seeds/feeds.csv")

        assert str(caught.value) == ('seeds/feeds.csv row 2: byte 0xe9 is not valid UTF-8 text; save it as "CSV UTF-8"')

    def test_a_bad_byte_in_the_header_names_no_row(self) -> None:
        """A bad byte in the header line is reported against the file alone."""
        with pytest.raises(SeedError) as caught:
            decode_seed(b"source_id,n\xffame,feed_url\n", "feeds.csv")

        assert (caught.value.row, caught.value.problem) == (
            None,
            'byte 0xff is not valid UTF-8 text; save it as "CSV UTF-8"',
        )

    def test_truncated_utf16_is_a_located_error(self) -> None:
        """UTF-16 with an odd trailing byte is an error naming the file and the row it would start, not a traceback."""
        with pytest.raises(SeedError, match=r"^people\.csv row 2: byte 0x0a is not valid UTF-16 text"):
            decode_seed(codecs.BOM_UTF16_LE + "person_id,name\na,A B\n".encode("utf-16-le") + b"\n", "people.csv")

    @pytest.mark.parametrize(
        ("prefix", "row"),
        [("", None), ("a,b", None), ("a,b\n", 1), ("a,b\nc,d", 1), ('a,b\n"multi\nline",x\n', 2)],
    )
    def test_rows_count_records_not_lines(self, prefix: str, row: int | None) -> None:
        """The row is the CSV record the problem starts in, counted from the first row under the header."""
        assert data_row(prefix) == row


class TestParseFeedsCsv:
    def test_excel_bom_feeds_file_reads(self) -> None:
        """A feeds file saved as Excel "CSV UTF-8" (with a byte-order mark) lists its feeds."""
        text = decode_seed(codecs.BOM_UTF8 + FEEDS.encode(), "feeds.csv")

        assert parse_feeds_csv(text, "feeds.csv") == [
            FeedRow("bbc", "BBC Politics", "https://feeds.example.org/politics.xml", True)
        ]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("name,feed_url\nx,https://a.example/\n", "feeds.csv: missing column(s): source_id"),
            (FEEDS + "bbc,Again,https://b.example/\n", "feeds.csv row 2: duplicate source_id 'bbc'"),
            (
                FEEDS + "local,Disk,file:///etc/passwd\n",
                "feeds.csv row 2: feed_url must be http(s), got 'file:///etc/passwd'",
            ),
            ("source_id,name,feed_url\n", "feeds.csv: no feeds listed"),
        ],
    )
    def test_problems_name_file_and_row(self, text: str, message: str) -> None:
        """Each feeds-file mistake is one line naming the file, the row and the problem."""
        with pytest.raises(SeedError) as caught:
            parse_feeds_csv(text, "feeds.csv")

        assert str(caught.value) == message

    def test_respect_robots_column_is_optional(self) -> None:
        """respect_robots defaults to true and accepts false/no/0."""
        text = "source_id,name,feed_url,respect_robots\na,A,https://a.example/,no\nb,B,https://b.example/,\n"

        assert [row.respect_robots for row in parse_feeds_csv(text, "feeds.csv")] == [False, True]
