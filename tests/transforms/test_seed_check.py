"""Every seed problem at once: the parsers' own rules re-run until the files pass, each problem located."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from transforms.alert_rules import parse_alert_rules
from transforms.seed_check import MAX_PROBLEMS, Problem, SeedFile, collect_problems
from transforms.seed_files import parse_feeds_csv
from transforms.watchlist import parse_watchlist

PEOPLE = (
    "person_id,name,honorifics,wikidata_id\n"
    "ada-north,Ada North,Ms,Q1\n"  # 1
    "Ben South,Ben South,,\n"  # 2: id not in the id format
    "cara-east,Cara East,Sire,\n"  # 3: unknown honorific
    "ada-north,Ada Northe,,\n"  # 4: duplicate id
    "dev-west,Dev West,,Z9\n"  # 5: wikidata id
)
ROLES = "role_id,name,forms\nmayor,Mayor,the mayor\n"
HOLDERS = (
    "role_id,person_id,valid_from,valid_to\n"
    "mayor,ada-north,2020-01-01,2021-01-01\n"  # 1
    "mayor,cara-east,2020-06-01,\n"  # 2: overlaps ada-north, and cara-east's own row was wrong
    "mayor,ada-north,2021-13-01,\n"  # 3: not a date
    "mayor,nobody,2023-01-01,\n"  # 4: not in people.csv
)
TOPICS = "topic_id,name,terms\ninquiry,Inquiry,inquiry;;review\n"  # 1: empty form


def watchlist_files(**texts: str) -> dict[str, SeedFile]:
    """The four watchlist files, each replaceable by keyword (people=..., topics=...)."""
    base = {"people.csv": PEOPLE, "roles.csv": ROLES, "role_holders.csv": HOLDERS, "topics.csv": TOPICS}
    base.update({f"{name}.csv": text for name, text in texts.items()})
    return {name: SeedFile(f"seeds/{name}", text) for name, text in base.items()}


def parse_seeds(texts: Mapping[str, str]) -> object:
    return parse_watchlist(texts, directory="seeds")


def located(problems: list[Problem]) -> list[tuple[str, int | None, str | None]]:
    return [(problem.file, problem.row, problem.column) for problem in problems]


class TestWatchlist:
    def test_every_problem_is_listed_with_file_row_and_column(self) -> None:
        """Problems in three files come back together, each at its row and column, in the order parsers meet them."""
        problems = collect_problems(parse_seeds, watchlist_files())

        assert located(problems) == [
            ("seeds/people.csv", 2, "person_id"),
            ("seeds/people.csv", 3, "honorifics"),
            ("seeds/people.csv", 4, "person_id"),
            ("seeds/people.csv", 5, "wikidata_id"),
            ("seeds/role_holders.csv", 3, "valid_from"),
            ("seeds/role_holders.csv", 4, "person_id"),
            ("seeds/topics.csv", 1, "terms"),
        ]

    def test_problems_that_follow_from_a_wrong_row_are_not_repeated(self) -> None:
        """Cara East's row was wrong, so her role holding is not reported again as naming an unknown person."""
        problems = collect_problems(parse_seeds, watchlist_files())

        assert not any("cara-east" in problem.message for problem in problems if "role_holders" in problem.file)

    def test_messages_say_what_would_be_right(self) -> None:
        """Each problem either says what is expected or carries a hint."""
        problems = collect_problems(parse_seeds, watchlist_files())

        by_row = {(problem.file, problem.row): problem for problem in problems}
        duplicate = by_row[("seeds/people.csv", 4)]
        assert duplicate.hint == "each person_id may appear once: rename or remove one of the rows"
        assert "known:" in by_row[("seeds/people.csv", 3)].message
        assert by_row[("seeds/role_holders.csv", 4)].hint == "add it to people.csv, or correct the spelling"
        assert str(by_row[("seeds/topics.csv", 1)]) == (
            "seeds/topics.csv row 1, column terms: empty form in terms (remove the extra ';')"
        )

    def test_clean_files_have_no_problem(self) -> None:
        """Files that parse give an empty list."""
        files = watchlist_files(
            people="person_id,name\nada-north,Ada North\n", role_holders="role_id,person_id,valid_from\n", topics=""
        )
        files["topics.csv"] = SeedFile("seeds/topics.csv", "topic_id,name,terms\ninquiry,Inquiry,inquiry\n")

        assert collect_problems(parse_seeds, files) == []

    def test_a_broken_header_is_reported_once_and_ends_that_check(self) -> None:
        """A required file whose header is wrong cannot be judged further: one problem, no cascade."""
        problems = collect_problems(parse_seeds, watchlist_files(people="id,full_name\nada,Ada\n"))

        assert located(problems) == [("seeds/people.csv", None, "id")]
        assert "unknown column 'id'" in problems[0].message

    def test_blank_lines_keep_the_numbering_a_run_would_report(self) -> None:
        """The watchlist counts blank lines as rows; blanking a bad row does not move the next problem's row."""
        people = "person_id,name\n\nBad,Bad Person\n\nworse id,Worse\n"

        problems = collect_problems(parse_seeds, watchlist_files(people=people, role_holders=HOLDERS.split("\n")[0]))

        assert [problem.row for problem in problems if problem.file.endswith("people.csv")] == [2, 4]


