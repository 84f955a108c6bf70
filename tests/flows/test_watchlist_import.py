"""`presswatch watchlist import-roles` and `presswatch watchlist query` against a real seeds folder on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.interface.cli import main

PROJECT_DIR = Path(__file__).resolve().parents[2]
SNAPSHOT = PROJECT_DIR / "seeds" / "wikidata" / "position-holders-snapshot.json"
PEOPLE = "person_id,name,honorifics\ntony-blair,Tony Blair,Mr\ngordon-brown,Gordon Brown,Mr\n"


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's seeds folder: two people and the shipped roles, no office history yet."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    shutil.copy(PROJECT_DIR / "seeds" / "roles.csv", folder / "roles.csv")
    monkeypatch.setenv("PRESSWATCH_SEEDS_DIR", str(folder))
    return folder


class TestImportRoles:
    def test_import_writes_the_office_history_of_tracked_people(
        self, seeds: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The snapshot's periods for Blair and Brown land in role_holders.csv, and the summary says so."""
        code = main(["watchlist", "import-roles", str(SNAPSHOT)])

        written = (seeds / "role_holders.csv").read_text(encoding="utf-8").splitlines()
        assert code == 0
        assert "uk-prime-minister,tony-blair,1997-05-02,2007-06-27,position-holders-snapshot.json" in written
        assert "chancellor,gordon-brown,1997-05-02,2007-06-27,position-holders-snapshot.json" in written
        assert "holders are not in people.csv and were skipped" in capsys.readouterr().out

    def test_dry_run_writes_nothing(self, seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--dry-run reports what would change and leaves the folder as it was."""
        code = main(["watchlist", "import-roles", "--dry-run", str(SNAPSHOT)])

        assert code == 0
        assert not (seeds / "role_holders.csv").exists()
        assert "would change" in capsys.readouterr().out

    def test_dry_run_with_add_people_says_would_add(self, seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A dry run with --add-people says who would be added, never that anyone was, and people.csv is unchanged."""
        code = main(["watchlist", "import-roles", "--dry-run", "--add-people", str(SNAPSHOT)])

        out = capsys.readouterr().out
        assert code == 0
        assert (seeds / "people.csv").read_text(encoding="utf-8") == PEOPLE
        assert "people added" not in out and "periods added" not in out
        assert "people would be added to people.csv" in out and "periods would be added" in out

    def test_add_people_extends_people_csv(self, seeds: Path) -> None:
        """--add-people adds untracked holders, and the folder still loads as a valid watchlist."""
        from flows.seeds import load_watchlist

        main(["watchlist", "import-roles", "--add-people", str(SNAPSHOT)])

        people = {person.person_id: person for person in load_watchlist(seeds).people}
        assert people["theresa-may"].wikidata_id == "Q264766"
        assert {"tony-blair", "gordon-brown", "kamala-harris"} <= people.keys()

    def test_a_missing_result_file_is_one_line(self, seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Naming a file that does not exist fails with one readable line, no traceback."""
        code = main(["watchlist", "import-roles", str(seeds / "nope.json")])

        error = capsys.readouterr().err
        assert code == 1
        assert error.count("\n") == 1 and "nope.json: no such file" in error


    @pytest.mark.parametrize(
        ("text", "said"),
        [('{"results": {"bindings": 5}}', "bad.json: results.bindings: expected a list, found int"),
         ("[" * 50_000 + "]" * 50_000, "bad.json: nested too deeply to be a Wikidata query result")],
    )  # fmt: skip
    def test_a_result_of_the_wrong_shape_is_one_line_naming_the_place(
        self, seeds: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
    ) -> None:
        """A wrong-typed or deeply nested file fails with one line saying where, not a TypeError or RecursionError."""
        (seeds.parent / "bad.json").write_text(text, encoding="utf-8")

        code = main(["watchlist", "import-roles", str(seeds.parent / "bad.json")])

        assert code == 1
        assert capsys.readouterr().err == f"presswatch watchlist: {said}\n"
        assert not (seeds / "role_holders.csv").exists()

class TestQuery:
    def test_query_names_the_offices_in_roles_csv(self, seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The printed query asks for the roles' Wikidata items and, for roles without one, their names."""
        code = main(["watchlist", "query"])

        query = capsys.readouterr().out
        assert code == 0
        assert "wd:Q14211" in query and '"Leader of the Labour Party"@en' in query and "pq:P580" in query
