"""Tests for detecting watchlist people in article text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.eval.mentions.gold import load_passages
from transforms.mentions import MentionDetector
from transforms.records import Mention
from transforms.sentences import MAX_SNIPPET_CHARS
from transforms.watchlist import WATCHLIST_FILES, Watchlist, parse_watchlist

PEOPLE = """person_id,name,honorifics,aliases,misspellings,descriptors,negative_terms
keir-starmer,Keir Starmer,Sir;Mr,,,,
rishi-sunak,Rishi Sunak,Mr,,,,
elon-musk,Elon Musk,Mr,,,the tech billionaire;the Tesla boss,
jess-phillips,Jess Phillips,Ms,,Jess Philips,,screwdriver
yvette-cooper,Yvette Cooper,Ms,,,,
ed-davey,Ed Davey,Sir,,,,
tommy-robinson,Tommy Robinson,Mr,Stephen Yaxley-Lennon;Yaxley-Lennon,,,
alexis-jay,Alexis Jay,Professor;Prof,,,,
"""
ROLES = (
    "role_id,name,forms\nuk-prime-minister,Prime Minister,the Prime Minister;the prime minister;the PM;the premier\n"
)
HOLDERS = """role_id,person_id,valid_from,valid_to
uk-prime-minister,rishi-sunak,2022-10-25,2024-07-05
uk-prime-minister,keir-starmer,2024-07-05,
"""
TOPICS = "topic_id,name,terms,co_terms\nnhs,NHS,NHS,\n"
PUBLISHED = date(2025, 1, 6)
FRAGMENTS = ["Sir Keir", " Starmer", "’s", " said.", "\n\n", " Kimbal Musk", " Elon Musk", "the PM", " X-ray", " é",
             "İ",
             "“Musk”", " The premier"]  # fmt: skip


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return parse_watchlist(
        {"people.csv": PEOPLE, "roles.csv": ROLES, "role_holders.csv": HOLDERS, "topics.csv": TOPICS}
    )


@pytest.fixture(scope="module")
def detector(watchlist: Watchlist) -> MentionDetector:
    return MentionDetector(watchlist)


def found(
    detector: MentionDetector, text: str, published: date | datetime | None = PUBLISHED
) -> list[tuple[str, str, str]]:
    """(person_id, matched text, kind) of every mention, in text order."""
    return [(m.person_id, m.matched_text, m.kind) for m in detector.detect(text, published)]


class TestMentionRecords:
    def test_offsets_sentence_and_snippet_point_at_the_evidence(self, detector: MentionDetector) -> None:
        """Each mention's offsets slice back to its text, and its snippet is the whole sentence it sits in."""
        text = "Row over posts\n\nIt began on Friday.  Sir Keir’s office replied on Monday. Nobody else did."

        mentions = detector.detect(text, PUBLISHED)

        assert mentions == [
            Mention("keir-starmer", "Sir Keir", "honorific", 2, 37, 45, "Sir Keir’s office replied on Monday.")
        ]
        assert text[mentions[0].char_start : mentions[0].char_end] == "Sir Keir"

    @given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
    def test_offsets_always_index_the_original_text(self, detector: MentionDetector, parts: list[str]) -> None:
        """Whatever the text, matched_text equals text[char_start:char_end] and sits inside its snippet."""
        text = "".join(parts)

        for mention in detector.detect(text, PUBLISHED):
            assert text[mention.char_start : mention.char_end] == mention.matched_text
            assert mention.matched_text in mention.snippet

    @pytest.mark.parametrize("text", ["", "Nothing to see here.", "\n\n"])
    def test_text_without_names_has_no_mentions(self, detector: MentionDetector, text: str) -> None:
        """Empty or unrelated text yields no mentions."""
        assert detector.detect(text, PUBLISHED) == []

    def test_empty_watchlist_finds_nothing(self) -> None:
        """A team that tracks nobody gets no mentions rather than an error."""
        detector = MentionDetector(Watchlist(people=(), topics=()))

        assert detector.detect("Sir Keir Starmer spoke.", PUBLISHED) == []


