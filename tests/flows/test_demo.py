"""The bundled demo newsroom end to end: served on loopback, monitored through the real HTTP path, loaded, alerted."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from webhook_receiver import WebhookReceiver

from flows.adapters.demo import CANONICAL_BASE, serve_newsroom
from flows.config import DEMO_DIR, AlertSettings, Settings
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner, settings_for_run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def team_channel() -> Iterator[WebhookReceiver]:
    """A real webhook receiver on loopback standing in for the team's chat channel."""
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory, team_channel: WebhookReceiver
) -> tuple[Path, RunSummary, RunSummary]:
    """Two demo runs on one warehouse file: the first loads everything, the second finds nothing new."""
    work = tmp_path_factory.mktemp("demo")
    db = work / "demo.duckdb"
    with serve_newsroom(DEMO_DIR, work) as newsroom:
        team = Settings(report_dir=work / "reports", alerts=AlertSettings(urls=(team_channel.url(),)))
        settings = settings_for_run(team, demo=True, connect_to=newsroom.connect_to)

        def run() -> RunSummary:
            context = new_context("demo", newsroom.as_of)
            return monitor_run(settings, newsroom.feeds_file, db, context, plain_runner(settings))

        first = run()
        # The report as the first run left it: the second finds every feed unchanged, the damaged one included.
        shutil.copy(work / "reports" / "presswatch-report.html", work / "first-report.html")
        second = run()
    return db, first, second


# 53 reachable pages plus the entry whose page is gone: both tests below count the same newsroom.
DEMO_ARTICLES = 54
# The story the demo's four outlets all ran (a wire story, two syndicated copies and the local paper's own).
SEA_WALL_HEADLINE = "Sea wall breach forces evacuation of homes in English coastal town"


def scalar(db: Path, sql: str) -> object:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