class TestDictReaderFiles:
    @staticmethod
    def feeds(text: str) -> list[Problem]:
        def parse(texts: Mapping[str, str]) -> object:
            return parse_feeds_csv(texts["feeds.csv"], "feeds.csv")

        return collect_problems(parse, {"feeds.csv": SeedFile("seeds/feeds.csv", text, counts_blank_rows=False)})

    def test_feeds_file_problems_keep_the_rows_a_run_reports(self) -> None:
        """Rows are counted as the feeds parser counts them (blank lines skipped), before and after blanking."""
        text = (
            "source_id,name,feed_url\n"
            "a,A,https://a.example/feed\n"
            "\n"
            "a,Again,https://a.example/other\n"
            "b,B,ftp://b.example/feed\n"
            "c,C,https://editor:secret@c.example/feed\n"
            ",D,https://d.example/feed\n"
        )

        problems = self.feeds(text)

        assert located(problems) == [
            ("seeds/feeds.csv", 2, "source_id"),
            ("seeds/feeds.csv", 3, "feed_url"),
            ("seeds/feeds.csv", 4, "feed_url"),
            ("seeds/feeds.csv", 5, "source_id"),
        ]
        assert all("secret" not in str(problem) for problem in problems)

    def test_alert_rules_are_checked_the_same_way(self) -> None:
        """Two bad rules in the rules file are both reported, with their columns."""
        text = "rule_id,kind,subject_kind,min_stories\nr1,spike,person,5\nr2,spikey,person,5\nr3,spike,person,-1\n"

        def parse(texts: Mapping[str, str]) -> object:
            return parse_alert_rules(texts["alert_rules.csv"], file="alert_rules.csv")

        problems = collect_problems(
            parse, {"alert_rules.csv": SeedFile("seeds/alert_rules.csv", text, counts_blank_rows=False)}
        )

        assert located(problems) == [("seeds/alert_rules.csv", 2, "kind"), ("seeds/alert_rules.csv", 3, "min_stories")]

    @pytest.mark.parametrize("count", [MAX_PROBLEMS + 5])
    def test_a_hopeless_file_stops_at_the_cap(self, count: int) -> None:
        """Hundreds of bad rows are cut at the cap with a closing line, instead of running on."""
        text = "source_id,name,feed_url\n" + "".join(f"f{n},F,gopher://x/{n}\n" for n in range(count))

        problems = self.feeds(text)

        assert len(problems) == MAX_PROBLEMS + 1
        assert problems[-1].message.startswith(f"more than {MAX_PROBLEMS} problems")