class TestNames:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Keir Starmer spoke.", [("keir-starmer", "Keir Starmer", "full")]),
            ("Sir Keir Starmer spoke.", [("keir-starmer", "Sir Keir Starmer", "honorific")]),
            ("Then Mr Musk posted.", [("elon-musk", "Mr Musk", "honorific")]),
            ("Then Mr. Musk posted.", [("elon-musk", "Mr. Musk", "honorific")]),
            ("Ms Phillips replied.", [("jess-phillips", "Ms Phillips", "honorific")]),
            ("Prof Jay and Professor Jay.", [("alexis-jay", "Prof Jay", "honorific"),
                                             ("alexis-jay", "Professor Jay", "honorific")]),
            ("Jess Philips was criticised.", [("jess-phillips", "Jess Philips", "full")]),
            ("Stephen Yaxley-Lennon was named.", [("tommy-robinson", "Stephen Yaxley-Lennon", "alias")]),
        ],
    )  # fmt: skip
    def test_full_honorific_misspelt_and_alias_forms_always_count(
        self, detector: MentionDetector, text: str, expected: list[tuple[str, str, str]]
    ) -> None:
        """Stronger forms count without any earlier introduction, and a longer form is one mention."""
        assert found(detector, text) == expected

    @pytest.mark.parametrize(
        ("text", "matched"),
        [("Sir Keir's aides.", "Sir Keir"), ("Sir Keir’s aides.", "Sir Keir"), ("“Sir Keir,” she said.", "Sir Keir"),
         ("SIR KEIR HITS BACK", "SIR KEIR"), ("(Sir Keir) left.", "Sir Keir")],
    )  # fmt: skip
    def test_possessives_quotes_and_capitals(self, detector: MentionDetector, text: str, matched: str) -> None:
        """Straight and curly possessives, quotation marks, brackets and ALL CAPS do not hide a name."""
        assert found(detector, text) == [("keir-starmer", matched, "honorific")]

    @pytest.mark.parametrize("text", ["Sir Ed Marlow retired.", "Sir Keir Hardie is not tracked.", "keir starmer"])
    def test_first_name_honorific_and_lower_case_do_not_count(self, detector: MentionDetector, text: str) -> None:
        """ "Sir Ed" followed by another surname is someone else, and lower-case text is not a name."""
        assert found(detector, text) == []


class TestSurnames:
    def test_surname_counts_only_after_introduction(self, detector: MentionDetector) -> None:
        """A bare surname before the person is introduced in the body is not counted; after it, it is."""
        text = "Weekend round-up\n\nPhillips scored twice. Later Jess Phillips spoke. Phillips was firm."

        assert found(detector, text) == [
            ("jess-phillips", "Jess Phillips", "full"),
            ("jess-phillips", "Phillips", "surname"),
        ]

    def test_headline_surname_counts_when_the_body_introduces_the_person(self, detector: MentionDetector) -> None:
        """A headline abbreviates names the body introduces, so its surnames count."""
        text = "Musk hits back\n\nElon Musk posted again."

        assert found(detector, text) == [("elon-musk", "Musk", "surname"), ("elon-musk", "Elon Musk", "full")]

    def test_two_tracked_surnames_joined_by_a_hyphen_are_both_people(self, detector: MentionDetector) -> None:
        """ "the Starmer-Musk row" names two tracked people; a double-barrelled name does not, even of two."""
        text = "Row\n\nKeir Starmer and Elon Musk met. The Starmer-Musk row cooled. Sarah Cooper-Musk came."

        pair = [("keir-starmer", "Starmer", "surname"), ("elon-musk", "Musk", "surname")]

        assert found(detector, text)[2:] == pair

    def test_key_points_under_the_headline_are_read_like_it(self, detector: MentionDetector) -> None:
        """A bulleted key-points list above the body abbreviates names the body introduces; a list further down,
        after the body has begun, does not."""
        above = "Posts row\n\nKey points:\n• Fresh posts from Musk\n• No 10 silent\n\nElon Musk posted again."
        below = "Posts row\n\nIt went on.\n\n• Fresh posts from Musk\n\nElon Musk posted again."

        assert found(detector, above) == [("elon-musk", "Musk", "surname"), ("elon-musk", "Elon Musk", "full")]
        assert found(detector, below) == [("elon-musk", "Elon Musk", "full")]

    @pytest.mark.parametrize(
        "trap",
        ["Kimbal Musk also posted.", "It was a Tommy Cooper routine.", "Dave Phillips disagreed.",
         "Mrs Robinson wrote in.", "Anne Robinson hosted.", "Jay Rayner ate.", "The Musk Foundation gave.",
         "Sarah Cooper-Hughes spoke.", "Joan Smith-Cooper spoke.", "A Phillips screwdriver helped."],
    )  # fmt: skip
    def test_surnames_of_other_people_and_things_do_not_count(self, detector: MentionDetector, trap: str) -> None:
        """Even after introduction, a surname inside another name, a double-barrel or a negative context is not ours."""
        intro = "Elon Musk, Yvette Cooper, Jess Phillips, Tommy Robinson and Alexis Jay were named. "

        mentions = found(detector, intro + trap)

        assert [kind for _, _, kind in mentions] == ["full"] * 5

    @pytest.mark.parametrize(
        "text",
        ["Elon Musk posted. Musk-backed groups grew.", "Elon Musk posted. Anti-Musk groups grew.",
         "Elon Musk posted. But Musk went on.", "Elon Musk posted. On Monday Musk went on.",
         "Elon Musk posted. Labour's Musk critics grew."],
    )  # fmt: skip
    def test_surname_after_hyphen_lead_word_or_possessive_counts(self, detector: MentionDetector, text: str) -> None:
        """ "Musk-backed", "anti-Musk", "But Musk" and "On Monday Musk" all refer to the introduced Musk."""
        assert found(detector, text)[1] == ("elon-musk", "Musk", "surname")

    def test_repeated_paragraph_counts_each_time(self, detector: MentionDetector) -> None:
        """A caption-like paragraph repeated in the text is counted once per occurrence."""
        text = "Visit\n\nSir Keir at a school\n\nHe spoke.\n\nSir Keir at a school"

        assert found(detector, text) == [("keir-starmer", "Sir Keir", "honorific")] * 2


