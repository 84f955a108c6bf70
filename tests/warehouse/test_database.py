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
        """Every view file defines a view analysts can query."""
        with database.opened(fresh_db) as con:
            views = {
                row[0] for row in con.execute("select view_name from duckdb_views() where not internal").fetchall()
            }

        assert {path.stem for path in database.view_files()} <= views
