"""A warehouse on a disk that fills up: a clear message, and nothing committed lost once space is freed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from disks import small_tmpfs
from newsroom import ARTICLES, add_article, start_newsroom, write_feeds_file

from flows.config import ExtractionSettings, FetchSettings, Settings
from flows.pipeline import RunSummary, monitor_run, new_context, plain_runner
from warehouse.database import WarehouseDiskFull

DISK_MB = 24  # room for the warehouse and its snapshot after one small run


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real filesystem of a few MB (tmpfs), so DuckDB meets a real ENOSPC; needs root, as CI has."""
    with small_tmpfs(tmp_path, DISK_MB) as disk:
        yield disk


def fill(disk: Path, leave_bytes: int) -> Path:
    """Take all but `leave_bytes` of the disk with one file."""
    usage = shutil.disk_usage(disk)
    filler = disk / "filler"
    with filler.open("wb") as handle:
        handle.truncate(0)
        handle.write(b"\0" * max(0, usage.free - leave_bytes))
    return filler


class TestDiskFull:
    def test_full_disk_is_named_and_the_next_run_after_freeing_space_loses_nothing(
        self, small_disk: Path, tmp_path: Path
    ) -> None:
        """A run on a full disk fails saying the disk is full; after freeing space every committed row is there."""
        newsroom = start_newsroom()
        settings = Settings(
            report_dir=tmp_path / "reports",
            fetch=FetchSettings(per_host_delay_s=0.0),
            extraction=ExtractionSettings(workers=1),
        )
        feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", newsroom.url("/feed.xml"))])
        db = small_disk / "w.duckdb"

        def run() -> RunSummary:
            return monitor_run(settings, feeds, db, new_context("live", None), plain_runner(settings))

        try:
            run()
            add_article(newsroom, "/news/late-story.html", "Late story", "Nigel Farage backed the call.")
            filler = fill(small_disk, leave_bytes=16 * 1024)

            with pytest.raises(WarehouseDiskFull) as failure:
                run()

            filler.unlink()
            after = run()
        finally:
            newsroom.__exit__(None, None, None)

        with duckdb.connect(str(db), read_only=True) as con:
            articles = con.execute("select count(*) from articles").fetchall()
            statuses = con.execute("select status from runs order by started_at").fetchall()
        assert "is full" in str(failure.value) and str(small_disk) in str(failure.value)
        assert "nothing committed is lost" in str(failure.value)
        assert after.articles_new == 1
        assert articles == [(len(ARTICLES) + 1,)]
        assert statuses[0] == ("completed",) and statuses[-1] == ("completed",)
