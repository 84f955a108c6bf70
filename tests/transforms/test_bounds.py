"""Tests for what the detect stage reads of one article and keeps from it."""

from __future__ import annotations

from transforms.bounds import detection_text, first_occurrences


class TestDetectionText:
    def test_a_text_within_the_limit_is_read_whole(self) -> None:
        """Up to max_chars the text is the text itself."""
        assert detection_text("Keir Starmer spoke.", 19) == "Keir Starmer spoke."

    def test_a_longer_text_is_cut_at_a_space_so_no_name_is_split(self) -> None:
        """The start of the text, ending before the word the limit falls in."""
        text = "Keir Starmer " * 10

        read = detection_text(text, 20)

        assert read == "Keir Starmer Keir"
        assert text.startswith(read)

    def test_a_text_without_spaces_is_cut_at_the_limit(self) -> None:
        """Nothing to cut at: exactly max_chars characters."""
        assert detection_text("x" * 50, 20) == "x" * 20


class TestFirstOccurrences:
    def test_each_subject_keeps_its_first_rows_and_the_overflow_is_counted(self) -> None:
        """At most limit rows per subject, in order; subjects over the limit report how many were found."""
        rows = ["a1", "b1", "a2", "a3", "b2", "a4"]

        kept, over = first_occurrences(rows, lambda row: row[0], 2)

        assert kept == ["a1", "b1", "a2", "b2"]
        assert over == {"a": 4}
