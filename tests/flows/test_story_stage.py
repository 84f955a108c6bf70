"""Story matching in a run: new articles against the signatures stored by earlier runs in a real warehouse file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from loopback import LoopbackServer, Reply
from newsroom import article_html, feed_xml, write_feeds_file

from flows import stages
from flows.config import ExtractionSettings, FetchSettings, Settings
from flows.pipeline import call_directly, execute_run
from transforms.records import ExtractedPage
from transforms.stories import print_text
from warehouse import database
from warehouse.loads import RunTables, load_run

NOW = datetime(2025, 4, 12, 9, tzinfo=UTC)
WIRE = (
    "Refuse collectors in Dunmore have voted to strike for two weeks from Monday in a dispute over a restructuring "
    "that the union says would cut the pay of some drivers by up to 3,000 pounds a year. The council says the "
    "changes are needed to make pay fair across all staff and that contingency plans are in place. Residents have "
    "been asked to keep bins inside until collections resume and to use the temporary drop-off points."
)


def body(number: int) -> str:
    """Another story's text: words no other story uses."""
    return " ".join(f"word{number}n{index}" for index in range(90))


def record(article_id: str, text: str, published_at: datetime, *, title: str = "Dunmore bin workers to strike",
           printed: bool = True) -> stages.ArticleRecord:
    """An article as extraction hands it on; `printed` when the worker printed its text (as every worker now does)."""
    stored_text = f"{title}\n\n{text}"
    page = ExtractedPage(text, title, None, None, None, "en", None, "trafilatura", "ok",
                         story_print=print_text(stored_text) if printed else None)
    return stages.ArticleRecord(
        article_id=article_id, source_id="wire", url=f"https://example.org/{article_id}", guid=None, title=title,
        feed_title=title, published_at=published_at, feed_published_at=published_at, page_published_at=None,
        first_seen_at=published_at, fetched_at=published_at, extracted_at=published_at, text=stored_text, page=page,
        http_status=200, fetch_outcome="ok", revision_count=0,
    )


def run(db: Path, articles: list[stages.ArticleRecord], clock: datetime, run_id: str) -> list[stages.ArticleRecord]:
    """The story part of a run's detect stage, then its load: what the pipeline does with these articles."""
    with_stories = stages.attach_stories(articles, db, clock - stages.STORY_LOOKBACK)
    with database.opened(db) as con:
        load_run(con, RunTables.from_frames({"articles": stages.articles_frame(with_stories, run_id)}))
    return with_stories


class TestAttachStories:
    def test_a_new_copy_joins_a_story_first_seen_two_days_earlier(self, tmp_path: Path) -> None:
        """A run links a new copy to the story an earlier run stored two days before, among unrelated history."""
        db = tmp_path / "warehouse.duckdb"
        first_seen = NOW - timedelta(days=2)
        run(db, [record("first", WIRE, first_seen), *[record(f"other-{n}", body(n), first_seen, title=f"Other {n}")
                                                      for n in range(20)]], first_seen, "run-1")
        run(db, [record(f"later-{n}", body(100 + n), NOW - timedelta(days=1), title=f"Later {n}") for n in range(20)],
            NOW - timedelta(days=1), "run-2")

        stories = run(db, [record("copy", WIRE + " Additional reporting by staff.", NOW, title="Bin strike - latest"),
                           record("fresh", body(999), NOW, title="Something else")], NOW, "run-3")

        assert [(article.article_id, article.story_id) for article in stories] == [("copy", "first"),
                                                                                     ("fresh", "fresh")]

    def test_each_article_is_stored_with_its_texts_signature(self, tmp_path: Path) -> None:
        """The load stores every article's signature, printed by the worker or, when it did not, by the stage."""
        db = tmp_path / "warehouse.duckdb"

        run(db, [record("printed", WIRE, NOW), record("unprinted", body(1), NOW, printed=False)], NOW, "run-1")

        with database.opened(db) as con:
            rows = con.execute("select article_id, text, story_signature from articles order by 1").fetchall()
        assert [(article_id, signature) for article_id, _, signature in rows] == [
            (article_id, print_text(text).signature) for article_id, text, _ in rows
        ]

    def test_articles_stored_before_signatures_are_still_matched(self, tmp_path: Path) -> None:
        """Rows loaded before migration 0006 (no signature) are printed from their text and still join new copies."""
        db = tmp_path / "warehouse.duckdb"
        old = replace(record("old", WIRE, NOW - timedelta(days=2)), story_id="story-17")
        with database.opened(db) as con:
            load_run(con, RunTables.from_frames({"articles": stages.articles_frame([old], "before-0006")}))
            assert con.execute("select story_signature from articles").fetchall() == [(None,)]

        stories = run(db, [record("copy", WIRE + " Have a story? Contact us.", NOW)], NOW, "run-2")

        assert stories[0].story_id == "story-17"

    def test_stories_outside_the_window_are_not_joined(self, tmp_path: Path) -> None:
        """A copy of an article stored more than the lookback ago starts its own story."""
        db = tmp_path / "warehouse.duckdb"
        run(db, [record("first", WIRE, NOW - timedelta(days=5))], NOW - timedelta(days=5), "run-1")

        stories = run(db, [record("copy", WIRE, NOW)], NOW, "run-2")

        assert stories[0].story_id == "copy"