class TestRoles:
    @pytest.mark.parametrize(
        ("published", "expected"),
        [(date(2023, 5, 1), ["rishi-sunak"]), (datetime(2025, 1, 6, 9, tzinfo=UTC), ["keir-starmer"]),
         (date(2024, 7, 5), ["keir-starmer"]), (date(2024, 7, 4), ["rishi-sunak"]), (date(2019, 1, 1), []),
         (None, [])],
    )  # fmt: skip
    def test_role_resolves_to_the_holder_on_the_publication_date(
        self, detector: MentionDetector, published: date | None, expected: list[str]
    ) -> None:
        """ "The PM" is Sunak in 2023 and Starmer in 2025; before any tracked holder or undated, nobody."""
        mentions = detector.detect("The PM visited a school.", published)

        assert [m.person_id for m in mentions] == expected

    @pytest.mark.parametrize(
        "text",
        ["A future prime minister may act.", "As prime minister he said little.", "The prime minister of Canada spoke.",
         "The former prime minister spoke.", "The Premier League spoke.", "At Prime Minister's Questions.",
         "The premier of Ontario spoke.", "the pm spoke."],
    )  # fmt: skip
    def test_generic_and_foreign_uses_are_not_references(self, detector: MentionDetector, text: str) -> None:
        """Lower-case generic titles, other countries' leaders and former holders do not count."""
        assert found(detector, text) == []

    @pytest.mark.parametrize(
        ("text", "matched"),
        [("The Prime Minister spoke.", "The Prime Minister"), ("Allies of the premier spoke.", "the premier"),
         ("The PM's spokesman spoke.", "The PM"), ("THE PM SPEAKS", "THE PM")],
    )  # fmt: skip
    def test_role_titles_count_as_role(self, detector: MentionDetector, text: str, matched: str) -> None:
        """Capitalised titles, "the premier", possessives and ALL CAPS headlines resolve to the holder."""
        assert found(detector, text) == [("keir-starmer", matched, "role")]


class TestDescriptors:
    def test_descriptor_counts_after_introduction(self, detector: MentionDetector) -> None:
        """ "The tech billionaire" counts as a descriptor once the person is named, not before."""
        text = "Posts\n\nThe tech billionaire posted. Elon Musk did. The Tesla boss went on."

        assert found(detector, text) == [
            ("elon-musk", "Elon Musk", "full"),
            ("elon-musk", "The Tesla boss", "descriptor"),
        ]

    def test_descriptors_can_be_switched_off(self, watchlist: Watchlist) -> None:
        """With descriptors=False the detector counts only names and roles."""
        detector = MentionDetector(watchlist, descriptors=False)

        assert found(detector, "Elon Musk posted. The Tesla boss went on.") == [("elon-musk", "Elon Musk", "full")]

    def test_descriptor_before_a_name_is_part_of_the_name(self, detector: MentionDetector) -> None:
        """ "The tech billionaire Elon Musk" is one mention, of the full name."""
        assert found(detector, "The tech billionaire Elon Musk posted.") == [("elon-musk", "Elon Musk", "full")]