class TestDemoRun:
    def test_every_reachable_article_is_loaded_once(self, demo_run: tuple[Path, RunSummary, RunSummary]) -> None:
        """53 reachable pages plus the entry whose page is gone (kept with its feed summary) are 54 articles."""
        db, first, _ = demo_run

        assert (first.articles_new, scalar(db, "select count(*) from articles")) == (DEMO_ARTICLES, DEMO_ARTICLES)

    def test_damaged_feed_still_yields_its_entries(self, demo_run: tuple[Path, RunSummary, RunSummary]) -> None:
        """The malformed Courier feed is recorded as a parse error and its readable entries are loaded."""
        db, first, _ = demo_run

        assert first.feeds == {
            "northgate-herald": "ok",
            "civic-courier": "parse-error",
            "meridian-wire": "ok",
            "fenmouth-echo": "ok",
        }
        assert scalar(db, "select count(*) from articles where source_id = 'civic-courier'") == 15

    def test_outlet_with_only_a_news_sitemap_is_counted(self, demo_run: tuple[Path, RunSummary, RunSummary]) -> None:
        """The Echo's sitemap index leads to its news sitemap: its five stories load with their mentions."""
        db, _, second = demo_run

        articles = scalar(db, "select count(*) from articles where source_id = 'fenmouth-echo' and quality = 'ok'")
        people = scalar(
            db,
            "select string_agg(distinct person_id, ',' order by person_id) from mentions "
            "join articles using (article_id) where source_id = 'fenmouth-echo'",
        )
        remembered = scalar(db, "select sitemaps like '%/fenmouth-echo/news-sitemap.xml%' from feed_state "
                            "where source_id = 'fenmouth-echo'")

        named = "alexis-jay,elon-musk,gideon-thackray,jess-phillips,kemi-badenoch,rosalind-penhallow"
        assert (articles, people, remembered) == (5, named, True)
        assert second.feeds["fenmouth-echo"] == "unchanged"

    def test_missing_page_is_recorded_not_lost(self, demo_run: tuple[Path, RunSummary, RunSummary]) -> None:
        """The feed entry whose page answers 404 is stored with its outcome and the feed's summary."""
        db, _, _ = demo_run

        outcome = scalar(
            db, "select fetch_outcome || ' ' || extraction_method from articles where url like '%councils-review%'"
        )

        assert outcome == "http-4xx feed-summary"

    @pytest.mark.parametrize(
        ("person_id", "at_least"), [("keir-starmer", 40), ("elon-musk", 40), ("jess-phillips", 20)]
    )
    def test_named_people_are_counted(
        self, demo_run: tuple[Path, RunSummary, RunSummary], person_id: str, at_least: int
    ) -> None:
        """The people the coverage is about get their mentions, each with offsets that give back the text."""
        db, _, _ = demo_run

        count = scalar(db, f"select count(*) from mentions where person_id = '{person_id}'")
        mismatched = scalar(
            db,
            "select count(*) from mentions m join articles a using (article_id) "
            "where substr(a.text, m.char_start + 1, m.char_end - m.char_start) <> m.matched_text",
        )

        assert isinstance(count, int) and count >= at_least
        assert mismatched == 0

    def test_surge_fires_one_person_alert_for_starmer(self, demo_run: tuple[Path, RunSummary, RunSummary]) -> None:
        """The last day's Starmer surge is the demo's one alert about a person, and the digest shows its evidence."""
        _, first, _ = demo_run

        people = [(alert.rule, alert.subject) for alert in first.alerts if alert.subject_kind == "person"]

        assert people == [("spike-person-day", "keir-starmer")]
        assert "Keir Starmer: 11 stories in the last 24 hours, about " in first.digest_text

    def test_team_channel_gets_one_digest_naming_the_surge(
        self, demo_run: tuple[Path, RunSummary, RunSummary], team_channel: WebhookReceiver
    ) -> None:
        """Over both runs the channel receives exactly one digest, and it leads with Starmer's spike and evidence."""
        messages = [item["body"] for item in team_channel.delivered]

        assert len(messages) == 1
        assert "Keir Starmer: 11 stories in the last 24 hours, about " in messages[0]["message"]
        assert "/2025/01/06/" in messages[0]["message"]

    def test_quotes_are_attributed_to_tracked_local_figures(
        self, demo_run: tuple[Path, RunSummary, RunSummary]
    ) -> None:
        """The demo's fictional council leader and MP are tracked, so their words land in quotes under their ids."""
        db, _, _ = demo_run

        speakers = scalar(
            db,
            "select string_agg(distinct person_id, ',' order by person_id) from quotes where person_id is not null",
        )
        penhallow = scalar(
            db,
            "select count(*) from quotes where person_id = 'rosalind-penhallow' "
            "and quote_text like 'Nobody in Fenmouth should have to go to bed%'",
        )

        assert speakers == "gideon-thackray,rosalind-penhallow"
        assert penhallow == 4

    def test_one_story_is_picked_up_by_every_outlet(self, demo_run: tuple[Path, RunSummary, RunSummary]) -> None:
        """The wire's sea wall story and its three copies cluster into one story carried by all four outlets."""
        db, _, _ = demo_run

        outlets, articles = scalar(
            db, f"select [outlets, articles] from stories where headline = '{SEA_WALL_HEADLINE}'"
        )  # type: ignore[misc]
        quote_outlets = scalar(db, "select min(outlets) from quote_pickup where person_id is not null")

        assert (outlets, articles) == (4, 4)
        assert quote_outlets == 4

    def test_report_shows_quotes_pickup_spike_and_the_damaged_feed(
        self, demo_run: tuple[Path, RunSummary, RunSummary]
    ) -> None:
        """The report the run writes has every feature filled: quotes, the 4-outlet story, the spike, a damaged feed."""
        db, first, _ = demo_run
        page = (db.parent / "first-report.html").read_text(encoding="utf-8")
        said = page[page.index('id="said"') : page.index('id="feeds"')]
        stories = page[page.index('id="stories"') :]
        health = page[page.index('id="feeds"') :]

        assert "Rosalind Penhallow" in said and "run by 4 outlets" in said
        assert SEA_WALL_HEADLINE in stories[: stories.index("</tr>", stories.index("<tbody>"))]
        assert "Keir Starmer (person): 11 stories" in page
        courier = health[health.index("The Civic Courier") : health.index("</tr>", health.index("The Civic Courier"))]
        assert "state-damaged" in courier
        assert first.feeds["civic-courier"] == "parse-error"

    def test_second_run_changes_nothing(self, demo_run: tuple[Path, RunSummary, RunSummary]) -> None:
        """Running the demo again adds no article, mention or alert."""
        db, first, second = demo_run

        assert (second.articles_new, second.alerts) == (0, [])
        assert scalar(db, "select count(*) from mentions") == sum(first.mentions_by_person.values())


class TestDemoOnAnotherPort:
    def test_runs_served_from_different_ports_keep_the_same_articles(self, tmp_path: Path) -> None:
        """With the usual port taken, the demo serves elsewhere, yet a second run into the warehouse adds nothing."""
        db = tmp_path / "demo.duckdb"
        summaries = []
        for _ in range(2):
            with serve_newsroom(DEMO_DIR, tmp_path, port=0) as newsroom:  # port 0: any port but the usual one
                settings = settings_for_run(
                    Settings(report_dir=tmp_path / "reports"), demo=True, connect_to=newsroom.connect_to
                )
                context = new_context("demo", newsroom.as_of)
                summaries.append(monitor_run(settings, newsroom.feeds_file, db, context, plain_runner(settings)))
                served_from = newsroom.base_url

        assert served_from != CANONICAL_BASE
        assert [summary.articles_new for summary in summaries] == [DEMO_ARTICLES, 0]
        assert scalar(db, "select count(*) from articles") == DEMO_ARTICLES
        assert scalar(db, f"select count(*) from articles where url like '{CANONICAL_BASE}/%'") == DEMO_ARTICLES
