"""The alert stage on real DuckDB files and a real loopback webhook: one digest per run, never the same alert
twice, failed deliveries kept and retried, a run killed mid-delivery repeating at most the message in flight, new
channels catching up on the last day, secrets never written anywhere."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from webhook_receiver import Answer, WebhookReceiver, closed_port

from flows.adapters.delivery import RetryPolicy, channel_key
from flows.alerting import AlertStageResult, preview_alerts, run_alert_stage
from warehouse import database
from warehouse.loads import RunTables, load_run

PROJECT_DIR = Path(__file__).resolve().parents[2]
REPORT_URL = "https://reports.example/presswatch-report.html"

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)
RULES_FILE = Path(__file__).resolve().parents[2] / "seeds" / "alert_rules.csv"
NAMES = {"keir-starmer": "Keir Starmer", "elon-musk": "Elon Musk", "jess-phillips": "Jess Phillips"}
FAST = RetryPolicy(attempts=3, base_delay_s=0.01, max_delay_s=0.05, max_retry_after_s=2.0, timeout_s=2.0)
SECRETS = ("T0SECRET", "B0SECRET", "tok3nSECRET")
OUTLETS = ("bbc", "guardian", "sky")


@dataclass(frozen=True)
class Story:
    """One article to store, with who and what it names."""

    article_id: str
    published_at: datetime
    people: tuple[str, ...]
    topics: tuple[str, ...] = ()
    title: str = ""
    source_id: str = "bbc"


def demo_stories(extra_surge: int = 0) -> list[Story]:
    """The demo's week: 6 stories a day with Starmer in 1-2 and Musk in 3, then 13 with Starmer in 10, Musk in 6."""
    stories = []
    for day in range(1, 7):
        for index in range(6):
            earlier: tuple[str, ...] = (
                ("keir-starmer", "elon-musk") if index < 1 + day % 2 else ("elon-musk",) if index < 3 else ()
            )
            stories.append(Story(f"d{day}-{index}", AS_OF - timedelta(days=day, hours=2 + 3 * index),
                                 earlier, ("grooming-gangs",) if index % 2 else (),
                                 source_id=OUTLETS[index % 3]))
    for index in range(13 + extra_surge):
        people: tuple[str, ...] = ("keir-starmer",) if index < 10 + extra_surge else ("elon-musk",)
        people += ("elon-musk",) if index < 3 else ("jess-phillips",) if index in (3, 4) else ()
        stories.append(Story(f"today-{index}", AS_OF - timedelta(minutes=30 + 100 * index), people,
                             ("grooming-gangs",) if index % 2 else (),
                             title=f"Starmer answers critics, part {index}", source_id=OUTLETS[index % 3]))
    return stories


def fill(db: Path, stories: list[Story]) -> None:
    """Store stories as articles, mentions and topic mentions, the way a run's load would."""
    loaded = datetime(2025, 1, 6, 21, tzinfo=UTC)
    articles = pl.DataFrame([
        {"article_id": story.article_id, "source_id": story.source_id,
         "url": f"https://news.example/{story.article_id}", "title": story.title or f"Story {story.article_id}",
         "published_at": story.published_at, "first_seen_at": loaded, "fetch_outcome": "ok",
         "extraction_method": "trafilatura", "quality": "good", "story_id": story.article_id, "run_id": "seed"}
        for story in stories
    ])
    mentions = pl.DataFrame([
        {"article_id": story.article_id, "person_id": person, "char_start": 10 * position,
         "char_end": 10 * position + 5,
         "matched_text": person, "kind": "full", "sentence_index": 0,
         "snippet": f"{NAMES.get(person, person)} was asked about {story.article_id}.", "run_id": "seed"}
        for story in stories for position, person in enumerate(story.people)
    ])
    topics = pl.DataFrame([
        {"article_id": story.article_id, "topic_id": topic, "char_start": 0, "char_end": 5, "matched_text": topic,
         "sentence_index": 1, "snippet": f"The row over {topic} went on.", "run_id": "seed"}
        for story in stories for topic in story.topics
    ])
    sources = pl.DataFrame([{"source_id": outlet, "name": outlet.upper(), "feed_url": f"https://{outlet}.example/rss",
                             "updated_at": loaded} for outlet in OUTLETS])
    with database.opened(db) as con:
        load_run(con, RunTables.from_frames({"sources": sources, "articles": articles, "mentions": mentions,
                                             "topic_mentions": topics}))


