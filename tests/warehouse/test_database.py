"""Migrations apply once, in order, each with its record; views come up with them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse import database


@pytest.fixture
def fresh_db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


class TestMigrations:
    def test_fresh_file_gets_every_migration(self, fresh_db: Path) -> None:
        """A new file records every numbered migration once."""
        with database.opened(fresh_db) as con:
            recorded = [row[0] for row in con.execute("select version from schema_migrations order by 1").fetchall()]

        assert recorded == [version for version, _ in database.migration_files()]

    def test_second_pass_applies_nothing(self, fresh_db: Path) -> None:
        """Opening the file again applies no migration and leaves the schema unchanged."""
        with database.opened(fresh_db) as con:
            before = con.execute(
                "select table_name, column_name from information_schema.columns order by all"
            ).fetchall()

        with database.opened(fresh_db) as con:
            applied = database.apply_migrations(con)
            after = con.execute(
                "select table_name, column_name from information_schema.columns order by all"
            ).fetchall()

        assert (applied, after) == ([], before)

    def test_failing_migration_leaves_no_trace(
        self, fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A migration that fails half-way is rolled back with its record, and the error names the file."""
        broken_dir = tmp_path / "migrations"
        broken_dir.mkdir()
        (broken_dir / "0001_half.sql").write_text("create table kept (a integer); select * from missing_table;")
        monkeypatch.setattr(database, "MIGRATIONS_DIR", broken_dir)
        con = duckdb.connect(str(fresh_db))

        with pytest.raises(database.WarehouseError, match=r"0001_half\.sql"):
            database.apply_migrations(con)
        tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
        con.close()

        assert "kept" not in tables

    def test_read_only_open_of_missing_file_says_what_to_do(self, fresh_db: Path) -> None:
        """Querying before any run gives a one-line hint instead of creating an empty file."""
        with pytest.raises(database.WarehouseError, match="presswatch run"):
            database.connect(fresh_db, read_only=True)

        assert not fresh_db.exists()

    def test_views_exist_after_open(self, fresh_db: Path) -> None:
        """Every file of warehouse/sql defines the view or macro it is named after."""
        with database.opened(fresh_db) as con:
            defined = {
                row[0]
                for row in con.execute(
                    "select view_name from duckdb_views() where not internal "
                    "union select function_name from duckdb_functions() "
                    "where function_type in ('macro', 'table_macro') and not internal"
                ).fetchall()
            }

        assert {path.stem for path in database.view_files()} <= defined


INSERT_UNDER_FIRST_MIGRATION = [
    "insert into sources values ('herald', 'Herald', 'https://herald.example/feed', true, '2025-01-05 09:00+00')",
    "insert into articles (article_id, source_id, url, title, published_at, first_seen_at, text, fetch_outcome, "
    "extraction_method, quality, run_id) values ('a1', 'herald', 'https://herald.example/a1', 'Headline', "
    "'2025-01-05 09:00+00', '2025-01-05 09:10+00', 'Sir Keir Starmer spoke.', 'ok', 'trafilatura', 'ok', 'run-1')",
    "insert into mentions (article_id, person_id, char_start, char_end, matched_text, kind, sentence_index, snippet, "
    "run_id) values ('a1', 'keir-starmer', 4, 16, 'Keir Starmer', 'full', 0, 'Sir Keir Starmer spoke.', 'run-1')",
    "insert into runs (run_id, started_at, finished_at, status, mode, as_of, load_method) values "
    "('run-1', '2025-01-05 09:00+00', '2025-01-05 09:02+00', 'completed', 'demo', '2025-01-05 09:00+00', 'direct')",
]


