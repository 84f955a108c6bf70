"""Tests for transforms.stories: wire copies share a story, different events do not, ids are stable."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from transforms.stories import (
    MAX_CANDIDATES,
    StoredArticle,
    StoryInput,
    StoryMatcher,
    assign_stories,
    print_of,
    print_text,
    shingle_hashes,
    shingle_jaccard,
)

CLUSTER_SET = Path(__file__).resolve().parents[1] / "eval" / "clusters" / "articles.json"

WIRE = (
    "Refuse collectors in Dunmore have voted to strike for two weeks from Monday in a dispute over a restructuring "
    "that the union says would cut the pay of some drivers by up to 3,000 pounds a year. The council says the "
    "changes are needed to make pay fair across all staff and that contingency plans are in place. Residents have "
    "been asked to keep bins inside until collections resume and to use the temporary drop-off points."
)
OTHER_EVENT = (
    "The bin strike in Dunmore has ended after refuse collectors voted to accept a revised offer, and collections "
    "will resume on Monday with extra crews clearing the backlog. Drivers will keep their current pay for three "
    "years while the new grades are phased in, the council said after talks that lasted into the night."
)
START = datetime(2025, 4, 10, 7, 0, tzinfo=UTC)


def article(
    article_id: str, text: str, *, title: str = "Dunmore bin workers to strike", hours: float = 0, source: str = "wire"
) -> StoryInput:
    return StoryInput(article_id, title, text, START + timedelta(hours=hours), source)


class TestAssignStories:
    def test_syndicated_copies_share_the_first_copys_id(self) -> None:
        """Copies of one wire story with different sign-offs and headlines get the earliest copy's id."""
        copies = [
            article(
                "b",
                WIRE + " This story was supplied by a news agency.",
                title="Bin workers to strike - latest",
                hours=1,
                source="outlet-b",
            ),
            article("a", WIRE, hours=0),
            article(
                "c",
                WIRE.replace(" said ", " told reporters ") + " Have a story? Contact us.",
                hours=2,
                source="outlet-c",
            ),
        ]

        assert assign_stories(copies, []) == {"a": "a", "b": "a", "c": "a"}

    def test_same_people_different_event_stay_apart(self) -> None:
        """A follow-up about the same dispute but a different event is a new story."""
        stories = assign_stories([article("a", WIRE), article("d", OTHER_EVENT, title="Bin strike ends", hours=5)], [])

        assert stories == {"a": "a", "d": "d"}

    def test_new_copy_joins_a_stored_story(self) -> None:
        """A new copy of an article stored in an earlier run takes that article's story id."""
        stored = [(article("old", WIRE), "story-17")]

        stories = assign_stories([article("new", WIRE + " Additional reporting by staff.", hours=3)], stored)

        assert stories == {"new": "story-17"}

    def test_copies_days_apart_are_different_stories(self) -> None:
        """A text repeated a week later (an anniversary piece reusing copy) starts a new story."""
        stories = assign_stories([article("late", WIRE, hours=24 * 7)], [(article("old", WIRE), "story-17")])

        assert stories == {"late": "late"}

    def test_assignment_does_not_depend_on_input_order(self) -> None:
        """The same articles in any order get the same story ids."""
        articles = [article("a", WIRE), article("b", WIRE, hours=1), article("d", OTHER_EVENT, hours=2)]

        assert assign_stories(articles, []) == assign_stories(list(reversed(articles)), [])

    def test_revised_article_keeps_its_story(self) -> None:
        """An article already stored (a revision of a known URL) keeps the story it had."""
        stories = assign_stories([article("old", OTHER_EVENT)], [(article("old", WIRE), "story-17")])

        assert stories == {"old": "story-17"}


def stored(article_id: str, text: str, *, story_id: str = "", hours: float = 0) -> StoredArticle:
    return StoredArticle(article_id, story_id or article_id, START + timedelta(hours=hours), print_text(text).signature)


def unrelated(number: int) -> str:
    """A text about something else: words no other test text uses, so it shares no shingle with them."""
    return " ".join(f"w{number}x{word}" for word in range(80))


class TestPrints:
    def test_signature_values_never_change(self) -> None:
        """A text's signature is pinned: a change would make every stored signature unmatchable until it ages out."""
        signature = np.frombuffer(print_text(WIRE).signature, dtype="<u4")

        assert signature[:4].tolist() == [114557177, 38122978, 2837591, 150679201]
        assert len(signature) == 128

    def test_hashed_shingles_keep_the_string_jaccard(self) -> None:
        """Jaccard over 32-bit shingle hashes equals Jaccard over the shingle strings on the clustering set's pairs."""
        rows = json.loads(CLUSTER_SET.read_text())[:40]

        gaps = [
            abs(shingle_jaccard(shingle_hashes(first["text"]), shingle_hashes(second["text"]))
                - string_jaccard(first["text"], second["text"]))
            for index, first in enumerate(rows)
            for second in rows[index + 1 :]
        ]

        assert max(gaps) < 1e-9

    def test_a_print_made_for_another_text_is_not_used(self) -> None:
        """A print whose digest is not the article's text is replaced by one of the text."""
        stale = replace(article("a", WIRE), story_print=print_text(OTHER_EVENT))

        assert print_of(stale) == print_text(WIRE)


class TestStoryMatcher:
    def test_only_candidates_texts_are_asked_for(self) -> None:
        """Of fifty stored articles, only the copy of the new article's story is named for its text to be read."""
        window = [stored(f"other-{n}", unrelated(n), hours=-n) for n in range(50)] + [stored("copy", WIRE, hours=-30)]

        matcher = StoryMatcher([article("new", WIRE + " Additional reporting by staff.")], window)

        assert matcher.stored_to_check() == ["copy"]
        assert matcher.assign({"copy": ("Dunmore bin workers to strike", WIRE)}) == {"new": "copy"}

    def test_a_story_with_many_copies_is_checked_a_bounded_number_of_times(self) -> None:
        """Against forty stored copies a new copy is checked against at most MAX_CANDIDATES and still joins."""
        window = [stored(f"copy-{n:02d}", WIRE + f" Copy {n}.", story_id="story-1", hours=-n) for n in range(40)]

        matcher = StoryMatcher([article("new", WIRE)], window)
        checked = matcher.stored_to_check()
        stories = matcher.assign({article_id: ("Dunmore bin workers to strike", WIRE) for article_id in checked})

        assert 1 <= len(checked) <= MAX_CANDIDATES
        assert stories == {"new": "story-1"}

    def test_a_candidate_whose_text_is_gone_is_skipped(self) -> None:
        """A stored candidate missing from the texts read (dropped meanwhile) does not match and does not fail."""
        matcher = StoryMatcher([article("new", WIRE)], [stored("copy", WIRE, story_id="story-1")])

        assert matcher.assign({}) == {"new": "new"}

    def test_a_stored_article_without_a_usable_signature_never_matches(self) -> None:
        """A signature of another layout (or of an empty text) is never a candidate."""
        window = [StoredArticle("broken", "story-1", START, b"\x00" * 12)]

        matcher = StoryMatcher([article("new", WIRE)], window)

        assert matcher.stored_to_check() == []


def string_jaccard(first: str, second: str) -> float:
    """The rule's Jaccard over word 5-shingle strings, as computed before shingles were hashed."""
    a, b = string_shingles(first), string_shingles(second)
    return len(a & b) / len(a | b)


def string_shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
