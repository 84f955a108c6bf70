"""The evidence an alert's message shows, read from a real warehouse: its headlines (each with its best sentence), the
outlets that drove it and who else its articles name, inside its own window. TEST TEXT: the people, outlets and
quoted words are fictional (the quote warehouse's Helena Marsh and Tobias Wren, and friends)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import duckdb
import polars as pl
import pytest
from quote_warehouse import AS_OF, PICKED_UP, build_quote_warehouse

from flows.alert_delivery import alert_contexts
from transforms.alerts import Alert
from transforms.digest import AlertContext
from transforms.identity import quote_key_digest
from transforms.quotes import quote_key
from warehouse import database
from warehouse.loads import RunTables, load_run

OUTLETS = {"herald": "The Herald", "courier": "The Courier", "wire": "Wire Service", "gazette": "Gazette"}
DAY = (AS_OF - timedelta(hours=24), AS_OF)
# Overlaps the day's window; its start falls exactly on an article, which it must leave out.
EARLIER = (AS_OF - timedelta(hours=30), AS_OF - timedelta(hours=3))
# (article, outlet, hours before the clock, story or "", people as (id, sentence, kind), topics as (id, sentence))
ARTICLES = [
    ("t1", "herald", 1, "", [("helena-marsh", 0, "full"), ("tobias-wren", 0, "full")], [("rail-strikes", 1)]),
    ("t2", "courier", 2, "", [("helena-marsh", 0, "full"), ("ada-quill", 2, "full")], [("rail-strikes", 0)]),
    ("t3", "wire", 3, "", [("helena-marsh", 1, "surname"), ("tobias-wren", 1, "full"), ("helena-marsh", 3, "full"),
                           ("ada-quill", 4, "full")], []),
    ("t4", "gazette", 4, "", [("helena-marsh", 0, "full"), ("bram-oake", 0, "full"), ("cora-fenn", 1, "full"),
                              ("dov-hale", 1, "full"), ("eli-marr", 2, "full")], [("rail-strikes", 2)]),
    ("t5", "herald", 5, "story-5", [("helena-marsh", 2, "full"), ("ada-quill", 2, "full")], []),
    ("t6", "courier", 5.5, "story-5", [("helena-marsh", 1, "full")], []),
    ("t7", "wire", 26, "", [("helena-marsh", 0, "full"), ("tobias-wren", 0, "full"), ("bram-oake", 1, "full")], []),
    ("t8", "herald", 30, "", [("helena-marsh", 0, "full"), ("ada-quill", 0, "full")], []),
    ("m1", "", 0, "", [("tobias-wren", 2, "full")], []),  # an article of the quote warehouse: also names Tobias
]  # fmt: skip
QUOTE_SUBJECT = f"helena-marsh:{quote_key_digest(quote_key(PICKED_UP))}"


def people_frames() -> dict[str, pl.DataFrame]:
    """The articles above as one run's tables (m1's article row is already stored by the quote warehouse)."""
    articles = pl.DataFrame([
        {"article_id": article, "source_id": outlet, "url": f"https://{outlet}.example/{article}",
         "title": f"Headline {article}", "published_at": AS_OF - timedelta(hours=hours), "first_seen_at": AS_OF,
         "fetch_outcome": "ok", "extraction_method": "trafilatura", "quality": "good",
         "story_id": story or article, "run_id": "run-2"}
        for article, outlet, hours, story, _, _ in ARTICLES if outlet
    ])  # fmt: skip
    mentions = pl.DataFrame([
        {"article_id": article, "person_id": person, "char_start": 100 * sentence + 10 * position,
         "char_end": 100 * sentence + 10 * position + 5, "matched_text": person, "kind": kind,
         "sentence_index": sentence, "snippet": f"Sentence {sentence} of {article} names {person}.", "run_id": "run-2"}
        for article, _, _, _, people, _ in ARTICLES for position, (person, sentence, kind) in enumerate(people)
    ])  # fmt: skip
    topics = pl.DataFrame([
        {"article_id": article, "topic_id": topic, "char_start": 100 * sentence, "char_end": 100 * sentence + 5,
         "matched_text": topic, "sentence_index": sentence, "snippet": f"Sentence {sentence} of {article} on {topic}.",
         "run_id": "run-2"}
        for article, _, _, _, _, topics in ARTICLES for topic, sentence in topics
    ])  # fmt: skip
    sources = pl.DataFrame([{"source_id": source, "name": name, "feed_url": f"https://{source}.example/rss",
                             "updated_at": AS_OF} for source, name in OUTLETS.items()])  # fmt: skip
    return {"sources": sources, "articles": articles, "mentions": mentions, "topic_mentions": topics}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = build_quote_warehouse(tmp_path_factory.mktemp("evidence") / "w.duckdb")
    with database.opened(db) as con:
        load_run(con, RunTables.from_frames(people_frames()))
        yield con


def made(
    alert_id: str, kind: str, members: tuple[str, ...], window: tuple[datetime, datetime], subject: str = ""
) -> Alert:
    """An alert of the given kind over the given window (only what its evidence reads matters here)."""
    start, end = window
    return Alert(alert_id=alert_id, rule="test", subject_kind=kind, subject=subject or "+".join(members),
                 window_start=start, window_end=end, value=1.0, expected=0.0, baseline=0.0, ratio=0.0, zscore=0.0,
                 members=members)  # fmt: skip


ALERTS = [
    made("person-day", "person", ("helena-marsh",), DAY),
    made("person-earlier", "person", ("helena-marsh",), EARLIER),
    made("topic-day", "topic", ("rail-strikes",), DAY),
    made("pair-day", "pair", ("helena-marsh", "tobias-wren"), DAY),
    made("pair-earlier", "pair", ("helena-marsh", "tobias-wren"), EARLIER),
    made("watch-day", "watch", ("helena-marsh", "rail-strikes"), DAY),
    made("quote-day", "quote", ("helena-marsh",), DAY, subject=QUOTE_SUBJECT),
]


def shown(context: AlertContext) -> tuple[list[tuple[str, str]], list[tuple[str, int]], list[tuple[str, int]]]:
    """The context as (headline url, snippet) pairs, outlets and co-mentioned people."""
    headlines = [(evidence.url.split("/")[-1], evidence.snippet) for evidence in context.headlines]
    return headlines, list(context.outlets), list(context.co_mentioned)


EXPECTED = {
    "person-day": (
        [("t1", "Sentence 0 of t1 names helena-marsh."), ("t2", "Sentence 0 of t2 names helena-marsh."),
         ("t3", "Sentence 3 of t3 names helena-marsh."), ("t4", "Sentence 0 of t4 names helena-marsh."),
         ("t5", "Sentence 2 of t5 names helena-marsh.")],
        [("The Courier", 2), ("The Herald", 2), ("Gazette", 1)],
        [("ada-quill", 3), ("tobias-wren", 2), ("bram-oake", 1), ("cora-fenn", 1), ("dov-hale", 1)],
    ),
    "person-earlier": (
        [("t3", "Sentence 3 of t3 names helena-marsh."), ("t4", "Sentence 0 of t4 names helena-marsh."),
         ("t5", "Sentence 2 of t5 names helena-marsh."), ("t7", "Sentence 0 of t7 names helena-marsh.")],
        [("Wire Service", 2), ("Gazette", 1), ("The Courier", 1)],
        [("ada-quill", 2), ("bram-oake", 2), ("tobias-wren", 2), ("cora-fenn", 1), ("dov-hale", 1)],
    ),
    "topic-day": (
        [("t1", "Sentence 1 of t1 on rail-strikes."), ("t2", "Sentence 0 of t2 on rail-strikes."),
         ("t4", "Sentence 2 of t4 on rail-strikes.")],
        [("Gazette", 1), ("The Courier", 1), ("The Herald", 1)],
        [("helena-marsh", 3), ("ada-quill", 1), ("bram-oake", 1), ("cora-fenn", 1), ("dov-hale", 1)],
    ),
    "pair-day": (
        [("t1", "Sentence 0 of t1 names helena-marsh."), ("t3", "Sentence 1 of t3 names helena-marsh.")],
        [("The Herald", 1), ("Wire Service", 1)],
        [("ada-quill", 1)],
    ),
    "pair-earlier": (
        [("t3", "Sentence 1 of t3 names helena-marsh."), ("t7", "Sentence 0 of t7 names helena-marsh.")],
        [("Wire Service", 2)],
        [("ada-quill", 1), ("bram-oake", 1)],
    ),
    "watch-day": (
        [("t1", "Sentence 0 of t1 names helena-marsh."), ("t2", "Sentence 0 of t2 names helena-marsh."),
         ("t4", "Sentence 0 of t4 names helena-marsh.")],
        [("Gazette", 1), ("The Courier", 1), ("The Herald", 1)],
        [("ada-quill", 1), ("bram-oake", 1), ("cora-fenn", 1), ("dov-hale", 1), ("eli-marr", 1)],
    ),
    "quote-day": (
        [("m3", PICKED_UP), ("m2", PICKED_UP), ("m1", PICKED_UP)],
        [("The Courier", 1), ("The Herald", 1), ("Wire Service", 1)],
        [("tobias-wren", 1)],
    ),
}


class TestAlertContexts:
    def test_every_kind_gets_its_own_windows_evidence(self, warehouse: duckdb.DuckDBPyConnection) -> None:
        """Alerts of every kind, sharing articles and with overlapping windows, each get the headlines, outlets
        and co-mentioned people of their own window, leaving out their own members."""
        built = alert_contexts(warehouse, ALERTS)

        assert {alert_id: shown(context) for alert_id, context in built.items()} == EXPECTED

    def test_an_alert_without_articles_gets_an_empty_context(self, warehouse: duckdb.DuckDBPyConnection) -> None:
        """A person named nowhere in their window and a feed alert get empty contexts; their neighbours keep
        theirs."""
        quiet = made("quiet", "person", ("bram-oake",), (AS_OF - timedelta(hours=2), AS_OF))
        feed = made("feed", "feed", ("herald",), DAY)
        alerts = [ALERTS[0], quiet, feed, ALERTS[3]]

        built = alert_contexts(warehouse, alerts)

        assert (built["quiet"], built["feed"]) == (AlertContext(), AlertContext())
        assert shown(built["person-day"]) == EXPECTED["person-day"]
        assert shown(built["pair-day"]) == EXPECTED["pair-day"]

    def test_alerts_read_together_get_what_each_gets_alone(self, warehouse: duckdb.DuckDBPyConnection) -> None:
        """Read together, in either order and with one alert asked twice, each alert gets the context it gets
        read on its own."""
        alone = {alert.alert_id: alert_contexts(warehouse, [alert])[alert.alert_id] for alert in ALERTS}

        together = alert_contexts(warehouse, [*ALERTS, ALERTS[0]])
        backwards = alert_contexts(warehouse, ALERTS[::-1])

        assert together == backwards == alone
        assert all(context.headlines for context in alone.values())
