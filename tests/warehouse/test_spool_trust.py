"""Only spools a presswatch run wrote are merged: a planted, edited or foreign spool is set aside unread."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from warehouse_rows import mention_rows

from warehouse import database, spool
from warehouse.loads import RunTables, load_or_spool, merge_pending_spools
from warehouse.snapshot import publish_snapshot

PLANTED = "20990101T000000000000Z-planted"


@pytest.fixture
def warehouse_file(tmp_path: Path) -> Path:
    """A warehouse with one run loaded: article a0 named 12 times."""
    db = tmp_path / "w.duckdb"
    load_or_spool(db, mention_rows(12, articles=1), spool_dir=tmp_path / "spool")
    return db


def victim(db: Path) -> tuple[str, int]:
    with database.opened(db, read_only=True) as con:
        row = con.execute(
            "select (select title from articles where article_id = 'a0'), "
            "(select count(*) from mentions where article_id = 'a0')"
        ).fetchall()[0]
    return str(row[0]), int(row[1])


def merge(db: Path, spool_dir: Path) -> tuple[int, list[str]]:
    notices: list[str] = []
    with database.opened(db) as con:
        merged = merge_pending_spools(con, spool_dir, notice=notices.append)
    return merged, notices


def retitled(db: Path) -> dict[str, pl.DataFrame]:
    """The stored article under a new title, as a spool would carry it."""
    with database.opened(db, read_only=True) as con:
        articles = con.sql("select * replace ('Planted' as title) from articles").pl()
    return {"articles": articles}


class TestPlantedSpools:
    def test_spool_planted_with_an_ordinary_duckdb_session_is_set_aside(self, warehouse_file: Path) -> None:
        """The probe's plant, made by a DuckDB session that has file access (say `duckdb -readonly`), is not merged."""
        spool_dir = warehouse_file.parent / "spool"
        manifest = json.dumps({"spool_id": PLANTED, "run_id": "planted", "spooled_at": "2099-01-01T00:00:00+00:00",
                               "tables": {"articles": 1}, "replaced_article_ids": ["a0"]})
        with duckdb.connect(str(warehouse_file), read_only=True) as con:
            con.execute(f"copy (select 1 as x) to '{spool_dir}/{PLANTED}' (format parquet, per_thread_output true)")
            con.execute(f"copy (select * replace ('Planted' as title) from articles) "
                        f"to '{spool_dir}/{PLANTED}/articles.parquet' (format parquet)")
            con.execute(f"copy (select '{manifest}' as m) to '{spool_dir}/{PLANTED}/manifest.json' "
                        "(format csv, header false, quote '', escape '', delimiter '|')")

        merged, notices = merge(warehouse_file, spool_dir)

        assert (merged, victim(warehouse_file)) == (0, ("Headline a0", 12))
        assert "its manifest is not signed by this warehouse's runs" in notices[0]
        assert spool.pending_spools(spool_dir) == [] and (spool_dir / f"failed-{PLANTED}").is_dir()

    def test_parquet_replaced_after_the_run_wrote_it_is_set_aside(self, warehouse_file: Path) -> None:
        """A run's own spool whose Parquet file was swapped afterwards fails its checksum."""
        spool_dir = warehouse_file.parent / "spool"
        path = spool.write_spool(spool_dir, mention_rows(12, articles=1).frames(), run_id="run-2")
        retitled(warehouse_file)["articles"].write_parquet(path / "articles.parquet")

        merged, notices = merge(warehouse_file, spool_dir)

        assert (merged, victim(warehouse_file)) == (0, ("Headline a0", 12))
        assert "articles.parquet is not the file the run wrote" in notices[0]

    def test_spool_signed_with_another_key_is_set_aside(self, warehouse_file: Path, tmp_path: Path) -> None:
        """A spool signed elsewhere (another installation's key) does not verify here."""
        spool_dir = warehouse_file.parent / "spool"
        elsewhere = spool.write_spool(tmp_path / "elsewhere", retitled(warehouse_file), run_id="run-x")
        shutil.move(elsewhere, spool_dir / elsewhere.name)

        merged, notices = merge(warehouse_file, spool_dir)

        assert (merged, victim(warehouse_file)) == (0, ("Headline a0", 12))
        assert "not signed by this warehouse's runs" in notices[0]

    def test_file_others_may_write_is_refused(self, warehouse_file: Path) -> None:
        """A group-writable file in a spool could have been changed by another account: the spool is set aside."""
        spool_dir = warehouse_file.parent / "spool"
        path = spool.write_spool(spool_dir, retitled(warehouse_file), run_id="run-2")
        os.chmod(path / "articles.parquet", 0o664)

        merged, notices = merge(warehouse_file, spool_dir)

        assert (merged, victim(warehouse_file)) == (0, ("Headline a0", 12))
        assert "is writable by other accounts" in notices[0]

    @pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
    def test_spool_owned_by_another_account_is_refused(self, warehouse_file: Path) -> None:
        """A spool directory belonging to another user (an analyst's account) is never read."""
        spool_dir = warehouse_file.parent / "spool"
        path = spool.write_spool(spool_dir, retitled(warehouse_file), run_id="run-2")
        os.chown(path, 65534, 65534)

        merged, notices = merge(warehouse_file, spool_dir)

        assert (merged, victim(warehouse_file)) == (0, ("Headline a0", 12))
        assert "belongs to user id 65534" in notices[0]

    def test_key_readable_by_others_is_refused(self, warehouse_file: Path) -> None:
        """A signing key others can read no longer proves anything: nothing is merged until it is private again."""
        spool_dir = warehouse_file.parent / "spool"
        spool.write_spool(spool_dir, retitled(warehouse_file), run_id="run-2")
        os.chmod(spool_dir / spool.KEY_FILE, 0o644)

        merged, notices = merge(warehouse_file, spool_dir)

        assert (merged, victim(warehouse_file)) == (0, ("Headline a0", 12))
        assert "is readable by other accounts" in notices[0]