@pytest.fixture(scope="module")
def shared_detector() -> MentionDetector:
    """Two tracked people who share the surname Phillips and the honorific Ms."""
    people = "person_id,name,honorifics\njess-phillips,Jess Phillips,Ms\nmark-phillips,Mark Phillips,Mr;Ms\n"
    files = {"people.csv": people, "roles.csv": "role_id,name,forms\n"}
    files |= {"role_holders.csv": "role_id,person_id,valid_from,valid_to\n", "topics.csv": "topic_id,name,terms\n"}
    return MentionDetector(parse_watchlist(files))


class TestSharedForms:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [("Mark Phillips spoke. Phillips was firm.", ["mark-phillips", "mark-phillips"]),
         ("Mark Phillips spoke. Jess Phillips replied. Phillips was firm.",
          ["mark-phillips", "jess-phillips", "jess-phillips"]),
         ("Ms Phillips spoke.", []),
         ("Jess Phillips spoke. Ms Phillips was firm.", ["jess-phillips", "jess-phillips"])],
    )  # fmt: skip
    def test_a_shared_form_goes_to_the_person_introduced_most_recently(
        self, shared_detector: MentionDetector, text: str, expected: list[str]
    ) -> None:
        """When two tracked people share a surname or honorific form, it counts for the one last introduced."""
        assert [m.person_id for m in shared_detector.detect(text, PUBLISHED)] == expected


ROLE_PEOPLE = """person_id,name,honorifics
tony-blair,Tony Blair,Mr
gordon-brown,Gordon Brown,Mr
theresa-may,Theresa May,Mrs
george-w-bush,George W. Bush,Mr
barack-obama,Barack Obama,Mr
donald-trump,Donald Trump,Mr
"""
ROLE_TITLES = """role_id,name,titles,jurisdiction
uk-prime-minister,Prime Minister,Prime Minister;PM;premier,uk
chancellor,Chancellor of the Exchequer,Chancellor,uk
us-president,President of the United States,President,us
"""
ROLE_DATES = """role_id,person_id,valid_from,valid_to
uk-prime-minister,tony-blair,1997-05-02,2007-06-27
uk-prime-minister,gordon-brown,2007-06-27,2010-05-11
uk-prime-minister,theresa-may,2016-07-13,2019-07-24
chancellor,gordon-brown,1997-05-02,2007-06-27
us-president,george-w-bush,2001-01-20,2009-01-20
us-president,barack-obama,2009-01-20,2017-01-20
us-president,donald-trump,2017-01-20,2021-01-20
"""


@pytest.fixture(scope="module")
def roles_detector() -> MentionDetector:
    """A watchlist whose roles are typed as titles with a country, as roles.csv ships them."""
    files = {"people.csv": ROLE_PEOPLE, "roles.csv": ROLE_TITLES, "role_holders.csv": ROLE_DATES}
    return MentionDetector(parse_watchlist(files))


