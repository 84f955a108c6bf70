"""Runs are never lost to a lock: other processes hold the file, the run spools, the next load merges it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import polars as pl
import pytest
from warehouse_rows import AS_OF, mention_rows

from transforms.budget import deferrals_frame
from transforms.records import FeedEntry
from transforms.revisions import NewEntry
from warehouse import database, spool
from warehouse.loads import LoadOutcome, load_or_spool, merge_pending_spools

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from mentions").fetchall()[0][0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from mentions").fetchall()[0][0], flush=True)
"""
SPOOL_THEN_HANG = """
import sys, time
from pathlib import Path
from warehouse_rows import mention_rows
from warehouse.loads import load_or_spool
outcome = load_or_spool(Path(sys.argv[1]), mention_rows(40, run_id="run-killed"), spool_dir=Path(sys.argv[2]),
                        attempts=1, backoff_s=0)
print(outcome.method, flush=True)
time.sleep(600)
"""


def start(script: str, *arguments: Path) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, arguments)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment,
    )


@pytest.fixture
def warehouse_file(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with database.opened(path):
        pass
    return path


@pytest.fixture
def reader(warehouse_file: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the file open read-only (an analyst's session), until the test lets it go."""
    process = start(READER, warehouse_file)
    assert process.stdout is not None
    process.stdout.readline()
    yield process
    process.kill()
    process.wait()


def counts(db: Path) -> tuple[int, int, int]:
    with database.opened(db, read_only=True) as con:
        row = con.execute(
            "select (select count(*) from mentions), (select count(*) from runs), (select count(*) from spool_merges)"
        ).fetchall()[0]
    return (int(row[0]), int(row[1]), int(row[2]))


def load(db: Path, run_id: str, mentions: int) -> LoadOutcome:
    return load_or_spool(db, mention_rows(mentions, run_id=run_id), spool_dir=db.parent / "spool",
                         attempts=2, backoff_s=0.01)


class TestLoadOrSpool:
    def test_loading_twice_leaves_the_same_counts(self, warehouse_file: Path) -> None:
        """The same run loaded twice (a retried task) adds nothing the second time."""
        first = load(warehouse_file, "run-1", 30)

        second = load(warehouse_file, "run-1", 30)

        assert (first.method, second.method, counts(warehouse_file)) == ("direct", "direct", (30, 1, 0))

    def test_reader_in_another_process_gets_the_run_spooled_then_merged(
        self, warehouse_file: Path, reader: subprocess.Popen[str]
    ) -> None:
        """While an analyst holds the file the run spools; their session still works; the next run merges it."""
        assert reader.stdin is not None and reader.stdout is not None

        spooled = load(warehouse_file, "run-1", 30)
        reader.stdin.write("\n")
        reader.stdin.flush()
        reader_still_answers = reader.stdout.readline().strip()
        reader.wait(timeout=10)
        merged = load(warehouse_file, "run-2", 20)

        assert (spooled.method, spooled.counts["mentions"], spooled.spooled_path is not None) == ("spooled", 30, True)
        assert reader_still_answers == "0"
        assert (merged.method, merged.merged_spools) == ("merged+direct", 1)
        assert counts(warehouse_file) == (30, 2, 1)
        assert spool.pending_spools(warehouse_file.parent / "spool") == []

    def test_run_record_says_how_each_run_was_loaded(
        self, warehouse_file: Path, reader: subprocess.Popen[str]
    ) -> None:
        """runs.load_method is spooled for the locked-out run and merged+direct for the run that merged it."""
        load(warehouse_file, "run-1", 5)
        reader.kill()
        reader.wait()

        load(warehouse_file, "run-2", 5)

        with database.opened(warehouse_file, read_only=True) as con:
            methods = con.execute("select run_id, load_method, merged_spools from runs order by run_id").fetchall()
        assert methods == [("run-1", "spooled", 0), ("run-2", "merged+direct", 1)]

    def test_process_killed_after_spooling_loses_nothing(
        self, warehouse_file: Path, reader: subprocess.Popen[str]
    ) -> None:
        """A run process killed (SIGKILL) between spooling and any merge leaves a spool the next run merges exactly."""
        spool_dir = warehouse_file.parent / "spool"
        victim = start(SPOOL_THEN_HANG, warehouse_file, spool_dir)
        assert victim.stdout is not None
        said = victim.stdout.readline().strip()
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        reader.kill()
        reader.wait()

        outcome = load(warehouse_file, "run-2", 40)

        assert (said, outcome.method, counts(warehouse_file)) == ("spooled", "merged+direct", (40, 2, 1))

    def test_spool_committed_but_not_deleted_is_not_merged_twice(self, warehouse_file: Path) -> None:
        """A crash between a merge's commit and the spool's deletion leaves a spool recognised as merged."""
        spool_dir = warehouse_file.parent / "spool"
        tables = mention_rows(12, run_id="run-1")
        path = spool.write_spool(spool_dir, tables.frames(), run_id="run-1")
        kept = shutil.copytree(path, spool_dir.parent / "copy")
        with database.opened(warehouse_file) as con:
            merge_pending_spools(con, spool_dir)
        shutil.copytree(kept, path)

        with database.opened(warehouse_file) as con:
            merged_again = merge_pending_spools(con, spool_dir)

        assert (merged_again, counts(warehouse_file), spool.pending_spools(spool_dir)) == (0, (12, 1, 1), [])

    def test_spools_merge_oldest_first(self, warehouse_file: Path) -> None:
        """Two spooled versions of a row: the later one wins because spools merge in the order they were written."""
        spool_dir = warehouse_file.parent / "spool"
        older = mention_rows(1, articles=1).frames()
        newer = {**older, "articles": older["articles"].with_columns(title=pl.lit("Newer"))}
        spool.write_spool(spool_dir, older, run_id="run-1", now=AS_OF)
        spool.write_spool(spool_dir, newer, run_id="run-1", now=AS_OF.replace(hour=13))

        with database.opened(warehouse_file) as con:
            merged = merge_pending_spools(con, spool_dir)
            title = con.execute("select title from articles").fetchall()

        assert (merged, title) == (2, [("Newer",)])


class TestWalQuarantine:
    def test_unreplayable_wal_is_moved_aside_and_named(self, tmp_path: Path) -> None:
        """A corrupt write-ahead log is renamed, the notice names the file, and the warehouse opens."""
        db = tmp_path / "w.duckdb"
        with database.opened(db) as con:
            con.execute("pragma disable_checkpoint_on_shutdown")
            con.execute("set wal_autocheckpoint = '1GB'")
            con.execute("insert into people values ('keir-starmer', 'Keir Starmer', now())")
        wal = db.with_name(db.name + ".wal")
        damaged = bytearray(wal.read_bytes())
        damaged[100:-20] = bytes(byte ^ 0x5A for byte in damaged[100:-20])
        wal.write_bytes(bytes(damaged))
        notices: list[str] = []

        con = database.connect(db, notice=notices.append)
        tables = con.execute("select count(*) from schema_migrations").fetchall()
        con.close()

        moved = list(tmp_path.glob("w.duckdb.wal.unreplayable-*"))
        assert len(moved) == 1 and str(moved[0]) in notices[0]
        assert tables[0][0] >= 1


class TestSnapshot:
    def test_snapshot_has_the_data_and_its_reader_never_blocks_the_writer(self, warehouse_file: Path) -> None:
        """A reader on the published snapshot sees the run; the next load and publish still succeed."""
        snapshot = warehouse_file.parent / "snapshot.duckdb"
        load_or_spool(warehouse_file, mention_rows(7), spool_dir=warehouse_file.parent / "spool", snapshot=snapshot)
        analyst = duckdb.connect(str(snapshot), read_only=True)

        second = load_or_spool(warehouse_file, mention_rows(9, run_id="run-2"),
                               spool_dir=warehouse_file.parent / "spool", snapshot=snapshot, attempts=1)
        seen_by_open_session = analyst.execute("select count(*) from mentions").fetchall()[0][0]
        analyst.close()
        with duckdb.connect(str(snapshot), read_only=True) as fresh:
            seen_by_new_session = fresh.execute("select count(*) from mentions").fetchall()[0][0]

        assert (second.method, seen_by_open_session, seen_by_new_session) == ("direct", 7, 9)


class TestDeferralsInTheSpool:
    def test_deferrals_spooled_while_locked_are_recorded_then_forgotten_once_stored(
        self, warehouse_file: Path, reader: subprocess.Popen[str]
    ) -> None:
        """A locked-out run's deferred entries wait in its spool; the next load records them before its own
        articles, so the one it stores is forgotten; a settled entry is forgotten by a later load."""
        entries = [NewEntry("herald", FeedEntry(f"https://herald.example/a{n}", None, "", AS_OF, "")) for n in (1, 2)]
        first = replace(
            mention_rows(1, articles=1, run_id="run-1"),
            deferred_articles=deferrals_frame(entries, "cap", {}, run_id="run-1", now=AS_OF),
        )
        spooled = load_or_spool(warehouse_file, first, spool_dir=warehouse_file.parent / "spool", attempts=1)
        reader.kill()
        reader.wait()

        stores_a0_a1 = mention_rows(2, articles=2, run_id="run-2")
        load_or_spool(warehouse_file, stores_a0_a1, spool_dir=warehouse_file.parent / "spool")
        with database.opened(warehouse_file, read_only=True) as con:
            waiting = con.execute("select url, first_deferred_run from deferred_articles").fetchall()
        settled = replace(mention_rows(0, articles=0, run_id="run-3"),
                          deferred_articles=deferrals_frame([], "cap", {}, run_id="run-3", now=AS_OF,
                                                            settled=["https://herald.example/a2"]))  # fmt: skip
        load_or_spool(warehouse_file, settled, spool_dir=warehouse_file.parent / "spool")
        with database.opened(warehouse_file, read_only=True) as con:
            left = con.execute("select count(*) from deferred_articles").fetchall()

        assert spooled.method == "spooled"
        assert waiting == [("https://herald.example/a2", "run-1")]
        assert left == [(0,)]