def run(db: Path, urls: list[str], *, as_of: datetime = AS_OF, run_id: str = "run-1", send: bool = True,
        waits: list[float] | None = None, max_messages: int = 5, report_url: str = "",
        names: dict[str, str] = NAMES) -> AlertStageResult:
    return run_alert_stage(
        db, run_id=run_id, started_at=as_of, as_of=as_of, alert_urls=urls, rules_file=RULES_FILE, names=names,
        send=send, policy=FAST, sleep=(waits.append if waits is not None else lambda _: None),
        max_messages=max_messages, report_url=report_url,
    )


def alert_rows(db: Path) -> list[tuple[str, str, str, int]]:
    with duckdb.connect(str(db), read_only=True) as con:
        query = "select subject, status, coalesce(channel, ''), attempts from alerts order by subject"
        return con.execute(query).fetchall()


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "warehouse.duckdb"
    fill(db, demo_stories())
    return db


class TestDemoSurge:
    def test_surge_fires_one_digest_for_starmer_only(self, demo_db: Path) -> None:
        """The demo's surge posts one digest naming only Keir Starmer: a plain sentence first, then figures,
        outlets and evidence, and a link to the report."""
        with WebhookReceiver() as receiver:
            result = run(demo_db, [receiver.url()], report_url=REPORT_URL)

        assert [(alert.rule, alert.subject) for alert in result.fired] == [("spike-person-day", "keir-starmer")]
        assert len(receiver.delivered) == 1
        payload = receiver.delivered[0]["body"]
        message = payload["message"]
        assert message.splitlines()[0].startswith("* Keir Starmer: 10 stories in the last 24 hours, about ")
        assert message.splitlines()[0].endswith(" times a usual day")
        assert message.splitlines()[1].startswith("  A usual day brings ")
        assert "z=" not in message and "expected" not in message and "ratio" not in message
        counts = payload["alerts"][0]["counts"]
        times = message.splitlines()[0].split("about ")[1].split(" times")[0]
        assert float(times) == pytest.approx(counts["stories"] / counts["expected"], abs=0.5)
        assert "z=" in payload["alerts"][0]["statistics"]  # the figures stay in the record, for who wants them
        assert message.endswith(f"Full report: {REPORT_URL}")
        assert (payload["alerts"][0]["person"], payload["alerts"][0]["counts"]["stories"]) == ("Keir Starmer", 10)
        assert payload["report_url"] == REPORT_URL
        assert "Top outlets: BBC (4), GUARDIAN (3), SKY (3)" in message
        assert "https://news.example/today-0" in message
        assert '"Keir Starmer was asked about today-0."' in message
        assert "Also named: Elon Musk (3), Jess Phillips (2)" in message

    def test_second_run_with_no_new_data_sends_nothing(self, demo_db: Path) -> None:
        """Evaluating again at the same clock or an hour later sends nothing more."""
        with WebhookReceiver() as receiver:
            run(demo_db, [receiver.url()])
            again = run(demo_db, [receiver.url()], run_id="run-2")
            later = run(demo_db, [receiver.url()], as_of=AS_OF + timedelta(hours=1), run_id="run-3")

        assert (len(receiver.received), again.fired, later.fired) == (1, [], [])

    def test_growth_inside_the_cool_down_escalates_once(self, demo_db: Path) -> None:
        """Within the cool-down only a value grown by the escalation factor fires again, marked as escalation."""
        with WebhookReceiver() as receiver:
            run(demo_db, [receiver.url()])
            fill(demo_db, [Story(f"late-{index}", AS_OF + timedelta(minutes=5 * index + 1), ("keir-starmer",))
                           for index in range(6)])
            later = run(demo_db, [receiver.url()], as_of=AS_OF + timedelta(hours=1), run_id="run-2")
            latest = run(demo_db, [receiver.url()], as_of=AS_OF + timedelta(hours=2), run_id="run-3")

        assert [(alert.escalation, alert.previous_value) for alert in later.fired] == [(True, 10.0)]
        assert latest.fired == []
        assert "up from 10 at the last alert" in receiver.delivered[1]["body"]["message"]

    def test_preview_shows_without_recording(self, demo_db: Path) -> None:
        """Preview names what would fire, with the figures behind it (expected, ratio, z) that the channels leave
        out, and leaves the alerts table empty."""
        text = preview_alerts(demo_db, as_of=AS_OF, rules_file=RULES_FILE, names=NAMES)

        assert "Keir Starmer: 10 stories in the last 24 hours" in text
        assert "  Figures: 10 stories against " in text and "z=" in text
        assert alert_rows(demo_db) == []

    def test_preview_names_what_the_cool_down_holds_back(self, demo_db: Path) -> None:
        """After a run fired, the preview's cool-down line names the person as the digest does, not by id."""
        run(demo_db, [], send=False)

        text = preview_alerts(demo_db, as_of=AS_OF, rules_file=RULES_FILE, names=NAMES)

        assert "Held back by cool-down: Keir Starmer (spike-person-day)" in text


