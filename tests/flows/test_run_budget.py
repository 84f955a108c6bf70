"""A run's work is bounded: new articles per feed per run (newest first), and a deadline for the whole run; what
is left over is recorded in `deferred_articles` and taken up by the next runs, never dropped. Real runs against
loopback servers on three host names and real DuckDB files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer, Reply
from newsroom import article_html, feed_xml, write_feeds_file
from processes import PRESSWATCH, PROJECT_DIR

from flows.config import ExtractionSettings, FetchSettings, RunSettings, Settings
from flows.pipeline import RunSummary, deferred_note, monitor_run, new_context, plain_runner

AS_OF = datetime(2025, 1, 7, 12, tzinfo=UTC)
FIRST_ITEM_AT = datetime(2025, 1, 6, tzinfo=UTC)
BIG = 120
CAP = 20


def quick(**runs: object) -> Settings:
    """No politeness delay, instant retries, one extraction worker; the run settings a test gives."""
    return Settings(
        fetch=FetchSettings(per_host_delay_s=0.0),
        runs=RunSettings(task_retry_delay_s=0.0, **runs),  # type: ignore[arg-type]
        extraction=ExtractionSettings(workers=1),
    )


def items(prefix: str, count: int) -> dict[str, tuple[str, str, list[str]]]:
    """`count` feed items, item i published i minutes after the first, listed oldest first."""
    found = {}
    for number in range(count):
        published = FIRST_ITEM_AT + timedelta(minutes=number)
        found[f"/{prefix}/{number}.html"] = (
            f"{prefix} story {number}",
            published.strftime("%a, %d %b %Y %H:%M:%S +0000"),
            [f"Councillors discussed item {number} of the {prefix} agenda on Monday."],
        )
    return found


def publish(server: LoopbackServer, host: str, prefix: str, count: int, *, listed: int | None = None) -> str:
    """Serve `count` article pages and a feed listing the newest `listed` of them; return the feed's URL."""
    base = server.url("", host=host).rstrip("/")
    stories = items(prefix, count)
    for path, (title, _, paragraphs) in stories.items():
        server.route(path, Reply(body=article_html(title, paragraphs)))
    shown = dict(list(stories.items())[count - (listed if listed is not None else count) :])
    server.route(f"/{prefix}.xml", Reply(body=feed_xml(base, shown), content_type="application/rss+xml"))
    return f"{base}/{prefix}.xml"


@dataclass
class Newsroom:
    """One big feed on one host beside two small feeds on two other hosts."""

    wire: LoopbackServer
    feeds: Path

    def shrink_wire(self, listed: int) -> None:
        """The wire's feed now lists only its newest `listed` items: the older ones are no longer in any feed."""
        publish(self.wire, "127.0.0.1", "wire", BIG, listed=listed)


@pytest.fixture
def newsroom(tmp_path: Path) -> Iterator[Newsroom]:
    with ExitStack() as stack:
        wire = stack.enter_context(LoopbackServer())
        # Three host names for 127.0.0.1 (the only address tests may use): three hosts to the run's politeness.
        herald = stack.enter_context(LoopbackServer())
        courier = stack.enter_context(LoopbackServer())
        feeds = write_feeds_file(
            tmp_path / "feeds.csv",
            [
                ("wire", publish(wire, "127.0.0.1", "wire", BIG)),
                ("herald", publish(herald, "localhost", "herald", 3)),
                ("courier", publish(courier, "127.1", "courier", 4)),
            ],
        )
        yield Newsroom(wire, feeds)


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def run(feeds: Path, db: Path, settings: Settings) -> RunSummary:
    return monitor_run(settings, feeds, db, new_context("live", AS_OF), plain_runner(settings))


def wire_numbers(db: Path, run_id: str | None = None) -> set[int]:
    """The wire stories stored (by one run, when given), by number."""
    where = f"and run_id = '{run_id}'" if run_id else ""
    rows = query(db, f"select url from articles where source_id = 'wire' {where}")
    return {int(str(url).rsplit("/", 1)[1].removesuffix(".html")) for (url,) in rows}