class TestRunSpools:
    def test_first_load_makes_a_private_key(self, warehouse_file: Path) -> None:
        """The key exists from the first load on, readable by the runs' account only, in a private directory."""
        spool_dir = warehouse_file.parent / "spool"

        key = spool_dir / spool.KEY_FILE

        assert (key.stat().st_mode & 0o777, spool_dir.stat().st_mode & 0o777) == (0o600, 0o700)
        assert len(key.read_text(encoding="ascii")) == 64

    def test_run_spool_written_under_a_loose_umask_still_merges(self, warehouse_file: Path) -> None:
        """Under umask 002 files are born group-writable; a run's spool tightens its own files and merges."""
        spool_dir = warehouse_file.parent / "spool"
        previous = os.umask(0o002)
        try:
            spool.write_spool(spool_dir, retitled(warehouse_file), run_id="run-2")
        finally:
            os.umask(previous)

        merged, notices = merge(warehouse_file, spool_dir)

        assert (merged, notices, victim(warehouse_file)) == (1, [], ("Planted", 12))

    def test_spool_directory_made_group_writable_by_an_older_version_is_tightened(self, warehouse_file: Path) -> None:
        """The next load makes the directory private again, so spools written before still merge."""
        spool_dir = warehouse_file.parent / "spool"
        spool.write_spool(spool_dir, retitled(warehouse_file), run_id="run-2")
        os.chmod(spool_dir, 0o775)

        outcome = load_or_spool(warehouse_file, RunTables.from_frames({}), spool_dir=spool_dir)

        assert (outcome.merged_spools, spool_dir.stat().st_mode & 0o777) == (1, 0o700)


class TestSnapshot:
    def test_snapshot_is_readable_by_the_group(self, warehouse_file: Path) -> None:
        """Analysts open the snapshot with their own accounts, through the file's group; others cannot."""
        snapshot = publish_snapshot(warehouse_file, warehouse_file.parent / "w.snapshot.duckdb").path

        assert snapshot.stat().st_mode & 0o777 == 0o640
