"""Migration 0011: passwords stored in URLs by earlier versions are removed from every table that held them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse import database

SECRET_ROWS = [
    "insert into sources values ('desk', 'Desk', 'http://editor:secretpw@127.0.0.1:9910/feed', true, "
    "'2025-01-05 09:00+00')",
    "insert into articles (article_id, source_id, url, guid, title, published_at, first_seen_at, text, fetch_outcome, "
    "extraction_method, quality, error, run_id) values ('a1', 'desk', 'http://editor:secretpw@news.example/a', "
    "'http://editor:secretpw@news.example/a', 'Headline', '2025-01-05 09:00+00', '2025-01-05 09:10+00', 'Text.', "
    "'http-4xx', 'feed-summary', 'too-short', 'http-4xx: redirect to http://u:secretpw@news.example/b', 'run-1')",
    "insert into articles (article_id, source_id, url, title, published_at, first_seen_at, text, fetch_outcome, "
    "extraction_method, quality, run_id) values ('a2', 'desk', 'https://medium.example/@writer/post', 'Other', "
    "'2025-01-05 09:00+00', '2025-01-05 09:10+00', 'Text.', 'ok', 'trafilatura', 'ok', 'run-1')",
    "insert into feed_fetches (run_id, source_id, started_at, outcome, error) values ('run-1', 'desk', "
    "'2025-01-05 09:00+00', 'redirect-loop', 'redirect loop back to http://editor:secretpw@127.0.0.1:9910/feed')",
    "insert into runs (run_id, started_at, status, mode, as_of, error) values ('run-1', '2025-01-05 09:00+00', "
    "'failed', 'live', '2025-01-05 09:00+00', 'SeedError: got ''ftp://editor:secretpw@files.example/feed''')",
    "insert into alerts (alert_id, rule, subject, window_start, window_end, value, details, fired_at, run_id, status) "
    "values ('al1', 'spike-person-day', 'keir-starmer', '2025-01-05', '2025-01-06', 9, "
    """'{"headlines": [{"url": "http://editor:secretpw@news.example/a"}]}', '2025-01-06', 'run-1', 'printed')""",
]


class TestUrlCredentialsMigration:
    def test_stored_credentials_are_removed_and_other_urls_kept(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A warehouse holding user:password@ in URLs and errors loses them on upgrade; an "@" in a path stays."""
        db = tmp_path / "warehouse.duckdb"
        older = tmp_path / "older_migrations"
        older.mkdir()
        for version, path in database.migration_files():
            if version < 11:
                (older / path.name).write_text(path.read_text(encoding="utf-8"))
        with monkeypatch.context() as patch:
            patch.setattr(database, "MIGRATIONS_DIR", older)
            with duckdb.connect(str(db)) as con:
                database.apply_migrations(con)
                for statement in SECRET_ROWS:
                    con.execute(statement)

        with database.opened(db) as con:
            articles = con.execute("select article_id, url, guid, error from articles order by 1").fetchall()
            feed_url = con.execute("select feed_url from sources").fetchone()
            fetch_error = con.execute("select error from feed_fetches").fetchone()
            run_error = con.execute("select error from runs").fetchone()
            details = con.execute("select details::varchar from alerts").fetchone()

        assert articles == [
            ("a1", "http://news.example/a", "http://news.example/a", "http-4xx: redirect to http://news.example/b"),
            ("a2", "https://medium.example/@writer/post", None, None),
        ]
        assert feed_url == ("http://127.0.0.1:9910/feed",)
        assert fetch_error == ("redirect loop back to http://127.0.0.1:9910/feed",)
        assert run_error == ("SeedError: got 'ftp://files.example/feed'",)
        assert details is not None and "secretpw" not in details[0] and "http://news.example/a" in details[0]