class TestRoleTitles:
    @pytest.mark.parametrize(
        ("text", "published", "expected"),
        [
            ("PM must act on pensions\n\nUnions wrote again.", date(2008, 3, 1), [("gordon-brown", "PM", "role")]),
            ("Chancellor courts young voters\n\nHe spoke.", date(2005, 3, 1), [("gordon-brown", "Chancellor", "role")]),
            ("MPs accused the prime minister of ducking it.", date(2008, 3, 1),
             [("gordon-brown", "the prime minister", "role")]),
            ("The U.S. president arrived.", date(2005, 3, 1), [("george-w-bush", "The U.S. president", "role")]),
            ("The president of the United States arrived.", date(2010, 3, 1),
             [("barack-obama", "The president of the United States", "role")]),
            ("President-elect Obama met aides.", date(2008, 11, 10),
             [("barack-obama", "President-elect Obama", "honorific")]),
            ("The president-elect met aides.", date(2016, 11, 15), [("donald-trump", "The president-elect", "role")]),
            ("Former Prime Minister Blair spoke.", date(2010, 3, 1),
             [("tony-blair", "Prime Minister Blair", "honorific")]),
        ],
    )  # fmt: skip
    def test_titles_resolve_by_date_variant_and_qualifier(
        self, roles_detector: MentionDetector, text: str, published: date, expected: list[tuple[str, str, str]]
    ) -> None:
        """Headline titles, "of" + an ordinary word, spelling variants and -elect all reach the right holder."""
        assert found(roles_detector, text, published) == expected

    @pytest.mark.parametrize(
        ("text", "published"),
        [
            ("The former prime minister declined to comment.", date(2012, 1, 1)),
            ("The shadow chancellor and the deputy prime minister spoke.", date(2008, 1, 1)),
            ("Prime Minister Blair spoke.", date(1990, 1, 1)),
            ("President-elect Obama met aides.", date(2012, 11, 10)),
        ],
    )
    def test_qualified_titles_that_fit_nobody_tracked_count_for_nobody(
        self, roles_detector: MentionDetector, text: str, published: date
    ) -> None:
        """A former PM nobody introduced, another office, a holder before their time, an -elect out of season."""
        assert found(roles_detector, text, published) == []

    def test_former_and_then_titles_take_the_person_the_paragraph_names(self, roles_detector: MentionDetector) -> None:
        """ "The former prime minister" goes to the former holder the article introduced, even a little later."""
        text = (
            "Tony Blair gave evidence. The former prime minister was calm.\n"
            "The then prime minister was warned, Mr Blair said."
        )

        mentions = found(roles_detector, text, date(2010, 1, 29))

        assert [(person, kind) for person, _, kind in mentions] == [
            ("tony-blair", "full"),
            ("tony-blair", "role"),
            ("tony-blair", "role"),
            ("tony-blair", "honorific"),
        ]


class TestRoleContext:
    @pytest.mark.parametrize(
        "text",
        [
            "JERUSALEM - Israel's prime minister met envoys. The prime minister told the Knesset he would stay.",
            "Canada's prime minister, Stephen Harper, spoke. The prime minister said Ottawa would act.",
            "The Israeli prime minister arrived. Later the prime minister left.",
            "In Paris the French president spoke. The president said France would act.",
        ],
    )
    def test_another_countrys_leader_is_not_ours(self, roles_detector: MentionDetector, text: str) -> None:
        """A title about another country's government, by qualifier, dateline or what the text names, is not ours."""
        assert found(roles_detector, text, date(2008, 3, 1)) == []

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("The French president met the prime minister in Paris.", "gordon-brown"),
            ("The prime minister flew to Washington to meet the president.", "gordon-brown"),
            ("Gordon Brown flew to Delhi. The prime minister said India mattered and Indians agreed.", "gordon-brown"),
        ],
    )
    def test_our_leader_abroad_is_still_ours(self, roles_detector: MentionDetector, text: str, expected: str) -> None:
        """A contrast in one sentence, a country without a PM, or the holder named in the article keep the title."""
        prime_ministers = [person for person, matched, _ in found(roles_detector, text, date(2008, 3, 1))
                           if "prime minister" in matched]  # fmt: skip

        assert prime_ministers == [expected]

    def test_exact_forms_with_a_country_follow_the_same_rule(self) -> None:
        """A role typed the old way (forms) with a jurisdiction added counts "the PM" at home and not in Israel."""
        files = {
            "people.csv": ROLE_PEOPLE,
            "roles.csv": "role_id,name,forms,jurisdiction\nuk-pm,PM,the prime minister;the PM,uk\n",
            "role_holders.csv": "role_id,person_id,valid_from,valid_to\nuk-pm,gordon-brown,2007-06-27,2010-05-11\n",
        }
        detector = MentionDetector(parse_watchlist(files))
        israel = "In Jerusalem, Israel's prime minister met envoys. The PM told the Knesset he would stay."

        assert found(detector, "The PM spoke.", date(2008, 1, 1)) == [("gordon-brown", "The PM", "role")]
        assert found(detector, israel, date(2008, 1, 1)) == []


