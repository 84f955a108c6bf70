"""Tests for sentence splitting of news text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.sentences import MAX_SENTENCE_CHARS, SentenceSplit, split_sentences


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


PIECES = "ab. ?!\n“”'\"MrDJX\t"


def line_by_line(text: str) -> list[tuple[int, int]]:
    """The spans of each line split alone, placed in the whole text: what a paragraph's own sentences are."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        spans += [(offset + start, offset + end) for start, end in split_sentences(line)]
        offset += len(line) + 1
    return spans


class TestLineByLine:
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "Headline\n\nMr. Musk posted. Sir Keir replied. Donald J. Trump did not.",
            "‘We will act.’ She left.\n  \nOne more line? Yes! U.S. officials said so.",
            "Posts on X. The row grew… Then it stopped.\n\n\n",
        ],
    )
    def test_each_line_splits_as_it_does_inside_the_text(self, text: str) -> None:
        """A paragraph's sentences are its own: quotes read them per paragraph from the whole text's split."""
        assert split_sentences(text) == line_by_line(text)

    @given(st.lists(st.sampled_from([*PIECES, "Government. ", "U.S. ", "approx. "]), max_size=40).map("".join))
    def test_each_line_splits_as_it_does_inside_the_text_for_any_text(self, text: str) -> None:
        """For any mix of stops, abbreviations, initials, quotes and line breaks, line by line gives the same."""
        assert split_sentences(text) == line_by_line(text)


class TestLongSentences:
    """A "sentence" a publisher never ends (no full stop in 120 KB) is cut into bounded pieces, so no work done
    per mention or quote inside it grows with the paragraph."""

    def test_a_paragraph_without_a_full_stop_is_cut_into_bounded_pieces_at_spaces(self) -> None:
        """Every piece is at most MAX_SENTENCE_CHARS long, ends at a word's end, and together they cover the text."""
        text = "Keir Starmer " * 9_230

        spans = split_sentences(text)

        assert len(spans) > 1
        assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
        assert all(text[end - 1] != " " and (end == len(text) or text[end] == " ") for _, end in spans)
        assert sum(len(text[start:end].split()) for start, end in spans) == 2 * 9_230

    def test_a_word_longer_than_the_bound_is_cut_inside(self) -> None:
        """Text without any space still comes out in bounded pieces, none lost."""
        text = "x" * (3 * MAX_SENTENCE_CHARS + 5)

        spans = split_sentences(text)

        assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
        assert sum(end - start for start, end in spans) == len(text)

    def test_normal_sentences_are_not_cut(self) -> None:
        """A sentence under the bound stays one sentence, however many words."""
        sentence = "The minister said " + "that the plan would work and " * 20 + "nothing else."

        assert sentences(sentence) == [sentence]

    @pytest.mark.parametrize("text", ["Keir Starmer " * 9_230, "a" * 5_001, "Short. " + "word " * 2_000 + "\nEnd."])
    def test_long_lines_split_alone_as_inside_the_text(self, text: str) -> None:
        """The bounded pieces of a long line are the same whether the line is split alone or in the text."""
        assert split_sentences(text) == line_by_line(text)


class TestSentenceSplit:
    def test_one_article_is_split_once_for_every_stage_that_reads_it(self) -> None:
        """The shared split gives split_sentences' spans, splitting only when first asked and never again."""
        text = "Musk hits back at Starmer\n\nMr. Musk met Dr. Jay. Then they left.\nA new line"
        split = SentenceSplit(text)

        assert not split.done
        spans = split.spans()
        assert split.done and spans == split_sentences(text)
        assert split.spans() is spans
        assert split.starts() == [start for start, _ in spans]

    def test_a_split_handed_over_for_other_text_is_refused(self) -> None:
        """A split belongs to the text it was made for: reading another text with it is a clear error."""
        with pytest.raises(ValueError, match="another text"):
            SentenceSplit("One. Two.").check("One. Three.")
