"""The analysts' snapshot is synced in place by the runs it lacks and equals the warehouse row for row after every
kind of change; a reader on it, a missing or foreign snapshot, or one that drifted gets a full copy instead."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from snapshot_compare import counts, differences, file_differences, storage_version, temporaries
from warehouse_rows import AS_OF, article, fetch, mention, run, run_tables, source, topic_mention

from flows.backfill import backfill
from flows.config import Settings
from flows.quoting import quotes_frame
from transforms.identity import quote_id_for
from warehouse import database
from warehouse.database import WarehouseDiskFull
from warehouse.loads import LoadOutcome, RunTables, load_or_spool
from warehouse.snapshot import SNAPSHOT_MODE, Publication, publish_snapshot

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TEXT = "Keir Starmer met Elon Musk. Kemi Badenoch and Elon Musk spoke about the NHS."
HOLD_SNAPSHOT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from articles").fetchall()[0][0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from articles").fetchall()[0][0], flush=True)
"""
LOAD_THEN_DIE = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from test_snapshot import hour
from warehouse.loads import load_or_spool
load_or_spool(Path(sys.argv[1]), hour("run-2", ["b1", "b2"]), spool_dir=Path(sys.argv[2]), attempts=1)
os.kill(os.getpid(), signal.SIGKILL)  # killed between its load and its publish
"""
HOLD_WRITABLE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
"""
WATCH_SNAPSHOT = """
import select, sys, time, duckdb
seen, ready = set(), False
while not seen or not select.select([sys.stdin], [], [], 0)[0]:
    try:
        with duckdb.connect(sys.argv[1], read_only=True) as con:
            state = con.execute(
                "select (select count(*) from articles), (select count(*) from mentions), "
                "(select count(*) from feed_fetches), (select count(*) from snapshot_runs)").fetchall()[0]
        seen.add(",".join(map(str, state)))
    except duckdb.IOException as error:
        seen.add("locked" if "lock" in str(error).lower() else "error: " + str(error).splitlines()[0])
    if not ready and seen - {"locked"}:
        ready = print("ready", flush=True) or True
    # closed most of the time, as a one-off query is, so the publish gets its turn within its attach waits even
    # when a loaded machine makes each open slow (0.05 s here let it copy instead, now and then, under load 9)
    time.sleep(0.2)
print("|".join(sorted(seen)), flush=True)
"""


def hour(run_id: str, article_ids: list[str], *, at: datetime = AS_OF, replaced: tuple[str, ...] = (),
         people: tuple[str, ...] = ("keir-starmer", "elon-musk"), quoted: bool = True) -> RunTables:
    """One run's tables: articles with mentions, a topic mention and (when `quoted`) a quote each, a fetch per
    source and the run's row."""
    articles = [{**article(a, at - timedelta(hours=1), first_seen_at=at, run_id=run_id), "text": TEXT}
                for a in article_ids]
    mentions = [mention(a, person, 10 * index, run_id=run_id) for a in article_ids
                for index, person in enumerate(people)]
    topics = [topic_mention(a, "nhs", 70, run_id=run_id) for a in article_ids]
    quotes = [quote(a, run_id) for a in article_ids if quoted]
    fetches = [fetch(run_id, name, at, "ok", http_status=200) for name in ("herald", "courier")]
    tables = run_tables(sources=[source("herald", "Herald"), source("courier", "Courier")], articles=articles,
                        mentions=mentions, topic_mentions=topics, feed_fetches=fetches, runs=[run(run_id, at)])
    return replace(tables, replaced_article_ids=replaced, quotes=quotes_frame(quotes))


def quote(article_id: str, run_id: str) -> dict[str, object]:
    """The quote row for TEXT's words after "spoke about" (an unattributed quote, as the ledger stores one)."""
    start = TEXT.index("the NHS")
    return {"quote_id": quote_id_for(article_id, start, len(TEXT) - 1), "article_id": article_id, "person_id": None,
            "quote_text": TEXT[start:-1], "char_start": start, "char_end": len(TEXT) - 1, "cue": None,
            "speaker": None, "attribution": "none", "sentence_index": 1, "quote_key": "the nhs", "run_id": run_id}


