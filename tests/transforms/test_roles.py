"""Tests for reading role titles in their sentence and for the role model's dates."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.roles import qualifier_before, read_title
from transforms.watchlist import Role, RoleHolder

COUNTRIES = {"US": "us", "U.S.": "us", "Britain": "uk", "British": "uk", "Israeli": "il", "Israel": "il"}
COUNTRIES |= {"United States": "us", "the United States": "us", "Ontario": "ca", "Canada": "ca"}
NOT_NAMES = {"Monday", "Britain"}


def read(
    text: str, title: str, *, headline: bool = False, title_case: bool = False
) -> tuple[str, str, str | None] | None:
    """(span text, qualifier, country) of the first occurrence of title in text, or None."""
    start = text.index(title)
    reading = read_title(
        text,
        start,
        start + len(title),
        headline=headline,
        title_case=title_case,
        country_of=COUNTRIES.get,
        is_name_word=lambda word: word not in NOT_NAMES,
    )
    return None if reading is None else (text[reading.start : reading.end], reading.qualifier, reading.country)


class TestReadTitle:
    @pytest.mark.parametrize(
        ("text", "title", "expected"),
        [
            ("Critics accused the prime minister of ducking it.", "prime minister", ("the prime minister", "", None)),
            ("The PM's spokesman spoke.", "PM", ("The PM", "", None)),
            ("Allies of the embattled PM spoke.", "PM", ("the embattled PM", "", None)),
            ("The former prime minister spoke.", "prime minister", ("The former prime minister", "former", None)),
            ("An ex-prime minister spoke.", "prime minister", None),
            ("The ex-prime minister spoke.", "prime minister", ("The ex-prime minister", "former", None)),
            ("The then prime minister was told.", "prime minister", ("The then prime minister", "then", None)),
            ("She met the president-elect.", "president", ("the president-elect", "elect", None)),
            ("The U.S. president arrived.", "president", ("The U.S. president", "", "us")),
            ("Britain's prime minister spoke.", "prime minister", ("Britain's prime minister", "", "uk")),
            ("The president of the United States spoke.", "president",
             ("The president of the United States", "", "us")),
            ("The Israeli prime minister spoke.", "prime minister", ("The Israeli prime minister", "", "il")),
            ("The premier of Ontario spoke.", "premier", ("The premier of Ontario", "", "ca")),
        ],
    )  # fmt: skip
    def test_references_are_read_with_time_and_country(
        self, text: str, title: str, expected: tuple[str, str, str | None]
    ) -> None:
        """Article, qualifiers and a named country before or after the title are part of the reading."""
        assert read(text, title) == expected

    @pytest.mark.parametrize(
        ("text", "title"),
        [
            ("As prime minister he said little.", "prime minister"),
            ("A future prime minister may act.", "prime minister"),
            ("The deputy prime minister spoke.", "prime minister"),
            ("The shadow chancellor spoke.", "chancellor"),
            ("The university chancellor spoke.", "chancellor"),
            ("The premier of the Royal Society spoke.", "premier"),
            ("The prime minister of the day was warned.", "prime minister"),
            ("The prime minister, Benjamin Netanyahu, spoke.", "prime minister"),
            ("The Prime Minister Theresa May spoke.", "Prime Minister"),
            ("At Prime Minister's Questions he spoke.", "Prime Minister"),
            ("The club's president spoke.", "president"),
            ("The vice-president spoke.", "president"),
        ],
    )
    def test_other_offices_generic_uses_and_named_holders_are_not_references(self, text: str, title: str) -> None:
        """Generic, other-office, unknown-country and name-bearing uses of a title are not read as references."""
        assert read(text, title) is None

    def test_a_headline_may_drop_the_article(self) -> None:
        """ "PM must act" counts in a headline, and a headline "as" joins clauses instead of making it generic."""
        assert read("PM must act on bonuses", "PM", headline=True) == ("PM", "", None)
        assert read("Musk hits back as PM defends record", "PM", headline=True) == ("PM", "", None)
        assert read("PM must act on bonuses", "PM", headline=False) is None

    def test_a_headline_and_joins_two_subjects(self) -> None:
        """ "Musk and PM clash" names the PM; a long first line ending in a full stop is body copy, not a headline."""
        body = "Rail fares rose again this week and PM officials said little about it at the briefing."

        assert read("Musk and PM clash over posts", "PM", headline=True) == ("PM", "", None)
        assert read(body, "PM", headline=True) is None
        assert read("Mayors and deputy PM clash", "PM", headline=True) is None

    def test_title_case_lines_do_not_take_the_next_capital_for_a_name(self) -> None:
        """In a Title Case headline "Prime Minister Under Pressure" is still the title."""
        line = "Prime Minister Under Pressure Over Prices"

        assert read(line, "Prime Minister", headline=True, title_case=True) == ("Prime Minister", "", None)
        assert read(line, "Prime Minister", headline=True, title_case=False) is None

    def test_a_day_or_country_after_the_title_is_not_a_name(self) -> None:
        """ "told the prime minister Monday" keeps the title; only a word that may start a name ends it."""
        assert read("She told the prime minister Monday that", "prime minister") == ("the prime minister", "", None)

    @pytest.mark.parametrize(
        ("text", "title", "expected"),
        [
            ("The PM's Cabinet allies said no.", "PM", "The PM"),
            ("Aides in the Prime Minister's Downing Street team spoke.", "Prime Minister", "the Prime Minister"),
            ("The PM's cabinet allies said no.", "PM", "The PM"),
        ],
    )
    def test_a_capital_after_a_possessive_title_is_not_a_name(self, text: str, title: str, expected: str) -> None:
        """What follows "the PM's" is something of the PM's ("Cabinet allies"), never the PM's own name."""
        assert read(text, title) == (expected, "", None)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("Former President Bush", "former"), ("ex-President Bush", "former"), ("the then President Bush", "then"),
         ("Deputy President Bush", None), ("met President Bush", "")],
    )  # fmt: skip
    def test_qualifier_before_a_title_used_as_an_honorific(self, text: str, expected: str | None) -> None:
        """Words before "President Bush" move it in time, make it another office, or leave it alone."""
        assert qualifier_before(text, text.index("President")) == expected


class TestRoleDates:
    ROLE = Role(
        "us-president",
        "President of the United States",
        (),
        (
            RoleHolder("bush", date(2001, 1, 20), date(2009, 1, 20)),
            RoleHolder("obama", date(2009, 1, 20), date(2017, 1, 20)),
            RoleHolder("trump", date(2017, 1, 20), date(2021, 1, 20)),
        ),
        titles=("President",),
        jurisdiction="us",
    )

    @pytest.mark.parametrize(
        ("day", "holder", "former", "elect"),
        [
            (date(2008, 11, 10), "bush", (), "obama"),
            (date(2009, 1, 20), "obama", ("bush",), None),
            (date(2016, 11, 15), "obama", ("bush",), "trump"),
            (date(2016, 6, 1), "obama", ("bush",), None),
            (date(2022, 1, 1), None, ("trump", "obama", "bush"), None),
        ],
    )
    def test_holder_former_holders_and_elect_by_date(
        self, day: date, holder: str | None, former: tuple[str, ...], elect: str | None
    ) -> None:
        """Who holds the office, who held it before (most recent first) and who is about to take it, on a day."""
        assert (self.ROLE.holder_on(day), self.ROLE.former_holders(day), self.ROLE.elect_on(day)) == (
            holder,
            former,
            elect,
        )

    def test_then_means_anyone_who_held_it_up_to_the_day(self) -> None:
        """ "The then president" may be the holder of the day or any earlier one, most recent first."""
        assert self.ROLE.holders_until(date(2010, 1, 1)) == ("obama", "bush")

    def test_title_spellings_and_which_may_stand_bare(self) -> None:
        """Typed titles gain their capitalised and lower-case spellings; only capitalised ones stand without "the"."""
        role = Role("pm", "PM", (), (), titles=("Prime Minister", "PM", "premier"))

        assert dict(role.title_spellings()) == {
            "Prime Minister": True,
            "prime minister": False,
            "PM": True,
            "premier": False,
            "Premier": False,
        }