class TestDeliveryFailures:
    def test_server_error_then_success_delivers_once(self, demo_db: Path) -> None:
        """A 500 then a 200 delivers the digest once, recorded with both attempts."""
        with WebhookReceiver([Answer(500)]) as receiver:
            result = run(demo_db, [receiver.url()])

        assert [item["status"] for item in receiver.received] == [500, 200]
        assert [(record.status, record.attempts) for record in result.deliveries] == [("delivered", 2)]
        assert alert_rows(demo_db) == [("keir-starmer", "delivered", "json://***", 2)]

    def test_rate_limit_waits_the_retry_after(self, demo_db: Path) -> None:
        """A 429 with Retry-After is waited out for exactly that long, then delivered."""
        waits: list[float] = []
        with WebhookReceiver([Answer(429, {"Retry-After": "1.5"})]) as receiver:
            result = run(demo_db, [receiver.url()], waits=waits)

        assert waits == [1.5]
        assert [record.status for record in result.deliveries] == ["delivered"]

    def test_rejection_is_not_retried(self, demo_db: Path) -> None:
        """A 404 is tried once, recorded as rejected with its reason, and not retried by later runs."""
        with WebhookReceiver([Answer(404)]) as receiver:
            run(demo_db, [receiver.url()])
            later = run(demo_db, [receiver.url()], as_of=AS_OF + timedelta(hours=1), run_id="run-2")

        assert len(receiver.received) == 1
        assert later.retried_pending == 0
        with duckdb.connect(str(demo_db), read_only=True) as con:
            assert con.execute("select status, last_error from alerts").fetchall() == [
                ("rejected", "http 404: rejected, not retried")
            ]

    def test_receiver_down_for_a_run_delivers_on_the_next_once(self, demo_db: Path) -> None:
        """With the receiver down the alert is recorded failed; the next run delivers it once, marked delayed."""
        down = run(demo_db, [f"json://127.0.0.1:{closed_port()}/hook"])
        with WebhookReceiver() as receiver:
            url = receiver.url()
            # The same channel URL must be used across runs: move the failed delivery onto this URL's key.
            with duckdb.connect(str(demo_db)) as con:
                from flows.adapters.delivery import channel_key

                con.execute("update alert_deliveries set channel_key = ?", [channel_key(url)])
            retry = run(demo_db, [url], as_of=AS_OF + timedelta(hours=1), run_id="run-2")
            after = run(demo_db, [url], as_of=AS_OF + timedelta(hours=2), run_id="run-3")

        assert [(record.status, record.detail) for record in down.deliveries] == [
            ("failed", "network error: ConnectError")
        ]
        assert (retry.fired, retry.retried_pending, after.retried_pending) == ([], 1, 0)
        assert len(receiver.received) == 1
        assert "delayed: first fired 2025-01-06 21:00 UTC" in receiver.delivered[0]["body"]["message"]
        assert alert_rows(demo_db)[0][1] == "delivered"


