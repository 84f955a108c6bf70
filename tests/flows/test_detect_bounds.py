"""One hostile page cannot run the detect stage out of memory (issue 24.2): a paragraph of "Keir Starmer " with no
full stop, served by a real loopback newsroom beside ordinary pages, loaded into real DuckDB files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from loopback import LoopbackServer
from newsroom import ARTICLES, add_article, start_newsroom, write_feeds_file

from flows.backfill import backfill
from flows.config import DetectionSettings, ExtractionSettings, FetchSettings, RunSettings, Settings
from flows.interface.console import print_summary
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner, run_markdown
from transforms.sentences import MAX_SNIPPET_CHARS

AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)
HOSTILE = "/news/starmer-starmer.html"
PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def newsroom() -> Iterator[LoopbackServer]:
    server = start_newsroom()
    yield server
    server.__exit__(None, None, None)


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def hostile_page(newsroom: LoopbackServer, repeats: int) -> None:
    """One paragraph of "Keir Starmer " repeated, never a full stop, listed first in the feed."""
    add_article(newsroom, HOSTILE, "Starmer Starmer Starmer", "Keir Starmer " * repeats)


class TestHostilePageInARun:
    def test_long_text_is_cut_for_detection_recorded_and_never_fetched_again(
        self, newsroom: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The batch's other articles load with their mentions; the hostile article is stored whole, its error
        says detection read only the first max_chars characters and kept max_occurrences rows per person; the
        next run neither fetches it again nor fails."""
        hostile_page(newsroom, 3_000)  # about 39,000 characters
        settings = Settings(
            fetch=FetchSettings(per_host_delay_s=0.0),
            runs=RunSettings(task_retry_delay_s=0.0),
            extraction=ExtractionSettings(workers=1),
            detection=DetectionSettings(max_chars=20_000, max_occurrences=300),
        )
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"

        first = run(feeds, db, settings)
        requests_after_first = len(newsroom.requests)
        second = run(feeds, db, settings)

        assert first.articles_cut == 1 and second.articles_cut == 0
        assert "| detection cut (articles.error says what) | 1 |" in run_markdown(first)
        print_summary(first, db)
        assert f"{HOSTILE}: detection read the first" in " ".join(capsys.readouterr().out.split())
        assert query(db, "select count(*) from articles") == [(len(ARTICLES) + 1,)]
        others = query(db, f"select count(distinct article_id) from mentions where article_id in "
                           f"(select article_id from articles where url not like '%{HOSTILE}')")  # fmt: skip
        assert others == [(len(ARTICLES),)]
        [(length, error)] = query(db, f"select length(text), error from articles where url like '%{HOSTILE}'")
        assert isinstance(length, int) and length > 38_000
        assert isinstance(error, str) and "20,000" in error and "300" in error
        assert query(
            db,
            f"select person_id, count(*), max(length(snippet)) <= {MAX_SNIPPET_CHARS} from mentions "
            f"where article_id in (select article_id from articles where url like '%{HOSTILE}') group by person_id",
        ) == [("keir-starmer", 300, True)]
        assert {request.path for request in newsroom.requests[requests_after_first:]} <= {"/feed.xml"}
        assert query(db, "select status from runs order by started_at") == [("completed",), ("completed",)]


    def test_backfill_keeps_the_same_bounds(self, newsroom: LoopbackServer, tmp_path: Path) -> None:
        """Re-deriving stored articles reads the hostile text within the same limits the run used: the same
        capped rows, never the whole stored text at once."""
        hostile_page(newsroom, 3_000)
        settings = Settings(
            report_dir=tmp_path / "reports",
            fetch=FetchSettings(per_host_delay_s=0.0),
            extraction=ExtractionSettings(workers=1),
            detection=DetectionSettings(max_chars=20_000, max_occurrences=300),
        )
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = tmp_path / "w.duckdb"
        run(feeds, db, settings)
        hostile_rows = (
            "select person_id, count(*), max(char_end) < 20000 from mentions where article_id in "
            f"(select article_id from articles where url like '%{HOSTILE}') group by person_id"
        )
        assert query(db, hostile_rows) == [("keir-starmer", 300, True)]

        result = backfill(settings, since=datetime(2025, 1, 1, tzinfo=UTC), db=db)

        assert result.articles == len(ARTICLES) + 1
        assert query(db, hostile_rows) == [("keir-starmer", 300, True)]


def run(feeds: Path, db: Path, settings: Settings) -> RunSummary:
    return monitor_run(settings, feeds, db, new_context("live", AS_OF), plain_runner(settings))


# The run process sets its own address-space limit once its libraries are loaded and warmed (DuckDB and polars
# reserve about a gigabyte of address space they never touch), so the limit is what detection may grow by.
UNDER_A_LIMIT = """
import resource, sys
import duckdb, polars
duckdb.connect().execute("select 1").fetchall()
polars.DataFrame({"a": [1, 2]}).sum()
with open("/proc/self/statm") as statm:
    mapped = int(statm.read().split()[0]) * resource.getpagesize()
limit = mapped + int(sys.argv[2]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from flows.interface.cli import main
sys.exit(main(["run", "--feeds", sys.argv[1], "--as-of", "2025-01-06T21:00:00+00:00"]))
"""


@pytest.mark.slow
def test_a_250_kb_hostile_page_does_not_kill_a_run_held_to_1_5_gb(tmp_path: Path) -> None:
    """With the default settings, a run process that may grow by 1.5 GB detects a 250 KB paragraph of
    "Keir Starmer " whole (under PRESSWATCH_DETECT_MAX_CHARS) and completes: every other article loads."""
    newsroom = start_newsroom()
    try:
        hostile_page(newsroom, 19_300)  # about 250,000 characters
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        environment = {key: value for key, value in os.environ.items() if not key.startswith("PRESSWATCH_")}
        environment.update(
            PYTHONPATH=str(PROJECT_DIR),
            PRESSWATCH_DB=str(tmp_path / "w.duckdb"),
            PRESSWATCH_REPORT_DIR=str(tmp_path / "reports"),
            PRESSWATCH_PER_HOST_DELAY_S="0",
            PRESSWATCH_TASK_RETRIES="0",
            PREFECT_HOME=str(tmp_path / "prefect-home"),
        )
        environment.pop("PREFECT_API_URL", None)
        finished = subprocess.run(
            [sys.executable, "-c", UNDER_A_LIMIT, str(feeds), "1536"],
            cwd=PROJECT_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        newsroom.__exit__(None, None, None)

    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]
    db = tmp_path / "w.duckdb"
    assert query(db, "select count(*) from articles") == [(len(ARTICLES) + 1,)]
    [(length, error)] = query(db, f"select length(text), error from articles where url like '%{HOSTILE}'")
    assert isinstance(length, int) and length > 250_000
    assert error is not None and "kept the first" in error  # the rows per person were capped, and it says so
    assert query(db, "select count(distinct article_id) from mentions") == [(len(ARTICLES) + 1,)]
