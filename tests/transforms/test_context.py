"""Tests for the context rule: which country a role title without one belongs to."""

from __future__ import annotations

import pytest

from transforms.context import ANY_OFFICE, Cue, CueScanner, decide
from transforms.jurisdictions import BUILT_IN_JURISDICTIONS, office_of

PM = "prime minister"
HAVE_PM = frozenset({"il", "ca", "fr", "in"})  # competitors of the UK's prime minister in these tests
SCANNER = CueScanner(BUILT_IN_JURISDICTIONS)


class TestCueScanner:
    def test_country_words_are_found_with_their_capitals(self) -> None:
        """ "US", "Israeli", "Downing Street" name countries; "us" and "turkey" in lower case do not."""
        text = "Officials in Downing Street told us the US and Israeli envoys ate turkey."

        cues = [(text[cue.offset : cue.offset + 3], cue.jurisdiction) for cue in SCANNER.scan(text)]

        assert cues == [("Dow", "uk"), ("US ", "us"), ("Isr", "il")]

    def test_longest_phrase_wins(self) -> None:
        """ "Liberal Democrats" is British, not the US Democrats; "British Columbia" is Canadian."""
        text = "The Liberal Democrats met in British Columbia."

        assert [cue.jurisdiction for cue in SCANNER.scan(text)] == ["uk", "ca"]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("In Wellington, Labour celebrated.", ["nz", "nz"]), ("Labour MPs met.", ["uk"]),
         ("Labour MPs in Westminster watched New Zealand.", ["uk", "uk", "nz"])],
    )  # fmt: skip
    def test_a_word_countries_share_names_the_one_the_text_otherwise_names(
        self, text: str, expected: list[str]
    ) -> None:
        """New Zealand's "Labour" is its own when the text names only New Zealand; alone or beside both, British."""
        assert [cue.jurisdiction for cue in SCANNER.scan(text)] == expected

    @pytest.mark.parametrize(
        ("text", "qualifies"),
        [("the Israeli prime minister", PM), ("Israel's PM", PM), ("the prime minister of Israel", PM),
         ("the Israeli president", "president"), ("the Israeli leader", ANY_OFFICE), ("Israeli troops", None)],
    )  # fmt: skip
    def test_a_country_before_or_after_a_title_qualifies_that_office(self, text: str, qualifies: str | None) -> None:
        """A cue next to a title records which office it qualifies; one beside anything else qualifies none."""
        [cue] = SCANNER.scan(text)

        assert (cue.jurisdiction, cue.qualifies) == ("il", qualifies)

    def test_country_of_reads_whole_phrases_only(self) -> None:
        """ "U.S." and "the United States" are the US; "Usual" is not; case counts ("UK" but not "uk")."""
        assert [SCANNER.country_of(word) for word in ("U.S.", "the United States", "Usual", "UK", "uk")] == [
            "us",
            "us",
            None,
            "uk",
            None,
        ]


class TestDecide:
    SENTENCE = (100, 200)  # the title's sentence; the title itself sits at 150

    def choose(self, *cues: Cue) -> str:
        return decide(150, self.SENTENCE, PM, "uk", HAVE_PM, list(cues))

    def test_no_country_named_means_the_roles_own(self) -> None:
        """A passage that names no country leaves the title with the role's own country."""
        assert self.choose() == "uk"

    def test_the_office_last_named_for_a_country_is_meant(self) -> None:
        """After "Israel's prime minister", "the prime minister" is Israel's, even with Britain named once."""
        assert self.choose(Cue(10, "il", PM), Cue(20, "uk"), Cue(30, "il")) == "il"
        assert self.choose(Cue(10, "il", PM), Cue(40, "uk", PM)) == "uk"

    def test_a_country_qualifying_another_title_in_the_sentence_is_a_contrast(self) -> None:
        """ "The Canadian leader pressed the prime minister": Canada is the other party, not the title's."""
        assert self.choose(Cue(10, "ca", PM), Cue(120, "ca", ANY_OFFICE)) == "uk"

    def test_the_roles_country_in_the_sentence_wins(self) -> None:
        """ "In London, the prime minister chaired Cobra" after two mentions of France is still ours."""
        assert self.choose(Cue(10, "fr"), Cue(20, "fr"), Cue(110, "uk")) == "uk"

    def test_otherwise_the_country_named_most_often_wins(self) -> None:
        """Without an earlier reference, the most-named competing country takes the title; ties stay home."""
        assert self.choose(Cue(10, "in"), Cue(20, "in"), Cue(30, "uk")) == "in"
        assert self.choose(Cue(10, "in"), Cue(30, "uk")) == "uk"

    def test_the_holder_of_the_office_counts_twice(self) -> None:
        """Naming whoever holds this office that day ("Theresa May flew to China") weighs twice."""
        assert self.choose(Cue(10, "in"), Cue(20, "in"), Cue(30, "uk", holds=frozenset({PM}))) == "uk"

    def test_countries_without_the_office_do_not_compete(self) -> None:
        """Washington, however often named, never takes "the prime minister": the US has none."""
        assert self.choose(Cue(10, "us"), Cue(20, "us"), Cue(30, "us", PM)) == "uk"

    def test_office_of_shared_titles(self) -> None:
        """Titles many countries share name an office; one only Britain uses ("Home Secretary") names none."""
        assert [office_of(title) for title in ("PM", "the premier", "President", "Home Secretary")] == [
            PM,
            PM,
            "president",
            None,
        ]