class TestSurnameTraps:
    @pytest.mark.parametrize(
        ("text", "surnames"),
        [
            ("Theresa May spoke. In May the vote was held. It was 8 May. May 2017 was busy. May said no.", 1),
            ("Gordon Brown spoke.\nBrown envelopes were found.\nBrown said they were not his.", 1),
            ("Theresa May spoke. Philip May, her husband, and Mr May's friends were there.", 0),
        ],
    )
    def test_months_colours_and_spouses_are_not_the_person(
        self, roles_detector: MentionDetector, text: str, surnames: int
    ) -> None:
        """ "In May", "Brown envelopes" opening a sentence, and a husband's name do not count as the person."""
        mentions = found(roles_detector, text, date(2017, 4, 1))

        assert [kind for _, _, kind in mentions].count("surname") == surnames

    def test_headline_surname_before_a_party_is_still_the_person(self, roles_detector: MentionDetector) -> None:
        """ "Blair Labour's longest-serving PM": a party after a surname does not make it another name."""
        text = "Blair Labour's longest-serving PM to go\n\nTony Blair will stand down."

        assert found(roles_detector, text, date(2007, 5, 11))[0] == ("tony-blair", "Blair", "surname")


class TestSeedsFromBeforeRoles:
    def test_an_older_seeds_folder_counts_exactly_as_before(self) -> None:
        """The previous release's seeds (exact role forms) give the same mentions it gave on the annotated set."""
        folder = Path(__file__).with_name("fixtures") / "seeds_before_roles"
        files = {name: (folder / name).read_text(encoding="utf-8") for name in WATCHLIST_FILES}
        detector = MentionDetector(parse_watchlist(files))
        recorded = json.loads((folder / "mentions_expected.json").read_text(encoding="utf-8"))
        passages = {passage.passage_id: passage for passage in load_passages()}

        now = {
            passage_id: [
                [m.person_id, m.kind, m.char_start, m.char_end]
                for m in detector.detect(passages[passage_id].text, passages[passage_id].published)
            ]
            for passage_id in recorded
        }

        assert now == recorded


class TestBoundedEvidence:
    """A snippet is the mention's sentence when that is short, else a window around the mention: one page can
    never make detection copy its whole text once per mention (issue 24.2)."""

    def test_a_long_sentence_gives_a_window_cut_at_words_with_ellipses(self, detector: MentionDetector) -> None:
        """The window holds the mention, stays within MAX_SNIPPET_CHARS, starts and ends on whole words and says
        where it was cut."""
        before = " ".join(f"before{number}" for number in range(60))
        after = " ".join(f"after{number}" for number in range(60))
        text = f"Headline\n\nThe row began when {before} Keir Starmer {after} ended it."

        [mention] = detector.detect(text, PUBLISHED)

        assert len(mention.snippet) <= MAX_SNIPPET_CHARS
        assert mention.snippet.startswith("…before") and mention.snippet.endswith("…")
        assert "Keir Starmer" in mention.snippet
        body = mention.snippet.strip("…")
        assert body in text
        at = text.index(body)
        assert text[at - 1] == " " and text[at + len(body)] == " "

    def test_a_sentence_under_the_bound_is_the_snippet_unchanged(self, detector: MentionDetector) -> None:
        """Ordinary sentences keep the whole sentence as evidence, as before windows existed."""
        sentence = "Sir Keir Starmer said " + "the plan would work and " * 15 + "nothing more."
        assert len(sentence) <= MAX_SNIPPET_CHARS

        [mention] = detector.detect(f"Headline\n\n{sentence} Next one.", PUBLISHED)

        assert mention.snippet == sentence

    def test_a_120_kb_paragraph_without_a_full_stop_keeps_snippets_bounded(self, detector: MentionDetector) -> None:
        """ "Keir Starmer " 9,230 times in one paragraph: every mention is found, and their snippets together stay
        within MAX_SNIPPET_CHARS each (today's 1.1 billion characters was the whole paragraph per mention)."""
        text = "Headline\n\n" + "Keir Starmer " * 9_230

        mentions = detector.detect(text, PUBLISHED)

        assert len(mentions) == 9_230
        assert max(len(mention.snippet) for mention in mentions) <= MAX_SNIPPET_CHARS
        assert sum(len(mention.snippet) for mention in mentions) <= 9_230 * MAX_SNIPPET_CHARS
        assert all(mention.matched_text in mention.snippet for mention in mentions)