class TestPerFeedCap:
    def test_big_feed_loads_its_newest_and_defers_the_rest(self, newsroom: Newsroom, tmp_path: Path) -> None:
        """Run 1 loads every small feed's items and the big feed's 20 newest; the other 100 are recorded deferred."""
        db = tmp_path / "w.duckdb"

        summary = run(newsroom.feeds, db, quick(max_new_per_feed=CAP))

        assert dict(query(db, "select source_id, count(*) from articles group by 1")) == {
            "wire": CAP, "herald": 3, "courier": 4,
        }  # fmt: skip
        assert wire_numbers(db) == set(range(BIG - CAP, BIG))
        deferred = "select source_id, reason, first_deferred_run, count(*) from deferred_articles group by all"
        assert query(db, deferred) == [("wire", "cap", summary.run_id, BIG - CAP)]
        assert summary.articles_deferred == BIG - CAP
        assert query(db, "select articles_deferred from run_history") == [(BIG - CAP,)]

    def test_next_runs_take_up_the_deferred_until_none_is_left(self, newsroom: Newsroom, tmp_path: Path) -> None:
        """Each later run loads 20 more deferred stories, newest first, even after the feed stopped listing them."""
        db = tmp_path / "w.duckdb"
        settings = quick(max_new_per_feed=CAP)
        run(newsroom.feeds, db, settings)
        newsroom.shrink_wire(listed=5)

        later = [run(newsroom.feeds, db, settings) for _ in range((BIG - CAP) // CAP)]

        assert [summary.articles_deferred for summary in later] == [80, 60, 40, 20, 0]
        assert wire_numbers(db, later[0].run_id) == set(range(BIG - 2 * CAP, BIG - CAP))
        assert wire_numbers(db) == set(range(BIG))
        assert query(db, "select count(*) from deferred_articles") == [(0,)]
        assert query(db, "select count(*), count(distinct url) from articles") == [(BIG + 7, BIG + 7)]

    def test_summary_and_run_history_say_how_much_was_deferred(self, newsroom: Newsroom, tmp_path: Path) -> None:
        """`presswatch run` prints the deferred count, and the run's row in run_history carries it."""
        db = tmp_path / "w.duckdb"
        environment = {
            **os.environ,
            "PRESSWATCH_DB": str(db),
            "PRESSWATCH_REPORT_DIR": str(tmp_path / "reports"),
            "PRESSWATCH_PER_HOST_DELAY_S": "0",
            "PRESSWATCH_TASK_RETRY_DELAY_S": "0",
            "PRESSWATCH_MAX_NEW_PER_FEED": str(CAP),
            "PREFECT_HOME": str(tmp_path / "prefect-home"),
        }
        environment.pop("PREFECT_API_URL", None)

        printed = subprocess.run(
            [*PRESSWATCH, "run", "--feeds", str(newsroom.feeds)],
            cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        history = subprocess.run(
            [*PRESSWATCH, "sql", "--db", str(db), "--csv", "select articles_deferred from run_history"],
            cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

        assert printed.returncode == 0, printed.stderr[-2000:]
        assert "Deferred: 100 articles for later runs (100 over the cap of 20 a feed)" in printed.stdout
        assert history.stdout.split() == ["articles_deferred", "100"]


def without_feed(feeds: Path, source_id: str) -> Path:
    """The feeds file rewritten without one feed's line, as a team removing a feed would leave it."""
    lines = feeds.read_text(encoding="utf-8").splitlines(keepends=True)
    feeds.write_text("".join(line for line in lines if not line.startswith(f"{source_id},")), encoding="utf-8")
    return feeds


class TestRemovedFeed:
    def test_a_removed_feeds_deferrals_are_dropped_and_said(self, newsroom: Newsroom, tmp_path: Path) -> None:
        """A feed removed from the feeds file between two runs: the second run drops the 100 entries it still owed
        (no run would take them up, since only monitored feeds are fetched), says so, and defers nothing."""
        db = tmp_path / "w.duckdb"
        settings = quick(max_new_per_feed=CAP)
        run(newsroom.feeds, db, settings)

        second = run(without_feed(newsroom.feeds, "wire"), db, settings)

        assert query(db, "select count(*) from deferred_articles") == [(0,)]
        assert second.deferred_dropped == {"wire": BIG - CAP}
        assert deferred_note(second) == (
            f"Deferred: none left; {BIG - CAP} dropped that were waiting for feeds no longer in the feeds file (wire)"
        )
        assert query(db, "select articles_deferred from run_history order by started_at") == [(BIG - CAP,), (0,)]

    def test_a_feed_that_comes_back_picks_up_what_it_still_lists(self, newsroom: Newsroom, tmp_path: Path) -> None:
        """Put back, a feed's entries it still lists and no run stored are new again at its next publication
        (newest first, within the cap): dropping loses only what the feed stopped listing meanwhile."""
        db = tmp_path / "w.duckdb"
        settings = quick(max_new_per_feed=CAP)
        listed = newsroom.feeds.read_text(encoding="utf-8")
        run(newsroom.feeds, db, settings)
        run(without_feed(newsroom.feeds, "wire"), db, settings)
        newsroom.feeds.write_text(listed, encoding="utf-8")
        publish(newsroom.wire, "127.0.0.1", "wire", BIG + 1)  # one new story: the feed changed since run 1

        back = run(newsroom.feeds, db, settings)

        assert wire_numbers(db, back.run_id) == {BIG, *range(BIG - 2 * CAP + 1, BIG - CAP)}
        assert back.articles_deferred == BIG - 2 * CAP + 1


class TestRunDeadline:
    def test_run_stops_fetching_at_its_deadline_and_the_next_run_takes_the_rest(self, tmp_path: Path) -> None:
        """Past the deadline no new page is requested: the run completes with what it fetched, records the rest
        as deferred, and the next run loads them."""
        db = tmp_path / "w.duckdb"
        stories = 30
        with LoopbackServer() as slow:
            feeds = write_feeds_file(tmp_path / "feeds.csv", [("slow", publish(slow, "127.0.0.1", "slow", stories))])
            fast_routes = dict(slow.routes)
            for path in items("slow", stories):
                slow.route(path, Reply(body=fast_routes[path].body, delay_s=1.0))  # type: ignore[union-attr]

            first = run(feeds, db, quick(deadline_s=4.0, batch_size=10))
            fetched = len(query(db, "select url from articles"))
            deferred = query(db, "select reason, count(*) from deferred_articles group by 1")
            requested = len([request for request in slow.requests if request.path.endswith(".html")])
            slow.routes.update(fast_routes)
            second = run(feeds, db, quick())

        assert query(db, "select status from runs order by started_at") == [("completed",), ("completed",)]
        assert fetched >= 1
        assert deferred == [("deadline", stories - fetched)]
        assert requested == fetched
        assert first.articles_deferred == stories - fetched
        assert second.articles_deferred == 0
        assert query(db, "select count(*) from articles") == [(stories,)]
        assert query(db, "select count(*) from deferred_articles") == [(0,)]
