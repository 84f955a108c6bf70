"""Tests for sentence splitting of news text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.sentences import count_sentences, split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


class TestSplitSentences:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Musk hits back at Starmer\n\nThe row grew. It went on.",
             ["Musk hits back at Starmer", "The row grew.", "It went on."]),
            ("Mr. Musk met Dr. Jay and Prof. Lee at St. Albans. Then they left.",
             ["Mr. Musk met Dr. Jay and Prof. Lee at St. Albans.", "Then they left."]),
            ("Donald J. Trump spoke. J. K. Rowling did not.", ["Donald J. Trump spoke.", "J. K. Rowling did not."]),
            ("He posted on X. The row grew.", ["He posted on X.", "The row grew."]),
            ("“We will act,” she said. “Now!” He left.", ["“We will act,” she said.", "“Now!”", "He left."]),
            ('He said "No." Then he left.', ['He said "No."', "Then he left."]),
            ("Is it over? Not yet! Wait… 3 more days.", ["Is it over?", "Not yet!", "Wait…", "3 more days."]),
            ("The figure rose 3.5 per cent, e.g. in Leeds.", ["The figure rose 3.5 per cent, e.g. in Leeds."]),
            ("First line\nSecond line", ["First line", "Second line"]),
        ],
    )  # fmt: skip
    def test_splits_where_a_reader_would(self, text: str, expected: list[str]) -> None:
        """Sentences end at full stops, question and exclamation marks and line breaks, not at abbreviations."""
        assert sentences(text) == expected

    @pytest.mark.parametrize("text", ["", "   ", "\n\n\n"])
    def test_blank_text_has_no_sentences(self, text: str) -> None:
        """Text with nothing but whitespace yields no spans."""
        assert split_sentences(text) == []

    @given(st.text(alphabet=st.sampled_from(list("ab. ?!\n“”'\"MrDJX")), max_size=80))
    def test_spans_are_ordered_trimmed_and_inside_the_text(self, text: str) -> None:
        """Spans never overlap, never start or end in whitespace and stay within the text."""
        spans = split_sentences(text)

        assert all(0 <= start < end <= len(text) for start, end in spans)
        assert all(spans[index][1] <= spans[index + 1][0] for index in range(len(spans) - 1))
        assert all(not text[start].isspace() and not text[end - 1].isspace() for start, end in spans)


class TestCountSentences:
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "Headline\n\nMr. Musk posted. Sir Keir replied. Donald J. Trump did not.",
            "‘We will act.’ She left.\n  \nOne more line? Yes! U.S. officials said so.",
            "Posts on X. The row grew… Then it stopped.\n\n\n",
        ],
    )
    def test_count_matches_the_split(self, text: str) -> None:
        """count_sentences gives the number of spans split_sentences finds, without building them."""
        assert count_sentences(text) == len(split_sentences(text))

    @given(st.text(alphabet=st.sampled_from(list("ab. ?!\n“”'\"MrDJX\t")), max_size=80))
    def test_count_matches_the_split_for_any_text(self, text: str) -> None:
        """For any mix of stops, abbreviations, initials, quotes and line breaks the count equals the split."""
        assert count_sentences(text) == len(split_sentences(text))
