"""Tests for transforms.stories: wire copies share a story, different events do not, ids are stable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from transforms.stories import StoryInput, assign_stories

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
