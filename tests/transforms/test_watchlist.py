"""Tests for parsing and validating the watchlist seeds and generating name forms."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from transforms.watchlist import WATCHLIST_FILES, SeedError, parse_watchlist, pluralise

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PEOPLE = """person_id,name,honorifics,aliases,misspellings,descriptors
keir-starmer,Keir Starmer,Sir;Mr,,Kier Starmer,
jess-phillips,Jess Phillips,Ms,,Jess Philips,
tommy-robinson,Tommy Robinson,Mr,Stephen Yaxley-Lennon,,
rishi-sunak,Rishi Sunak,Mr,,,
"""
ROLES = "role_id,name,forms\nuk-prime-minister,Prime Minister of the United Kingdom,the Prime Minister;the PM\n"
HOLDERS = """role_id,person_id,valid_from,valid_to
uk-prime-minister,rishi-sunak,2022-10-25,2024-07-05
uk-prime-minister,keir-starmer,2024-07-05,
"""
TOPICS = "topic_id,name,terms,co_terms\nnational-inquiry,Inquiry,national inquiry;IICSA;=far right,\n"


def seed_files(**replacements: str) -> dict[str, str]:
    """A small valid set of seed texts, with some files replaced (keys use _ for the dot: people_csv)."""
    files = {"people.csv": PEOPLE, "roles.csv": ROLES, "role_holders.csv": HOLDERS, "topics.csv": TOPICS}
    files.update({name.replace("_csv", ".csv"): text for name, text in replacements.items()})
    return files


def first_overlap(periods: list[tuple[str, date, date | None]]) -> str | None:
    """The error a check of every pair gives: the first row overlapping an earlier one, and the first it overlaps."""
    for number, (person, start, end) in enumerate(periods, start=1):
        for other, other_start, other_end in periods[: number - 1]:
            if start < (other_end or date.max) and other_start < (end or date.max):
                return f"seeds/role_holders.csv row {number}: {person} overlaps {other} as holder of uk-prime-minister"
    return None


class TestParseWatchlist:
    def test_project_seeds_parse(self) -> None:
        """The seeds shipped in the repository are valid and track the default people and topics."""
        watchlist = parse_watchlist({name: (SEEDS / name).read_text(encoding="utf-8") for name in WATCHLIST_FILES})

        people = {person.person_id for person in watchlist.people}
        assert {"keir-starmer", "elon-musk", "jess-phillips", "alexis-jay"} <= people
        assert {topic.topic_id for topic in watchlist.topics} >= {"grooming-gangs", "social-media", "nhs"}

    def test_role_resolves_by_date_with_handover_to_the_new_holder(self) -> None:
        """A role names the holder on a date; the handover day belongs to the incoming holder."""
        role = parse_watchlist(seed_files()).roles[0]

        holders = [role.holder_on(date(2023, 5, 1)), role.holder_on(date(2024, 7, 5)), role.holder_on(date(2020, 1, 1))]

        assert holders == ["rishi-sunak", "keir-starmer", None]

    @pytest.mark.parametrize(
        ("replacement", "message"),
        [
            ({"people_csv": PEOPLE.replace("aliases", "nicknames")},
             "seeds/people.csv: unknown column 'nicknames' (expected some of person_id, name, first_name, surname, "
             "honorifics, aliases, misspellings, descriptors, negative_terms, wikidata_id)"),
            ({"roles_csv": "role_id,name\nx,y\n"}, "seeds/roles.csv row 1: forms or titles must be filled"),
            ({"roles_csv": "role_id,forms\nx,the X\n"}, "seeds/roles.csv: missing column 'name'"),
            ({"roles_csv": "role_id,name,titles,jurisdiction\nx,X,Premier,ontario\n"},
             "seeds/roles.csv row 1: unknown jurisdiction 'ontario' (add it to jurisdictions.csv)"),
            ({"roles_csv": "role_id,name,titles,wikidata_id\nx,X,Premier,14211\n"},
             "seeds/roles.csv row 1: wikidata_id '14211' must look like Q12345"),
            ({"roles_csv": "role_id,name,titles\nx,X,Premier;;PM\n"}, "seeds/roles.csv row 1: empty form in titles"),
            ({"people_csv": PEOPLE + "jess-phillips,Someone Else,,,,\n"},
             "seeds/people.csv row 5: duplicate person_id 'jess-phillips'"),
            ({"people_csv": PEOPLE + "Bad Id,Someone Else,,,,\n"},
             "seeds/people.csv row 5: person_id 'Bad Id' must be lower-case words joined by hyphens"),
            ({"people_csv": PEOPLE + "a-b,A B,Mr,,,the boss;;the chief\n"},
             "seeds/people.csv row 5: empty form in descriptors"),
            ({"people_csv": PEOPLE + "a-b,A B,Sire,,,\n"}, "seeds/people.csv row 5: unknown honorific 'Sire' "
             "(known: Baroness, Dame, Dr, Lady, Lord, Miss, Mr, Mrs, Ms, Mx, President, Prof, Professor, Rev, Sir)"),
            ({"people_csv": PEOPLE + "a-b,,,,,\n"}, "seeds/people.csv row 5: name is empty"),
            ({"role_holders_csv": HOLDERS.replace("2022-10-25", "25/10/2022")},
             "seeds/role_holders.csv row 1: valid_from '25/10/2022' is not a date like 2024-07-05"),
            ({"role_holders_csv": HOLDERS.replace("2024-07-05,\n", "2024-07-01,\n")},
             "seeds/role_holders.csv row 2: keir-starmer overlaps rishi-sunak as holder of uk-prime-minister"),
            ({"role_holders_csv": HOLDERS + "uk-prime-minister,nobody-known,2030-01-01,\n"},
             "seeds/role_holders.csv row 3: person_id 'nobody-known' is not in people.csv"),
            ({"role_holders_csv": HOLDERS.replace("2024-07-05\n", "2021-01-01\n")},
             "seeds/role_holders.csv row 1: valid_to must be after valid_from"),
            ({"topics_csv": TOPICS + "nhs,NHS,,\n"}, "seeds/topics.csv row 2: terms is empty"),
        ],
    )  # fmt: skip
    def test_seed_problems_name_file_row_and_problem(self, replacement: dict[str, str], message: str) -> None:
        """Each seed mistake raises SeedError whose message names the file, the data row and the problem."""
        with pytest.raises(SeedError) as caught:
            parse_watchlist(seed_files(**replacement))

        assert str(caught.value) == message

    @pytest.mark.parametrize("seed", range(40))
    def test_overlapping_holders_are_found_as_a_pairwise_check_finds_them(self, seed: int) -> None:
        """Random office histories (open-ended periods too) are refused at the row, naming the holder, that a check
        of every pair would name; the others load whole."""
        chance = random.Random(seed)
        periods: list[tuple[str, date, date | None]] = []
        for _ in range(chance.randrange(2, 40)):
            start = date(2000, 1, 1) + timedelta(days=chance.randrange(20_000))
            end = None if chance.random() < 0.03 else start + timedelta(days=chance.randrange(1, 60))
            periods.append((chance.choice(["rishi-sunak", "keir-starmer"]), start, end))
        text = "".join(f"uk-prime-minister,{person},{start},{end or ''}\n" for person, start, end in periods)
        files = seed_files(role_holders_csv="role_id,person_id,valid_from,valid_to\n" + text)

        expected = first_overlap(periods)

        if expected is None:
            assert len(parse_watchlist(files).roles[0].holders) == len(periods)
        else:
            with pytest.raises(SeedError) as caught:
                parse_watchlist(files)
            assert str(caught.value) == expected

    def test_missing_people_file_is_reported(self) -> None:
        """people.csv, the one required file, is reported by name, without a row, when it is not supplied."""
        files = seed_files()
        del files["people.csv"]

        with pytest.raises(SeedError) as caught:
            parse_watchlist(files, directory="custom")

        assert (caught.value.file, caught.value.row, str(caught.value)) == (
            "custom/people.csv",
            None,
            "custom/people.csv: file is missing",
        )

    @pytest.mark.parametrize("missing", ["roles.csv", "role_holders.csv", "topics.csv"])
    def test_optional_files_default_to_none(self, missing: str) -> None:
        """Without roles, role holders or topics the watchlist still parses, with none of what is missing."""
        files = seed_files()
        del files[missing]
        if missing == "roles.csv":
            del files["role_holders.csv"]

        watchlist = parse_watchlist(files)

        assert len(watchlist.people) == 4
        assert (watchlist.topics == ()) == (missing == "topics.csv")
        assert (watchlist.roles == () or not watchlist.roles[0].holders) == (missing != "topics.csv")

    def test_jurisdictions_file_adds_and_replaces_rows(self) -> None:
        """A jurisdictions.csv row with a new id is added; one with a built-in id replaces that row."""
        extra = (
            "jurisdiction_id,name,names,adjectives,places,offices\n"
            "scotland,Scotland,Scotland,Scottish,Holyrood,first minister\n"
            "nz,New Zealand,New Zealand;Aotearoa,Kiwi,Wellington,prime minister\n"
        )

        watchlist = parse_watchlist(seed_files(jurisdictions_csv=extra))

        by_id = {item.jurisdiction_id: item for item in watchlist.jurisdictions}
        assert by_id["scotland"].places == ("Holyrood",)
        assert by_id["nz"].names == ("New Zealand", "Aotearoa")
        assert "uk" in by_id and len([item for item in watchlist.jurisdictions if item.jurisdiction_id == "nz"]) == 1


class TestPersonForms:
    @pytest.mark.parametrize(
        ("person_id", "text", "kind"),
        [
            ("keir-starmer", "Keir Starmer", "full"),
            ("keir-starmer", "Sir Keir", "honorific"),
            ("keir-starmer", "Sir Keir Starmer", "honorific"),
            ("keir-starmer", "Mr Starmer", "honorific"),
            ("keir-starmer", "Mr. Starmer", "honorific"),
            ("keir-starmer", "Starmer", "surname"),
            ("keir-starmer", "Kier Starmer", "full"),
            ("jess-phillips", "Ms Philips", "honorific"),
            ("tommy-robinson", "Stephen Yaxley-Lennon", "alias"),
            ("tommy-robinson", "Mr Yaxley-Lennon", "honorific"),
        ],
    )
    def test_forms_are_generated_from_the_name(self, person_id: str, text: str, kind: str) -> None:
        """Honorific, misspelt and alias forms come from the seed columns, not from hand-typed lists."""
        people = {person.person_id: person for person in parse_watchlist(seed_files()).people}

        forms = {(form.text, form.kind) for form in people[person_id].forms()}

        assert (text, kind) in forms

    def test_first_name_honorifics_only_for_sir_and_dame(self) -> None:
        """ "Sir Starmer" and "Mr Keir" are never generated: they are not how anyone is addressed."""
        people = {person.person_id: person for person in parse_watchlist(seed_files()).people}

        texts = {form.text for form in people["keir-starmer"].forms()}

        assert not {"Sir Starmer", "Mr Keir"} & texts


class TestTopicTerms:
    @pytest.mark.parametrize(
        ("term", "plural"),
        [("grooming gang", "grooming gangs"), ("inquiry", "inquiries"), ("ambush", "ambushes"),
         ("day", "days"), ("NHS", "NHS"), ("extremists", "extremists"), ("on [X]", "on [X]")],
    )  # fmt: skip
    def test_plurals_are_generated(self, term: str, plural: str) -> None:
        """The last lower-case word of a term gets its English plural; acronyms and marked terms stay."""
        assert pluralise(term) == plural

    def test_equals_sign_keeps_a_term_exact(self) -> None:
        """A term written "=far right" is searched exactly, without a generated plural."""
        topic = parse_watchlist(seed_files()).topics[0]

        assert topic.term_forms() == ("national inquiry", "national inquiries", "IICSA", "far right")


class TestRoleColumns:
    @pytest.mark.parametrize(
        ("row", "jurisdiction"),
        [
            ("us-president,President of the United States,President,", "us"),
            ("uk-pm,Prime Minister of the United Kingdom,PM,", "uk"),
            ("chancellor,Chancellor of the Exchequer,Chancellor,", ""),
            ("chancellor,Chancellor of the Exchequer,Chancellor,uk", "uk"),
        ],
    )
    def test_a_titled_roles_country_defaults_to_the_one_its_name_gives(self, row: str, jurisdiction: str) -> None:
        """With jurisdiction empty, a role with titles takes the country its name names, if any."""
        roles = f"role_id,name,titles,jurisdiction\n{row}\n"

        [role] = parse_watchlist(seed_files(roles_csv=roles, role_holders_csv="role_id,person_id,valid_from\n")).roles

        assert role.jurisdiction == jurisdiction

    def test_a_role_typed_as_forms_keeps_counting_by_date_alone(self) -> None:
        """A role from an older seeds folder (forms only) gets no country from its name: it counts as it did."""
        [role] = parse_watchlist(seed_files()).roles

        assert (role.forms, role.titles, role.jurisdiction) == (("the Prime Minister", "the PM"), (), "")