def written_by_2_0(db: Path, snapshot: Path) -> None:
    """Replace `snapshot` by one as releases before this one published it: the warehouse's tables, views and runs in
    DuckDB 2.0's own storage format, which DuckDB 1.x refuses ("version number 69")."""
    snapshot.unlink()
    with duckdb.connect(str(snapshot)) as con:
        here = con.execute("select current_database()").fetchall()[0][0]
        con.execute(f"attach '{db}' as stored (read_only)")
        con.execute(f'copy from database stored to "{here}"')
        con.execute("create table snapshot_runs (run_id varchar primary key, synced_at timestamptz not null)")
        con.execute("insert into snapshot_runs select run_id, now() from runs")
    assert storage_version(snapshot) == "v2.0.0+"


def year_old_history(articles: int) -> RunTables:
    """`articles` stored a year before the demo's clock (outside every period its report and alerts read), each with
    about 20 KB of text in words, so copying the warehouse takes a while."""
    words = [*TEXT.replace(".", "").split(), *(f"w{number}" for number in range(5000))]
    chooser = random.Random(7)
    tables = hour("history", [f"h{index}" for index in range(articles)], at=AS_OF - timedelta(days=365))
    texts = [" ".join(chooser.choices(words, k=3000)) for _ in range(articles)]
    return replace(tables, articles=tables.articles.with_columns(pl.Series("text", texts)))


def copied_bytes(snapshot: Path) -> int:
    """Bytes written so far into the hidden folders and files a full copy of `snapshot` makes before its rename."""
    found = 0
    for path in snapshot.parent.glob(f".{snapshot.name}.*"):
        for part in (path.rglob("*") if path.is_dir() else [path]):
            with contextlib.suppress(FileNotFoundError):
                found += part.stat().st_size if part.is_file() else 0
    return found


def snapshot_of(db: Path) -> Path:
    return db.with_name("w.snapshot.duckdb")


def full_copy(db: Path) -> Path:
    """A full copy of the warehouse as it stands, made as a first publish makes one, beside the synced snapshot."""
    path = db.with_name("w.full-copy.duckdb")
    path.unlink(missing_ok=True)
    assert publish_snapshot(db, path).method == "created"
    return path


def same_as_full_copy(db: Path) -> dict[str, str]:
    """How the synced snapshot differs from a full copy made now; each file took its own clock for synced_at."""
    return file_differences(snapshot_of(db), full_copy(db), ignore={"snapshot_runs": ("synced_at",)})


def load_dropping_text(db: Path, run_id: str, article_ids: list[str], at: datetime) -> LoadOutcome:
    """A run at `at` keeping 30 days of text, after two runs just before it that confirm its clock (retention
    never trusts one clock reading: warehouse/retention.py)."""
    for hours in (2, 1):
        load(db, hour(f"{run_id}-confirming-{hours}", [], at=at - timedelta(hours=hours)))
    return load(db, hour(run_id, article_ids, at=at), keep_text_days=30, run_started_at=at)


def load(db: Path, tables: RunTables, **options: object) -> LoadOutcome:
    return load_or_spool(db, tables, spool_dir=db.with_name("w.spool"), attempts=1, backoff_s=0, **options)  # type: ignore[arg-type]


def publish(db: Path, run_id: str | None = None) -> Publication:
    return publish_snapshot(db, snapshot_of(db), run_id=run_id)


