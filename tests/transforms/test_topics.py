"""Tests for detecting watchlist topics in article text."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.sentences import MAX_SNIPPET_CHARS, SentenceSplit
from transforms.topics import TopicDetector
from transforms.watchlist import WATCHLIST_FILES, parse_watchlist

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def detector() -> TopicDetector:
    """The detector over the project's default topics, which are part of what this test checks."""
    return TopicDetector(
        parse_watchlist({name: (SEEDS / name).read_text(encoding="utf-8") for name in WATCHLIST_FILES})
    )


def found(detector: TopicDetector, text: str) -> list[tuple[str, str]]:
    return [(hit.topic_id, hit.matched_text) for hit in detector.detect(text)]


class TestTopicDetector:
    @pytest.mark.parametrize(
        "text",
        ["Headline\n\nNHS waiting lists grew. Mr. Musk spoke.\nA grooming gang was jailed.",
         "Headline\n\nNothing here is a topic. Nor here."],
    )  # fmt: skip
    def test_a_shared_split_gives_the_same_hits_and_is_split_only_for_a_hit(
        self, detector: TopicDetector, text: str
    ) -> None:
        """Topics read with the split the other stages share are the same; text without a topic is not split."""
        split = SentenceSplit(text)
        hits = detector.detect(text, split)

        assert hits == detector.detect(text)
        assert split.done == bool(hits)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("A grooming gang was jailed.", [("grooming-gangs", "grooming gang")]),
         ("Grooming gangs were jailed.", [("grooming-gangs", "Grooming gangs")]),
         ("Calls for public inquiries grew.", [("national-inquiry", "public inquiries")]),
         ("NHS waiting lists grew.", [("nhs", "NHS"), ("nhs", "waiting lists")]),
         ("IICSA reported on CSE.", [("national-inquiry", "IICSA"), ("grooming-gangs", "CSE")])],
    )  # fmt: skip
    def test_terms_inflections_and_acronyms(
        self, detector: TopicDetector, text: str, expected: list[tuple[str, str]]
    ) -> None:
        """Terms match in any case and number; acronyms match in capitals."""
        assert found(detector, text) == expected

    @pytest.mark.parametrize("text", ["The nhs logo.", "Iicsa was misspelt.", "The cse figures."])
    def test_acronyms_in_lower_case_do_not_count(self, detector: TopicDetector, text: str) -> None:
        """An acronym written in lower case is not the acronym."""
        assert found(detector, text) == []

    @pytest.mark.parametrize(
        "text",
        ["He posts on X daily.", "He bought X, formerly Twitter, in 2022.", "The owner of X spoke.",
         "A boycott of X began.", "Ministers may quit X.", "His X account grew."],
    )  # fmt: skip
    def test_x_in_a_platform_context_is_social_media(self, detector: TopicDetector, text: str) -> None:
        """A capital X counts as the platform when the words around it say so, and only the X is recorded."""
        hits = detector.detect(text)

        assert [(hit.topic_id, hit.matched_text) for hit in hits][:1] == [("social-media", "X")]
        assert text[hits[0].char_start : hits[0].char_end] == "X"

    @pytest.mark.parametrize(
        "text",
        ["An X-ray showed it.", "Generation X voters.", "Option X was rejected.", "She was on X Factor.",
         "Mark it with an X.", "He relied on x and y.", "They voted on X-rated films."],
    )  # fmt: skip
    def test_x_elsewhere_is_not_social_media(self, detector: TopicDetector, text: str) -> None:
        """X-ray, Generation X, list labels, TV shows and lower-case x are not the platform."""
        assert found(detector, text) == []

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("Radio interference hit the broadcast.", []),
         ("Election interference was alleged.", [("foreign-interference", "interference")])],
    )  # fmt: skip
    def test_co_terms_are_required_in_the_sentence(
        self, detector: TopicDetector, text: str, expected: list[tuple[str, str]]
    ) -> None:
        """A topic with co-terms counts only when one shares the sentence."""
        assert found(detector, text) == expected

    def test_longest_phrase_wins_across_topics(self, detector: TopicDetector) -> None:
        """The inquiry's full name is one inquiry hit, not also a child-abuse hit inside it."""
        text = "The Independent Inquiry into Child Sexual Abuse reported."

        assert found(detector, text) == [("national-inquiry", "Independent Inquiry into Child Sexual Abuse")]

    def test_hits_carry_sentence_and_snippet(self, detector: TopicDetector) -> None:
        """Each hit records the sentence index and the sentence text as evidence."""
        hits = detector.detect("Headline\n\nFirst. Waiting lists grew.")

        assert [(hit.sentence_index, hit.snippet, hit.char_start) for hit in hits] == [(2, "Waiting lists grew.", 17)]

    def test_a_120_kb_paragraph_without_a_full_stop_keeps_snippets_bounded(self, detector: TopicDetector) -> None:
        """A term repeated through one endless paragraph: each hit's snippet is a bounded window holding it."""
        text = "Headline\n\n" + "grooming gangs and election interference " * 3_000

        hits = detector.detect(text)

        assert {hit.topic_id for hit in hits} == {"grooming-gangs", "foreign-interference"}
        assert len(hits) == 6_000
        assert max(len(hit.snippet) for hit in hits) <= MAX_SNIPPET_CHARS
        assert all(hit.matched_text in hit.snippet for hit in hits)