class TestDigestClock:
    def test_a_digest_carries_only_alerts_its_title_covers(self, demo_db: Path) -> None:
        """A run judged as of two days before an alert still owed does not carry it under its earlier title; the
        next run whose clock covers the alert's window delivers it, once."""
        run(demo_db, [f"json://127.0.0.1:{closed_port()}/hook"])
        with WebhookReceiver() as receiver:
            url = receiver.url()
            with duckdb.connect(str(demo_db)) as con:  # the same channel across runs: move the failure onto it
                con.execute("update alert_deliveries set channel_key = ?", [channel_key(url)])
            earlier = run(demo_db, [url], as_of=AS_OF - timedelta(days=2), run_id="run-2")
            later = run(demo_db, [url], as_of=AS_OF + timedelta(hours=1), run_id="run-3")

        payloads = [item["body"] for item in receiver.delivered]
        carried = [(payload["as_of"], alert["window"]["end"]) for payload in payloads for alert in payload["alerts"]]
        assert all(window_end <= as_of for as_of, window_end in carried), carried
        assert [alert["subject"] for payload in payloads for alert in payload["alerts"]] == ["keir-starmer"]
        assert any("wait for a run judged at or after their time" in note for note in earlier.notes)
        assert later.retried_pending == 1


class TestCoolDownClock:
    def test_an_alert_judged_at_a_later_time_does_not_hold_back_this_one(self, demo_db: Path) -> None:
        """An alert stored by a run judged three days ahead (a future --as-of, or a clock that jumped) is not a
        cool-down for a run judged now: the surge at the demo's clock still fires."""
        fill(demo_db, [Story(f"ahead-{index}", AS_OF + timedelta(days=3, minutes=-30 - 100 * index),
                             ("keir-starmer",)) for index in range(10)])
        ahead = run(demo_db, [], as_of=AS_OF + timedelta(days=3), run_id="run-ahead")

        now = run(demo_db, [], run_id="run-now")

        assert [alert.subject for alert in ahead.fired] == ["keir-starmer"]
        assert [(alert.subject, alert.window_end) for alert in now.fired] == [("keir-starmer", AS_OF)]


def delivery_states(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("select channel_key, status from alert_deliveries").fetchall())