def start(script: str, *arguments: object) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    return subprocess.Popen([sys.executable, "-c", script, *map(str, arguments)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=environment)


def hold(path: Path) -> subprocess.Popen[str]:
    """Another process with the file open read-only (an analyst's session) until it is killed."""
    holder = start(HOLD_SNAPSHOT, path)
    assert holder.stdout is not None
    holder.stdout.readline()
    return holder


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real filesystem of 24 MB (tmpfs), so DuckDB meets a real ENOSPC; needs root, as CI has."""
    from disks import small_tmpfs  # here, not at the top: the killed-run test imports this module in a child

    with small_tmpfs(tmp_path, 24) as disk:
        yield disk


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A warehouse with a first run loaded and published."""
    path = tmp_path / "w.duckdb"
    load(path, hour("run-1", ["a1", "a2", "a3"]))
    publish(path, "run-1")
    return path


class TestPublish:
    def test_first_publish_copies_the_warehouse_whole(self, tmp_path: Path) -> None:
        """With no snapshot yet the warehouse is copied, group-readable, and marked as holding every run."""
        path = tmp_path / "w.duckdb"
        load(path, hour("run-1", ["a1", "a2"]))

        published = publish(path, "run-1")

        assert (published.method, published.reason, published.notice()) == ("created", "there was none yet", "")
        assert differences(path, snapshot_of(path)) == {}
        assert snapshot_of(path).stat().st_mode & 0o777 == SNAPSHOT_MODE
        assert counts(snapshot_of(path), "snapshot_runs") == (1,)

    def test_new_run_is_synced_in_place(self, db: Path) -> None:
        """A run's new articles, its alert and its closed record reach the same file, which stays group-readable."""
        inode = snapshot_of(db).stat().st_ino
        load(db, hour("run-2", ["b1", "b2"], at=AS_OF + timedelta(hours=1)))
        with database.opened(db) as con:
            con.execute("insert into alerts (alert_id, rule, subject, window_start, window_end, value, fired_at, "
                        "run_id, status) values ('x', 'spike', 'keir-starmer', now(), now(), 3, now(), 'run-2', "
                        "'printed')")
            con.execute("update runs set status = 'completed', alerts_fired = 1 where run_id = 'run-2'")

        published = publish(db, "run-2")

        assert (published.method, published.runs, published.notice()) == ("synced", 1, "")
        assert differences(db, snapshot_of(db)) == {}
        assert counts(snapshot_of(db), "articles", "alerts") == (5, 1)
        assert snapshot_of(db).stat().st_ino == inode
        assert snapshot_of(db).stat().st_mode & 0o777 == SNAPSHOT_MODE

    def test_small_tables_follow_rows_changed_or_deleted_in_place(self, db: Path) -> None:
        """Rows of the small tables changed in place (a feed's state, an earlier run's record) or deleted (a source
        dropped by hand) reach the snapshot by key, without a full copy."""
        with database.opened(db) as con:
            con.execute("insert into feed_state (source_id, consecutive_failures, updated_at) values "
                        "('herald', 0, now()), ('courier', 0, now())")
        publish(db)
        with database.opened(db) as con:
            con.execute("update feed_state set consecutive_failures = 3 where source_id = 'courier'")
            con.execute("update runs set error = 'noted later' where run_id = 'run-1'")
            con.execute("delete from sources where source_id = 'courier'")

        published = publish(db)

        assert (published.method, published.runs) == ("synced", 0)
        assert differences(db, snapshot_of(db)) == {}
        assert counts(snapshot_of(db), "sources") == (1,)

    def test_publish_seconds_are_recorded_in_both_files(self, db: Path) -> None:
        """The publishing run's publish_s is the same number in the warehouse and in the snapshot."""
        load(db, hour("run-2", ["b1"]))

        published = publish(db, "run-2")

        query = "select publish_s from runs where run_id = 'run-2'"
        with duckdb.connect(str(db), read_only=True) as stored, duckdb.connect(
            str(snapshot_of(db)), read_only=True) as shown:
            assert stored.execute(query).fetchall() == shown.execute(query).fetchall()
            assert stored.execute(query).fetchall()[0][0] == round(published.seconds, 3)

    def test_revision_removes_the_mentions_it_no_longer_has(self, db: Path) -> None:
        """A revised article's row replaces the old one and the mention its new text lacks disappears."""
        revised = hour("run-2", ["a1"], replaced=("a1",), people=("keir-starmer",))
        revised = replace(revised, articles=revised.articles.with_columns(revision_count=1))
        load(db, revised)

        published = publish(db, "run-2")

        assert published.method == "synced"
        assert differences(db, snapshot_of(db)) == {}
        with duckdb.connect(str(snapshot_of(db)), read_only=True) as con:
            people = con.execute("select person_id, run_id from mentions where article_id = 'a1'").fetchall()
        assert people == [("keir-starmer", "run-2")]

    def test_backfill_publishes_what_it_re_derives(self, db: Path) -> None:
        """A backfill re-derives every stored article (old mention rows deleted) and publishes the snapshot itself,
        as a run does; the next run's publish then syncs that run alone."""
        backfill(Settings(), since=AS_OF - timedelta(days=1), db=db)
        mirrored = differences(db, snapshot_of(db))
        with duckdb.connect(str(snapshot_of(db)), read_only=True) as con:
            rederived = con.execute("select distinct run_id from mentions where article_id = 'a1'").fetchall()
        load(db, hour("run-2", ["b1"]))

        published = publish(db, "run-2")

        assert mirrored == {}
        assert rederived[0][0].startswith("backfill-")
        assert (published.method, published.runs) == ("synced", 1)
        assert differences(db, snapshot_of(db)) == {}

    def test_text_dropped_by_retention_is_dropped_in_the_snapshot(self, db: Path) -> None:
        """Retention nulls old text in place, without a run id; the sync drops the same text."""
        later = AS_OF + timedelta(days=40)
        load_dropping_text(db, "run-2", ["b1"], later)

        published = publish(db, "run-2")

        assert published.method == "synced"
        assert differences(db, snapshot_of(db)) == {}
        with duckdb.connect(str(snapshot_of(db)), read_only=True) as con:
            kept = con.execute("select article_id from articles where text is not null").fetchall()
        assert kept == [("b1",)]

    def test_spooled_run_is_synced_once_merged(self, db: Path) -> None:
        """A run spooled while the file was held reaches the snapshot with the run that merged it."""
        holder = hold(db)
        spooled = load(db, hour("run-2", ["b1", "b2"]))
        holder.kill()
        holder.wait()
        load(db, hour("run-3", ["c1"]))

        published = publish(db, "run-3")

        assert (spooled.method, published.method, published.runs) == ("spooled", "synced", 2)
        assert differences(db, snapshot_of(db)) == {}

    def test_spooled_rows_merged_after_their_run_was_synced_are_added(self, db: Path) -> None:
        """A run synced while its rows waited in a spool (only its record was stored) gets them once merged."""
        with database.opened(db) as con:
            con.execute("insert into runs (run_id, started_at, status, mode, as_of) values "
                        "('run-2', now(), 'running', 'live', now())")
        holder = hold(db)
        load(db, hour("run-2", ["b1", "b2"]))
        holder.kill()
        holder.wait()
        publish(db)
        load(db, hour("run-3", ["c1"]))

        published = publish(db, "run-3")

        assert (published.method, published.runs) == ("synced", 2)
        assert differences(db, snapshot_of(db)) == {}

    def test_run_killed_between_load_and_publish_is_healed_by_the_next(self, db: Path) -> None:
        """A run process killed after its load and before its publish: the next run's publish adds its rows."""
        victim = start(LOAD_THEN_DIE, db, db.with_name("w.spool"), HERE)
        victim.wait(timeout=60)
        load(db, hour("run-3", ["c1"]))

        published = publish(db, "run-3")

        assert (victim.returncode, published.method, published.runs) == (-signal.SIGKILL, "synced", 2)
        assert counts(snapshot_of(db), "articles") == (6,)
        assert differences(db, snapshot_of(db)) == {}


class TestSyncedEqualsFullCopy:
    def test_synced_snapshot_equals_a_full_copy_after_every_kind_of_run(self, db: Path) -> None:
        """Runs that add articles (and update an alert), revise one (its mentions replaced) and drop old text by
        retention are each synced in place, and after each the snapshot equals a full copy, every table row for row
        (the revision's lost mention and quote gone from both)."""
        later = AS_OF + timedelta(days=40)
        revised = hour("run-3", ["a1", "c1"], at=AS_OF + timedelta(hours=2), replaced=("a1",), people=("keir-starmer",))
        revised = replace(revised, articles=revised.articles.with_columns(revision_count=1),
                          quotes=revised.quotes.filter(revised.quotes["article_id"] != "a1"))

        def adds() -> None:
            load(db, hour("run-2", ["b1", "b2"], at=AS_OF + timedelta(hours=1)))
            with database.opened(db) as con:
                con.execute("insert into alerts (alert_id, rule, subject, window_start, window_end, value, fired_at, "
                            "run_id, status) values ('x', 'spike', 'keir-starmer', now(), now(), 3, now(), 'run-1', "
                            "'pending')")  # an alert of an earlier run, changed in place below
                con.execute("update alerts set status = 'delivered' where alert_id = 'x'")

        steps = {
            "adds": ("run-2", adds),
            "revises": ("run-3", lambda: load(db, revised)),
            "drops text": ("run-4", lambda: load_dropping_text(db, "run-4", ["d1"], later)),
        }
        outcomes = {}
        for name, (run_id, step) in steps.items():
            step()
            published = publish(db, run_id)
            outcomes[name] = (published.method, published.runs, same_as_full_copy(db))

        # Dropping text takes two runs before it that confirm its clock: three runs are synced at once.
        assert outcomes == {name: ("synced", 3 if name == "drops text" else 1, {}) for name in steps}
        with duckdb.connect(str(snapshot_of(db)), read_only=True) as con:
            revised_mentions = con.execute("select person_id, run_id from mentions where article_id = 'a1'").fetchall()
            quoted = con.execute("select count(*) from quotes where article_id = 'a1'").fetchall()
            with_text = con.execute("select article_id from articles where text is not null").fetchall()
        assert (revised_mentions, quoted, with_text) == ([("keir-starmer", "run-3")], [(0,)], [("d1",)])

    def test_reader_holding_the_snapshot_gets_a_copy_that_holds_the_run(self, db: Path) -> None:
        """While another process reads the snapshot, the run's publish falls back to a full copy, and a new session
        finds that run's rows, its record with its publish seconds, and its place among the synced runs."""
        load(db, hour("run-2", ["b1", "b2"]))
        reader = hold(snapshot_of(db))
        try:
            published = publish(db, "run-2")
            with duckdb.connect(str(snapshot_of(db)), read_only=True) as con:
                articles = con.execute("select count(*) from articles where run_id = 'run-2'").fetchall()
                record = con.execute("select publish_s from runs where run_id = 'run-2'").fetchall()
                synced = con.execute("select run_id from snapshot_runs order by run_id").fetchall()
            held_open = reader.poll() is None
        finally:
            reader.kill()
            reader.wait()

        assert (published.method, published.reason, held_open) == ("copied", "a session had it open", True)
        assert (articles, record, synced) == ([(2,)], [(round(published.seconds, 3),)], [("run-1",), ("run-2",)])
        assert same_as_full_copy(db) == {}

    @pytest.mark.parametrize(
        ("migration", "reason", "probe"),
        [
            ("alter table articles add column note varchar", "schema differs",
             "select count(*) from duckdb_columns() where table_name = 'articles' and column_name = 'note'"),
            ("create index articles_by_source on articles (source_id)", "before a migration",
             "select count(*) from duckdb_indexes() where index_name = 'articles_by_source'"),
        ],
        ids=["new column", "new index"],
    )
    def test_new_migration_forces_a_full_copy(self, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              migration: str, reason: str, probe: str) -> None:
        """An upgrade that brings a migration (a new column, or an index no table definition shows) makes the next
        publish copy the warehouse whole, so the snapshot has it too; the run after it syncs in place again."""
        migrations = tmp_path / "migrations"
        shutil.copytree(database.MIGRATIONS_DIR, migrations)
        (migrations / "0999_upgrade.sql").write_text(migration + ";\n")
        monkeypatch.setattr(database, "MIGRATIONS_DIR", migrations)
        load(db, hour("run-2", ["b1"]))

        upgraded = publish(db, "run-2")
        load(db, hour("run-3", ["c1"]))
        following = publish(db, "run-3")

        with duckdb.connect(str(snapshot_of(db)), read_only=True) as con:
            present = con.execute(probe).fetchall()
        assert (upgraded.method, following.method, present) == ("copied", "synced", [(1,)])
        assert reason in upgraded.reason
        assert same_as_full_copy(db) == {}


class TestFullCopy:
    def test_reader_holding_the_snapshot_gets_a_copy_and_keeps_its_view(self, db: Path) -> None:
        """With another process reading the snapshot, it is replaced by a renamed copy; that reader still sees the
        state it opened, new sessions see the new one, and once it has gone syncing in place resumes."""
        reader = start(HOLD_SNAPSHOT, snapshot_of(db))
        assert reader.stdin is not None and reader.stdout is not None
        before = reader.stdout.readline().strip()
        load(db, hour("run-2", ["b1", "b2"]))

        published = publish(db, "run-2")
        reader.stdin.write("\n")
        reader.stdin.flush()
        after = reader.stdout.readline().strip()
        reader.wait(timeout=30)
        load(db, hour("run-3", ["c1"]))
        next_one = publish(db, "run-3")

        assert (before, after) == ("3", "3")
        assert (published.method, published.reason) == ("copied", "a session had it open")
        assert "full copy" in published.notice()
        assert next_one.method == "synced"
        assert differences(db, snapshot_of(db)) == {}

    def test_snapshot_of_another_schema_is_replaced(self, db: Path) -> None:
        """A snapshot whose tables differ from the warehouse's (an upgrade added one) is copied whole."""
        with database.opened(db) as con:
            con.execute("create table notes (note varchar)")
        load(db, hour("run-2", ["b1"]))

        published = publish(db, "run-2")

        assert published.method == "copied" and "schema differs" in published.reason
        assert differences(db, snapshot_of(db)) == {}

    def test_snapshot_with_views_from_other_files_is_replaced(self, db: Path) -> None:
        """A snapshot whose views and macros came from other view files (an upgrade changed one) is copied whole."""
        with duckdb.connect(str(snapshot_of(db))) as con:
            con.execute("update view_state set digest = 'from an earlier release'")

        published = publish(db)

        assert published.method == "copied" and "view files" in published.reason
        assert differences(db, snapshot_of(db)) == {}

    def test_snapshot_from_an_earlier_version_is_replaced(self, db: Path) -> None:
        """A snapshot without its record of synced runs (published by full copies only) is copied whole."""
        with duckdb.connect(str(snapshot_of(db))) as con:
            con.execute("drop table snapshot_runs")

        published = publish(db)

        assert published.method == "copied" and "snapshot_runs" in published.reason
        assert counts(snapshot_of(db), "snapshot_runs") == (1,)

    def test_snapshot_that_drifted_is_replaced(self, db: Path) -> None:
        """Rows missing from the snapshot (edited by hand, or a bug) fail the row-count check: it is copied whole."""
        with duckdb.connect(str(snapshot_of(db))) as con:
            con.execute("delete from mentions where article_id = 'a2'")
        load(db, hour("run-2", ["b1"]))

        published = publish(db, "run-2")

        assert published.method == "copied" and "rows of mentions" in published.reason
        assert differences(db, snapshot_of(db)) == {}


class TestStorageFormat:
    def test_snapshot_is_written_in_the_format_duckdb_1_4_reads_and_keeps_it(self, db: Path) -> None:
        """The first publish writes the snapshot in the storage format of DuckDB 1.4 (which 1.4, 1.5 and 2.x open),
        the live warehouse staying in DuckDB 2.0's own; runs synced into it later keep the older format."""
        first = storage_version(snapshot_of(db))
        load(db, hour("run-2", ["b1", "b2"], at=AS_OF + timedelta(hours=1)))

        published = publish(db, "run-2")

        assert (first, published.method, storage_version(snapshot_of(db))) == ("v1.4.0+", "synced", "v1.4.0+")
        assert storage_version(db) == "v2.0.0+"
        assert differences(db, snapshot_of(db)) == {}

    def test_snapshot_in_duckdb_2_format_is_replaced_once_then_synced(self, db: Path) -> None:
        """A snapshot an earlier release published in DuckDB 2.0's format (which DuckDB 1.x cannot open) is
        replaced by one full copy in the older format, renamed into place; the run after it syncs in place."""
        written_by_2_0(db, snapshot_of(db))
        load(db, hour("run-2", ["b1"]))

        upgraded = publish(db, "run-2")
        load(db, hour("run-3", ["c1"]))
        following = publish(db, "run-3")

        assert (upgraded.method, following.method) == ("copied", "synced")
        assert "DuckDB 2.0" in upgraded.reason and "storage" in upgraded.notice()
        assert storage_version(snapshot_of(db)) == "v1.4.0+"
        assert differences(db, snapshot_of(db)) == {}
        assert temporaries(snapshot_of(db)) == []

    def test_held_snapshot_in_duckdb_2_format_is_rebuilt_in_the_older_one(self, db: Path) -> None:
        """With a reader holding a snapshot in 2.0's format, the copy renamed into place around the reader is
        rebuilt from the warehouse in the older format, not copied as it stands."""
        written_by_2_0(db, snapshot_of(db))
        load(db, hour("run-2", ["b1"]))
        reader = hold(snapshot_of(db))
        try:
            published = publish(db, "run-2")
        finally:
            reader.kill()
            reader.wait()

        assert (published.method, published.reason) == ("copied", "a session had it open")
        assert storage_version(snapshot_of(db)) == "v1.4.0+"
        assert differences(db, snapshot_of(db)) == {}


class TestLeftovers:
    def test_leftover_of_a_killed_copy_is_removed_by_the_next_publish(self, db: Path) -> None:
        """A temporary copy nobody holds (its writer was killed) and its log are removed by the next publish, which
        says so; the snapshot itself is synced as usual."""
        leftover = snapshot_of(db).with_name(f".{snapshot_of(db).name}.k1ll3d")
        with duckdb.connect(str(leftover)) as con:
            con.execute("create table articles as select * from range(100000)")
        Path(f"{leftover}.wal").write_bytes(b"\0" * 4096)
        load(db, hour("run-2", ["b1"]))

        published = publish(db, "run-2")

        assert temporaries(snapshot_of(db)) == []
        assert published.method == "synced"
        assert "removed 2 temporary files" in published.notice()

    def test_temporary_a_live_process_holds_is_kept(self, db: Path) -> None:
        """A temporary another living process has open for writing is left alone; once that process has gone,
        the next publish removes it."""
        live = snapshot_of(db).with_name(f".{snapshot_of(db).name}.l1v3")
        holder = start(HOLD_WRITABLE, live)
        assert holder.stdin is not None and holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        try:
            while_held = publish(db)
            kept = temporaries(snapshot_of(db))
        finally:
            holder.kill()
            holder.wait()
        afterwards = publish(db)

        assert kept == [live.name] and while_held.notice() == ""
        assert temporaries(snapshot_of(db)) == []
        assert "removed 1 temporary file" in afterwards.notice()


    @pytest.mark.slow
    def test_run_killed_during_a_full_copy_leaves_nothing_after_the_next_run(self, tmp_path: Path) -> None:
        """A `presswatch run` killed -9 while it copies a large warehouse into a new snapshot leaves its partial
        copy beside it; the next run removes that, publishes the snapshot, and says what it removed."""
        import processes  # here, not at the top: the killed-load test imports this module in a child

        db = tmp_path / "w.duckdb"
        snapshot = database.snapshot_path(db)
        load(db, year_old_history(1500))
        environment = {"PRESSWATCH_DB": str(db), "PRESSWATCH_REPORT_DIR": str(tmp_path / "reports"),
                       "PRESSWATCH_PER_HOST_DELAY_S": "0", "PREFECT_HOME": str(tmp_path / "prefect-home")}
        killed = processes.start(["run", "--demo"], environment=environment, log=tmp_path / "killed.log")
        try:
            processes.wait_for(lambda: copied_bytes(snapshot) > 2_000_000 or killed.poll() is not None,
                               timeout_s=600, interval_s=0.01, what="the run's full copy of the snapshot")
            copying = killed.poll() is None
        finally:
            os.kill(killed.pid, signal.SIGKILL)
            killed.wait()
        left, published = temporaries(snapshot), snapshot.exists()
        log = tmp_path / "next.log"

        code = processes.start(["run", "--demo"], environment=environment, log=log).wait(timeout=600)

        assert (copying, bool(left), published) == (True, True, False)
        assert code == 0, log.read_text(encoding="utf-8")[-2000:]
        assert temporaries(snapshot) == []
        assert "temporary file" in log.read_text(encoding="utf-8")
        assert counts(snapshot, "articles") == counts(db, "articles")


class TestDiskFull:
    def test_full_disk_is_named_and_the_next_publish_syncs(self, small_disk: Path) -> None:
        """A publish on a full disk says the disk is full (not a failed rollback); once space is freed the next
        publish syncs the same run in place and the snapshot equals the warehouse."""
        db = small_disk / "w.duckdb"
        load(db, hour("run-1", ["a1", "a2"]))
        publish(db, "run-1")
        load(db, hour("run-2", [f"b{index}" for index in range(400)]))
        filler = small_disk / "filler"
        with filler.open("wb") as handle:
            handle.write(b"\0" * max(0, shutil.disk_usage(small_disk).free - 16 * 1024))

        with pytest.raises(WarehouseDiskFull) as failure:
            publish(db, "run-2")
        filler.unlink()
        published = publish(db, "run-2")

        assert "is full" in str(failure.value)
        assert (published.method, published.runs) == ("synced", 1)
        assert differences(db, snapshot_of(db)) == {}


class TestReaders:
    def test_reader_never_sees_half_a_sync(self, db: Path) -> None:
        """Another process opening the snapshot over and over during a large sync either is refused (locked) or
        sees the state before or after, never one in between."""
        big = hour("run-2", [f"b{index}" for index in range(3000)],
                   people=("keir-starmer", "elon-musk", "kemi-badenoch", "wes-streeting"))
        load(db, big)
        before = ",".join(map(str, counts(snapshot_of(db), "articles", "mentions", "feed_fetches", "snapshot_runs")))
        watcher = start(WATCH_SNAPSHOT, snapshot_of(db))
        assert watcher.stdin is not None and watcher.stdout is not None
        assert watcher.stdout.readline().strip() == "ready"

        published = publish(db, "run-2")
        after = ",".join(map(str, counts(snapshot_of(db), "articles", "mentions", "feed_fetches", "snapshot_runs")))
        watcher.stdin.write("\n")
        watcher.stdin.flush()
        seen = set(watcher.stdout.readline().strip().split("|"))
        watcher.wait(timeout=30)

        assert published.method == "synced"
        assert before in seen
        assert seen <= {before, after, "locked"}