class TestRunOnHistory:
    def test_a_run_links_a_new_copy_to_a_story_first_seen_two_days_earlier(self, tmp_path: Path) -> None:
        """Two pipeline runs two days apart: the second run's copy from another outlet joins the first run's story."""
        first_seen = NOW - timedelta(days=2)
        paragraphs = [WIRE, "Union officials said further dates could follow if talks failed."]
        wire = {"/wire/strike.html": ("Dunmore bin workers to strike", f"{first_seen:%a, %d %b %Y %H:%M:%S} +0000",
                                      paragraphs)}
        outlet = {
            "/outlet/strike.html": ("Bin strike in Dunmore - latest", f"{NOW:%a, %d %b %Y %H:%M:%S} +0000",
                                    [*paragraphs, "Have a story? Contact our newsdesk."]),
            "/outlet/library.html": ("Library reopens", f"{NOW:%a, %d %b %Y %H:%M:%S} +0000",
                                     ["Volunteers reopened the branch library on Saturday after a year of repairs."]),
        }
        settings = Settings(
            fetch=FetchSettings(per_host_delay_s=0, feed_per_host_delay_s=0), extraction=ExtractionSettings(workers=1)
        )
        db = tmp_path / "warehouse.duckdb"
        with LoopbackServer() as server:
            base = server.url("").rstrip("/")
            server.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"))
            for name, items in (("wire", wire), ("outlet", outlet)):
                server.route(f"/{name}.xml", Reply(body=feed_xml(base, items), content_type="application/rss+xml"))
                for path, (title, _, text) in items.items():
                    server.route(path, Reply(body=article_html(title, text)))
            wire_only = write_feeds_file(tmp_path / "wire.csv", [("wire", server.url("/wire.xml"))])
            both = write_feeds_file(tmp_path / "both.csv", [("wire", server.url("/wire.xml")),
                                                            ("outlet", server.url("/outlet.xml"))])

            execute_run(settings, wire_only, db, stages.RunContext("run-1", first_seen, first_seen, "live"),
                        call_directly)
            execute_run(settings, both, db, stages.RunContext("run-2", NOW, NOW, "live"), call_directly)

        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute("select url, story_id, run_id from articles order by url").fetchall()
        story = {url.removeprefix(base): (story_id, run_id) for url, story_id, run_id in rows}
        first_story = story["/wire/strike.html"][0]
        assert story == {
            "/outlet/library.html": (story["/outlet/library.html"][0], "run-2"),
            "/outlet/strike.html": (first_story, "run-2"),
            "/wire/strike.html": (first_story, "run-1"),
        }
        assert story["/outlet/library.html"][0] != first_story
