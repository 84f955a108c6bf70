"""Seeds folders as people keep them: spreadsheet encodings, only people.csv, and the folder of an older version."""

from __future__ import annotations

import codecs
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.alerting import DEFAULT_RULES_FILE, read_rules
from flows.seeds import load_watchlist, parse_feeds_file
from transforms.watchlist import SeedError

PROJECT_DIR = Path(__file__).resolve().parents[2]
PEOPLE = "person_id,name,honorifics\nkeir-starmer,Keir Starmer,Sir;Mr\n"
AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)


class TestEncodings:
    def test_excel_csv_utf8_feeds_file_is_read(self, tmp_path: Path) -> None:
        """A feeds.csv saved by Excel as "CSV UTF-8" (a byte-order mark first) lists its feed."""
        feeds = tmp_path / "feeds.csv"
        feeds.write_bytes(codecs.BOM_UTF8 + b"source_id,name,feed_url\nbbc,BBC,https://feeds.example.org/a.xml\n")

        sources = parse_feeds_file(feeds)

        assert [(source.source_id, source.feed_url) for source in sources] == [
            ("bbc", "https://feeds.example.org/a.xml")
        ]

    def test_utf16_people_file_is_read(self, tmp_path: Path) -> None:
        """A people.csv saved as UTF-16 "Unicode Text" loads like any other."""
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "people.csv").write_bytes(PEOPLE.encode("utf-16"))

        watchlist = load_watchlist(seeds)

        assert [person.name for person in watchlist.people] == ["Keir Starmer"]

    def test_bad_byte_names_folder_file_row_and_byte(self, tmp_path: Path) -> None:
        """A byte that is not UTF-8 stops loading with the seeds file, the row and the byte, not a codec message."""
        seeds = tmp_path / "myseeds"
        seeds.mkdir()
        (seeds / "people.csv").write_bytes(PEOPLE.encode() + b"jose-lopez,Jos\xe9 L\xf3pez,\n")

        with pytest.raises(SeedError) as caught:
            load_watchlist(seeds)

        assert (
            str(caught.value) == 'myseeds/people.csv row 2: byte 0xe9 is not valid UTF-8 text; save it as "CSV UTF-8"'
        )


class TestOptionalSeeds:
    def test_folder_with_only_people_loads_with_no_topics_or_roles(self, tmp_path: Path) -> None:
        """people.csv alone is a complete watchlist: no topics, no roles, the built-in countries."""
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "people.csv").write_text(PEOPLE, encoding="utf-8")

        watchlist = load_watchlist(seeds)

        assert (len(watchlist.people), watchlist.topics, watchlist.roles) == (1, (), ())
        assert any(item.jurisdiction_id == "uk" for item in watchlist.jurisdictions)

    def test_folder_without_people_names_the_missing_file(self, tmp_path: Path) -> None:
        """people.csv is the one file a seeds folder must have."""
        seeds = tmp_path / "seeds"
        seeds.mkdir()

        with pytest.raises(SeedError, match=r"^seeds/people\.csv: file is missing$"):
            load_watchlist(seeds)

    def test_missing_alert_rules_take_the_shipped_defaults(self, tmp_path: Path) -> None:
        """A seeds folder without alert_rules.csv gets the rules shipped in seeds/alert_rules.csv."""
        rules = read_rules(tmp_path / "alert_rules.csv")

        assert [rule.rule_id for rule in rules] == [rule.rule_id for rule in read_rules(DEFAULT_RULES_FILE)]
        assert "spike-person-day" in {rule.rule_id for rule in rules}

    def test_a_seeds_folder_from_before_roles_had_titles_still_loads(self, tmp_path: Path) -> None:
        """The seeds folder of the previous release (roles typed as exact forms) loads unchanged."""
        seeds = shutil.copytree(
            PROJECT_DIR / "tests" / "transforms" / "fixtures" / "seeds_before_roles", tmp_path / "s"
        )

        watchlist = load_watchlist(seeds)

        assert {role.role_id for role in watchlist.roles} >= {"uk-prime-minister", "us-president"}
        assert all(role.forms and not role.titles and not role.jurisdiction for role in watchlist.roles)
        assert len(read_rules(seeds / "alert_rules.csv")) >= 5


class TestPeopleOnlyRun:
    def test_a_seeds_folder_with_only_people_runs_end_to_end(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A run with people.csv alone loads articles and mentions, no topics, and evaluates the default rules."""
        import duckdb
        from newsroom import start_newsroom, write_feeds_file

        from flows.config import settings_from_environment
        from flows.pipeline import monitor_run, new_context, plain_runner

        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "people.csv").write_text("person_id,name,honorifics\nelon-musk,Elon Musk,Mr\n", encoding="utf-8")
        monkeypatch.setenv("PRESSWATCH_SEEDS_DIR", str(seeds))
        monkeypatch.setenv("PRESSWATCH_PER_HOST_DELAY_S", "0")
        monkeypatch.setenv("PRESSWATCH_WORKERS", "1")
        server = start_newsroom()
        try:
            feeds = write_feeds_file(tmp_path / "feeds.csv", [("gazette", server.url("/feed.xml"))])
            db = tmp_path / "w.duckdb"

            settings = settings_from_environment()
            monitor_run(settings, feeds, db, new_context("live", AS_OF), plain_runner(settings))
        finally:
            server.__exit__(None, None, None)

        with duckdb.connect(str(db), read_only=True) as con:
            people = con.execute("select distinct person_id from mentions").fetchall()
            topics = con.execute("select count(*) from topic_mentions").fetchone()
        assert people == [("elon-musk",)]
        assert topics == (0,)


class TestWatchlistAdditions:
    def test_demo_people_join_the_shipped_watchlist_without_touching_it(self) -> None:
        """The demo's fictional local figures are tracked beside the team's people; seeds/people.csv stays as it is."""
        shipped = (PROJECT_DIR / "seeds" / "people.csv").read_bytes()

        team = load_watchlist(PROJECT_DIR / "seeds")
        demo = load_watchlist(PROJECT_DIR / "seeds", [PROJECT_DIR / "seeds" / "demo" / "people.csv"])

        added = {person.person_id for person in demo.people} - {person.person_id for person in team.people}
        assert added == {"rosalind-penhallow", "gideon-thackray"}
        assert (PROJECT_DIR / "seeds" / "people.csv").read_bytes() == shipped

    def test_an_addition_with_other_columns_is_named(self, tmp_path: Path) -> None:
        """A people file whose header differs from people.csv's is refused with its name, not merged column-blind."""
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "people.csv").write_text(PEOPLE, encoding="utf-8")
        extra = tmp_path / "demo" / "people.csv"
        extra.parent.mkdir()
        extra.write_text("person_id,name\nrosalind-penhallow,Rosalind Penhallow\n", encoding="utf-8")

        with pytest.raises(SeedError, match=r"demo/people.csv row 1: its columns differ from people.csv's"):
            load_watchlist(seeds, [extra])

    def test_an_addition_repeating_a_tracked_person_is_refused(self, tmp_path: Path) -> None:
        """The same person id in the team's file and an addition is the duplicate error a single file would give."""
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "people.csv").write_text(PEOPLE, encoding="utf-8")
        extra = tmp_path / "people-extra.csv"
        extra.write_text(PEOPLE, encoding="utf-8")

        with pytest.raises(SeedError, match="keir-starmer"):
            load_watchlist(seeds, [extra])