class TestUpgrades:
    @pytest.mark.parametrize("applied_first", [version for version, _ in database.migration_files()][:-1])
    def test_database_with_data_upgrades_cleanly(
        self, fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, applied_first: int
    ) -> None:
        """A file made by an older migration set, with rows in it, takes the newer migrations and keeps its rows."""
        older = tmp_path / "older_migrations"
        older.mkdir()
        for version, path in database.migration_files():
            if version <= applied_first:
                (older / path.name).write_text(path.read_text(encoding="utf-8"))
        with monkeypatch.context() as patch:
            patch.setattr(database, "MIGRATIONS_DIR", older)
            con = duckdb.connect(str(fresh_db))
            database.apply_migrations(con)
            for statement in INSERT_UNDER_FIRST_MIGRATION:
                con.execute(statement)
            con.close()

        with database.opened(fresh_db) as con:
            recorded = [row[0] for row in con.execute("select version from schema_migrations order by 1").fetchall()]
            rows = con.execute(
                "select m.matched_text, substr(a.text, m.char_start + 1, m.char_end - m.char_start), d.mentions "
                "from mentions m join articles a using (article_id) join mentions_daily d using (person_id)"
            ).fetchall()

        assert recorded == [version for version, _ in database.migration_files()]
        assert rows == [("Keir Starmer", "Keir Starmer", 1)]


    def test_upgrade_copies_publication_times_to_stored_mentions(
        self, fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Migration 0008 gives mentions stored before it their article's published_at, so period reads find them."""
        older = tmp_path / "older_migrations"
        older.mkdir()
        for version, path in database.migration_files():
            if version < 8:
                (older / path.name).write_text(path.read_text(encoding="utf-8"))
        with monkeypatch.context() as patch:
            patch.setattr(database, "MIGRATIONS_DIR", older)
            con = duckdb.connect(str(fresh_db))
            database.apply_migrations(con)
            for statement in INSERT_UNDER_FIRST_MIGRATION:
                con.execute(statement)
            con.close()

        with database.opened(fresh_db) as con:
            stamped = con.execute("select cast(published_at as varchar) from mentions").fetchall()

        assert stamped == [("2025-01-05 09:00:00+00",)]


class TestUpgradeNotice:
    def test_an_upgrade_says_so_before_it_starts(
        self, fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file at an older schema announces the upgrade (from, to, which steps) before the first step runs, so a
        long table copy is not mistaken for a hung run."""
        older = tmp_path / "older_migrations"
        older.mkdir()
        for version, path in database.migration_files():
            if version <= 14:
                (older / path.name).write_text(path.read_text(encoding="utf-8"))
        with monkeypatch.context() as patch:
            patch.setattr(database, "MIGRATIONS_DIR", older)
            patch.setattr(database, "apply_views", skip_views)
            database.connect(fresh_db).close()
        # The next step fails at once: anything said was said before the upgrade ran.
        broken = tmp_path / "broken_next_step"
        broken.mkdir()
        for version, path in database.migration_files():
            text = path.read_text(encoding="utf-8") if version <= 14 else "select * from no_such_table;"
            (broken / path.name).write_text(text)
        said: list[str] = []
        monkeypatch.setattr(database, "MIGRATIONS_DIR", broken)
        with pytest.raises(database.WarehouseError):
            database.connect(fresh_db, notice=said.append)

        latest = database.migration_files()[-1][0]
        assert len(said) == 1
        assert f"from schema 14 to {latest}" in said[0] and "0015_" in said[0] and str(fresh_db) in said[0]

    def test_a_new_file_and_a_current_one_say_nothing(self, fresh_db: Path) -> None:
        """Creating a warehouse, or opening one already up to date, is not an upgrade."""
        said: list[str] = []
        database.connect(fresh_db, notice=said.append).close()
        database.connect(fresh_db, notice=said.append).close()

        assert said == []


class TestViewOrder:
    def test_a_view_may_build_on_a_view_named_after_it(self, fresh_db: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
        """View files are applied dependencies first, whatever their names."""
        views = tmp_path / "sql"
        views.mkdir()
        (views / "a_top_people.sql").write_text("create or replace view a_top_people as select * from z_people")
        (views / "z_people.sql").write_text("-- not a_top_people\ncreate or replace view z_people as select 1 as n")
        monkeypatch.setattr(database, "VIEWS_DIR", views)

        with database.opened(fresh_db) as con:
            rows = con.execute("select n from a_top_people").fetchall()

        assert ([path.stem for path in database.view_files()], rows) == (["z_people", "a_top_people"], [(1,)])

    def test_reads_and_calls_order_files_but_same_named_columns_do_not(
        self, fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A view comes after the views it reads and the macros it calls; a column named like a view is no tie."""
        views = tmp_path / "sql"
        views.mkdir()
        (views / "a_totals.sql").write_text("create or replace view a_totals as select doubled(n) as n from z_rows")
        (views / "doubled.sql").write_text("create or replace macro doubled(x) as x * 2")
        (views / "z_rows.sql").write_text("create or replace view z_rows as select 1 as n, 2 as a_totals")
        monkeypatch.setattr(database, "VIEWS_DIR", views)

        with database.opened(fresh_db) as con:
            rows = con.execute("select n from a_totals").fetchall()

        assert [path.stem for path in database.view_files()][-1] == "a_totals" and rows == [(2,)]

    def test_a_broken_view_is_named(self, fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A view that cannot be created stops the open with the file's name, not a bare SQL error."""
        views = tmp_path / "sql"
        views.mkdir()
        (views / "broken.sql").write_text("create or replace view broken as select * from no_such_table")
        monkeypatch.setattr(database, "VIEWS_DIR", views)

        with pytest.raises(database.WarehouseError, match=r"broken\.sql"):
            database.connect(fresh_db)


class TestTimestamps:
    @pytest.mark.parametrize("read_only", [False, True])
    def test_stored_timestamps_come_back_in_the_zone_python_makes(self, fresh_db: Path, read_only: bool) -> None:
        """A feed's stored times and this run's times share one zone, so polars can put them in one column."""
        from datetime import UTC, datetime

        import polars as pl

        with database.opened(fresh_db) as con:
            con.execute("insert into feed_state (source_id, failing_since, updated_at) values ('a', now(), now())")
        with database.opened(fresh_db, read_only=read_only) as con:
            stored = database.query_frame(con, "feed_states")

        fresh = pl.DataFrame([{"failing_since": datetime.now(UTC)}])
        combined = pl.concat([stored.select("failing_since"), fresh])
        assert combined.schema["failing_since"] == pl.Datetime("us", "UTC")


class TestViewsApplied:
    def test_views_are_recreated_only_when_their_files_change(self, fresh_db: Path) -> None:
        """An unchanged set of view files is not applied again; a changed one is, restoring every view."""
        with database.opened(fresh_db) as con:
            con.execute("drop view run_history")
        with database.opened(fresh_db) as con:
            kept_dropped = database.scalar(con, "select count(*) from duckdb_views() where view_name = 'run_history'")
            con.execute("update view_state set digest = 'an older set of view files'")
        with database.opened(fresh_db) as con:
            restored = database.scalar(con, "select count(*) from duckdb_views() where view_name = 'run_history'")

        assert (kept_dropped, restored) == (0, 1)


class TestRollback:
    def test_rollback_after_a_failed_commit_leaves_the_commits_error_alone(self, fresh_db: Path) -> None:
        """A commit that fails has ended its transaction: rolling back then is a no-op, not a second error that
        would hide the first (a full disk at commit time was reported as "cannot rollback")."""
        with database.opened(fresh_db) as con:
            con.execute("create table keyed (k integer primary key)")
            other = con.cursor()
            con.execute("begin transaction")
            other.execute("begin transaction")
            con.execute("insert into keyed values (1)")
            other.execute("insert into keyed values (1)")
            con.execute("commit")
            with pytest.raises(duckdb.TransactionException, match="duplicate key"):
                other.execute("commit")
            database.rollback(other)
            other.close()
            kept = con.execute("select k from keyed").fetchall()

        assert kept == [(1,)]

    def test_rollback_undoes_an_open_transaction(self, fresh_db: Path) -> None:
        """With the transaction still open, rollback discards its writes."""
        with database.opened(fresh_db) as con:
            con.execute("create table keyed (k integer primary key)")
            con.execute("begin transaction")
            con.execute("insert into keyed values (1)")
            database.rollback(con)
            kept = con.execute("select count(*) from keyed").fetchall()

        assert kept == [(0,)]


def skip_views(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> None:
    """Stands in for apply_views while a test makes a file at an older schema: the views read the latest one."""


class TestKeylessHistory:
    def test_upgrade_keeps_every_row_in_order_and_dates_the_quotes(
        self, fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A warehouse made before migration 0016 keeps its rows, in their stored order, when the grown tables lose
        their keys; quotes get their article's publication time; a retried load still stores each key once."""
        from test_snapshot import hour

        from warehouse.loads import load_run

        earlier = tmp_path / "earlier-migrations"
        earlier.mkdir()
        for version, path in database.migration_files():
            if version < 16:
                (earlier / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        monkeypatch.setattr(database, "MIGRATIONS_DIR", earlier)
        monkeypatch.setattr(database, "apply_views", skip_views)
        run = hour("run-1", ["b2", "a1", "c3"])
        with database.opened(fresh_db) as con:
            for name, frame in run.frames().items():
                if frame.height:
                    con.register("incoming", frame.to_arrow())
                    con.execute(f"insert into {name} by name select * from incoming")
                    con.unregister("incoming")
            before = con.execute("select article_id, char_start from mentions").fetchall()
        monkeypatch.undo()

        with database.opened(fresh_db) as con:
            after = con.execute("select article_id, char_start from mentions").fetchall()
            dated = con.execute("select count(*) from quotes join articles using (article_id) "
                                "where quotes.published_at = articles.published_at").fetchall()
            load_run(con, run)
            again = con.execute("select count(*) from mentions").fetchall()

        assert (after, dated, again) == (before, [(3,)], [(6,)])


class TestWriterSessions:
    def test_a_writer_session_never_draws_duckdbs_progress_bar(self, fresh_db: Path) -> None:
        """A run's log is read afterwards: a slow upgrade or backfill must not fill it with progress-bar redraws."""
        with database.opened(fresh_db) as con:
            drawn = con.execute("select current_setting('enable_progress_bar')").fetchall()

        assert drawn == [(False,)]