def wait_until(condition: Callable[[], bool], timeout_s: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


KILLED_RUN = """
import sys
from datetime import datetime
from pathlib import Path
from flows.alerting import run_alert_stage
from flows.adapters.delivery import RetryPolicy
db, rules, first, second, as_of = sys.argv[1:6]
clock = datetime.fromisoformat(as_of)
run_alert_stage(Path(db), run_id="killed", started_at=clock, as_of=clock, alert_urls=[first, second],
                rules_file=Path(rules), names={"keir-starmer": "Keir Starmer"},
                policy=RetryPolicy(attempts=1, timeout_s=120))
"""


class TestKilledMidDelivery:
    def test_a_killed_run_repeats_only_the_message_in_flight(self, demo_db: Path) -> None:
        """A real process killed (SIGKILL) while the second channel holds its message: the first channel's
        delivery was already recorded, so the next run sends only the second channel's message again."""
        hold = threading.Event()
        with WebhookReceiver() as first, WebhookReceiver([Answer(hold=hold)]) as second:
            urls = [first.url(), second.url()]
            child = subprocess.Popen(
                [sys.executable, "-c", KILLED_RUN, str(demo_db), str(RULES_FILE), *urls, AS_OF.isoformat()],
                cwd=PROJECT_DIR, env={**os.environ, "PYTHONPATH": str(PROJECT_DIR)},
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            try:
                in_flight = wait_until(lambda: len(second.received) == 1 or child.poll() is not None)
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=30)
            finally:
                hold.set()
                if child.poll() is None:
                    child.kill()
            stderr = child.stderr.read().decode() if child.stderr else ""
            after_kill = delivery_states(demo_db)
            again = run(demo_db, urls, as_of=AS_OF + timedelta(hours=1), run_id="run-2")

        assert in_flight and child.returncode == -signal.SIGKILL, stderr
        assert after_kill == {channel_key(urls[0]): "delivered", channel_key(urls[1]): "pending"}
        assert (len(first.received), len(second.received)) == (1, 2)
        assert [(record.channel, record.status) for record in again.deliveries] == [("json://***", "delivered")]
        assert set(delivery_states(demo_db).values()) == {"delivered"}
        assert alert_rows(demo_db)[0][1] == "delivered"


class TestNewChannel:
    def test_a_channel_added_later_catches_up_once_on_the_last_day(self, demo_db: Path) -> None:
        """A channel configured an hour after the alert fired receives it once, marked delayed; the channel that
        already had it gets nothing more."""
        with WebhookReceiver() as old, WebhookReceiver() as new:
            run(demo_db, [old.url()])
            added = run(demo_db, [old.url(), new.url()], as_of=AS_OF + timedelta(hours=1), run_id="run-2")
            later = run(demo_db, [old.url(), new.url()], as_of=AS_OF + timedelta(hours=2), run_id="run-3")

        assert (len(old.received), len(new.received)) == (1, 1)
        assert "delayed: first fired 2025-01-06 21:00 UTC" in new.received[0]["body"]["message"]
        assert (added.retried_pending, later.retried_pending) == (1, 0)
        assert alert_rows(demo_db)[0][1] == "delivered"

    def test_alerts_older_than_a_day_are_not_sent_to_a_new_channel(self, demo_db: Path) -> None:
        """A channel added 25 hours after the alert fired does not receive it."""
        with WebhookReceiver() as old, WebhookReceiver() as new:
            run(demo_db, [old.url()])
            run(demo_db, [old.url(), new.url()], as_of=AS_OF + timedelta(hours=25), run_id="run-2")

        assert (len(old.received), new.received) == (1, [])

    def test_the_first_channel_receives_what_was_printed_today(self, demo_db: Path) -> None:
        """Alerts printed by a run without channels reach the first channel configured within the day."""
        run(demo_db, [])
        with WebhookReceiver() as receiver:
            run(demo_db, [receiver.url()], as_of=AS_OF + timedelta(hours=3), run_id="run-2")

        assert len(receiver.received) == 1
        assert alert_rows(demo_db)[0][1] == "delivered"


class TestEvidence:
    def test_a_story_is_shown_under_one_alert_only(self, tmp_path: Path) -> None:
        """Two people spiking in the same stories: each story's link appears once in the digest."""
        db = tmp_path / "shared.duckdb"
        shared = [Story(f"shared-{index}", AS_OF - timedelta(hours=1 + index), ("person-a", "person-b"))
                  for index in range(8)]
        fill(db, demo_stories() + shared)
        with WebhookReceiver() as receiver:
            result = run(db, [receiver.url()])

        payload = receiver.delivered[0]["body"]
        links = [link["url"] for alert in payload["alerts"] for link in alert["links"]]
        assert {alert.subject for alert in result.fired} >= {"person-a", "person-b"}
        assert len(links) == len(set(links)) and len(links) >= 6


class TestWithoutChannels:
    def test_no_channel_prints_the_digest(self, demo_db: Path) -> None:
        """With no channel the digest comes back for the console and the alert is recorded as printed."""
        result = run(demo_db, [])

        assert result.digest_text.startswith("presswatch: 1 alert as of 2025-01-06 21:00 UTC")
        assert alert_rows(demo_db) == [("keir-starmer", "printed", "", 0)]

    def test_send_false_records_suppressed_and_never_sends(self, demo_db: Path) -> None:
        """send=False stores the alert as suppressed; a later run with a channel does not send it."""
        run(demo_db, [], send=False)
        with WebhookReceiver() as receiver:
            later = run(demo_db, [receiver.url()], as_of=AS_OF + timedelta(hours=1), run_id="run-2")

        assert (later.fired, receiver.received) == ([], [])
        assert alert_rows(demo_db) == [("keir-starmer", "suppressed", "", 0)]


class TestMessageSize:
    def test_many_alerts_are_split_and_summarised(self, tmp_path: Path) -> None:
        """Forty people spiking at once stay within the channel's limit, the rest listed as "and N more"."""
        db = tmp_path / "busy.duckdb"
        names = [f"person-{number:02d}" for number in range(40)]
        stories = demo_stories() + [
            Story(f"{person}-{index}", AS_OF - timedelta(hours=1 + index), (person,), title="x" * 180)
            for person in names for index in range(6)
        ]
        fill(db, stories)
        with WebhookReceiver() as receiver:
            result = run(db, [receiver.url()], max_messages=1)

        message = receiver.delivered[0]["body"]["message"]
        assert len(receiver.delivered) == 1
        assert len(message) <= 30_000
        assert "more alerts:" in message
        assert {record.status for record in result.deliveries} == {"delivered"}
        assert len(result.deliveries) == len(result.fired) == 40


class TestDigestOrder:
    def test_console_and_channel_list_alerts_in_the_same_order(self, tmp_path: Path) -> None:
        """Five people spiking by different amounts: the console digest (a run without channels) and the channel's
        digest name them in one order, the biggest move first."""
        sizes = {"person-e": 7, "person-a": 12, "person-d": 9, "person-b": 16, "person-c": 20}
        stories = demo_stories() + [
            Story(f"{person}-{index}", AS_OF - timedelta(hours=1, minutes=index), (person,))
            for person, size in sizes.items() for index in range(size)
        ]
        quiet, loud = tmp_path / "quiet.duckdb", tmp_path / "loud.duckdb"
        fill(quiet, stories)
        fill(loud, stories)

        console = run(quiet, []).digest_text
        with WebhookReceiver() as receiver:
            run(loud, [receiver.url()])
        channel = receiver.delivered[0]["body"]["message"]

        def order(text: str) -> list[str]:
            return [line[2:].split(":")[0] for line in text.splitlines() if line.startswith("* ")]

        assert order(console) == order(channel)
        assert [name for name in order(console) if name in sizes] == ["person-c", "person-b", "person-a",
                                                                     "person-d", "person-e"]


class TestSecrets:
    def test_channel_token_never_in_logs_output_or_tables(
        self, demo_db: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Neither failing nor succeeding deliveries write the URL's token to logs, output or the warehouse."""
        caplog.set_level(logging.DEBUG)
        with WebhookReceiver([Answer(500), Answer(500), Answer(500)]) as receiver:
            url = receiver.url()
            run(demo_db, [url, receiver.url("form")])
            run(demo_db, [url, receiver.url("form")], as_of=AS_OF + timedelta(hours=1), run_id="run-2")
        captured = capsys.readouterr()
        with duckdb.connect(str(demo_db), read_only=True) as con:
            stored = str(con.execute("select * from alerts").fetchall())
            stored += str(con.execute("select * from alert_deliveries").fetchall())

        written = caplog.text + captured.out + captured.err + stored
        assert [secret for secret in SECRETS if secret in written] == []
        assert "json://***" in stored
