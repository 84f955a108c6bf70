"""The revision rule: which entries a run fetches, decided from the feeds and what is stored."""

from __future__ import annotations

from transforms.records import FeedEntry
from transforms.revisions import NewEntry, StoredArticle, first_entry_per_url, pick_new_entries


def entry(url: str, title: str) -> FeedEntry:
    return FeedEntry(url=url, guid=None, title=title, published_at=None, summary="")


class TestFirstEntryPerUrl:
    def test_a_url_in_two_feeds_belongs_to_the_first(self) -> None:
        """A story syndicated to two feeds is picked once, for the feed listed first."""
        shared = entry("https://a.example/story", "Story")

        first = first_entry_per_url([("herald", [shared]), ("courier", [shared, entry("https://c.example/x", "X")])])

        assert {url: source for url, (source, _) in first.items()} == {
            "https://a.example/story": "herald",
            "https://c.example/x": "courier",
        }


class TestPickNewEntries:
    def test_new_url_is_picked(self) -> None:
        """A URL never stored is fetched."""
        fresh = entry("https://a.example/new", "New story")

        picked = pick_new_entries({fresh.url: ("herald", fresh)}, {})

        assert picked == [NewEntry(source_id="herald", entry=fresh)]

    def test_stored_url_with_the_same_headline_is_left_alone(self) -> None:
        """A stored article whose feed headline is unchanged (spacing aside) is not fetched again."""
        same = entry("https://a.example/old", "  Old story ")

        picked = pick_new_entries({same.url: ("herald", same)}, {same.url: StoredArticle("id-1", "Old story", 0)})

        assert picked == []

    def test_changed_feed_headline_is_a_revision_of_the_stored_article(self) -> None:
        """A changed feed headline refetches the article under its stored id, counting one more revision."""
        changed = entry("https://a.example/old", "Old story: minister resigns")

        picked = pick_new_entries(
            {changed.url: ("herald", changed)}, {changed.url: StoredArticle("id-1", "Old story", 2)}
        )

        assert picked == [NewEntry(source_id="herald", entry=changed, known_article_id="id-1", revision_count=3)]

    def test_missing_headline_on_either_side_is_not_a_revision(self) -> None:
        """Without a headline to compare (feed or store), nothing counts as changed."""
        untitled = entry("https://a.example/old", "")
        titled = entry("https://a.example/other", "Other")

        picked = pick_new_entries(
            {untitled.url: ("herald", untitled), titled.url: ("herald", titled)},
            {untitled.url: StoredArticle("id-1", "Old", 0), titled.url: StoredArticle("id-2", None, 0)},
        )

        assert picked == []
