"""Quote extraction: quotation marks paired, quotes told from titles and fragments, speakers resolved only through
the mention detector. All quoted speakers are fictional people of tests/eval/quotes/seeds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.mentions import MentionDetector
from transforms.quotes import CueFileError, QuoteExtractor, parse_speech_cues, quote_key
from transforms.records import Quote
from transforms.sentences import SentenceSplit, split_sentences
from transforms.watchlist import WATCHLIST_FILES, parse_watchlist

PROJECT_DIR = Path(__file__).resolve().parents[2]
EVAL_SEEDS = PROJECT_DIR / "tests" / "eval" / "quotes" / "seeds"
DAY = date(2031, 3, 4)
WATCHLIST = parse_watchlist({name: (EVAL_SEEDS / name).read_text(encoding="utf-8") for name in WATCHLIST_FILES})
DETECTOR = MentionDetector(WATCHLIST)
EXTRACTOR = QuoteExtractor(parse_speech_cues((PROJECT_DIR / "seeds" / "speech_cues.csv").read_text(encoding="utf-8")))


def quotes_of(body: str, headline: str = "Headline") -> list[Quote]:
    text = f"{headline}\n\n{body}"
    return EXTRACTOR.extract(text, DETECTOR.detect(text, DAY))


def spoken(body: str, headline: str = "Headline") -> list[tuple[str | None, str]]:
    return [(quote.person_id, quote.quote_text) for quote in quotes_of(body, headline)]


class TestQuotationMarks:
    @pytest.mark.parametrize(
        "body",
        [
            "‘We will act,’ Mr Wren said.",
            "“We will act,” Mr Wren said.",
            '"We will act," Mr Wren said.',
            "'We will act,' Mr Wren said.",
            "«We will act,» Mr Wren said.",
        ],
    )
    def test_every_kind_of_mark_pairs(self, body: str) -> None:
        """Curly and straight, single and double marks and guillemets all delimit a quote."""
        assert spoken("Tobias Wren spoke on Monday.\n\n" + body) == [("tobias-wren", "We will act,")]

    def test_a_mark_ending_its_paragraph_opens_nothing(self) -> None:
        """A stray opening mark at a paragraph's end (no word after it) is no quote; the next paragraph's quote is
        read whole and keeps its speaker."""
        body = "Tobias Wren spoke on Monday, and he said “\n\n“We will act,” Mr Wren said."

        assert spoken(body) == [("tobias-wren", "We will act,")]

    def test_apostrophes_inside_a_single_quote_do_not_close_it(self) -> None:
        """"Don’t", "Marsh’s" and a plural possessive ("the parents’ choice") are apostrophes, not closing marks."""
        body = "Gareth Pryce spoke.\n\n‘It’s the parents’ choice, not Ms Marsh’s or mine,’ Mr Pryce said."

        assert spoken(body) == [("gareth-pryce", "It’s the parents’ choice, not Ms Marsh’s or mine,")]

    def test_a_quote_over_paragraphs_is_one_row_per_paragraph(self) -> None:
        """An open quote continued by the next paragraph's opening mark keeps its speaker; offsets slice the text."""
        text = (
            "Headline\n\nNadia Farouk told the Commons: ‘Order will be restored. [sic]\n\n"
            "‘Those responsible will be found.’\n\nThe house fell silent."
        )

        found = EXTRACTOR.extract(text, DETECTOR.detect(text, DAY))

        assert [(quote.person_id, quote.quote_text) for quote in found] == [
            ("nadia-farouk", "Order will be restored. [sic]"),
            ("nadia-farouk", "Those responsible will be found."),
        ]
        assert all(text[quote.char_start : quote.char_end] == quote.quote_text for quote in found)

    def test_nested_quote_stays_inside_the_outer_one(self) -> None:
        """Double marks inside single ones are part of the quote, not a quote of their own."""
        body = "Tobias Wren spoke.\n\n‘An engineer told me “it is fine for now”. It was not,’ Mr Wren said."

        assert spoken(body) == [("tobias-wren", "An engineer told me “it is fine for now”. It was not,")]

    @given(st.text(alphabet="ab ’'‘\"“”,.\n", max_size=80))
    def test_offsets_always_reproduce_the_text(self, body: str) -> None:
        """Whatever marks a text holds, every quote's offsets slice out exactly its text."""
        text = f"Headline\n\n{body}"

        found = EXTRACTOR.extract(text, [])

        assert all(text[quote.char_start : quote.char_end] == quote.quote_text for quote in found)


class TestWhatIsAQuote:
    @pytest.mark.parametrize(
        "body",
        [
            "Mr Wren called the plan ‘a gimmick’ and urged ministers to show ‘common sense’.",
            "The report, titled ‘Moving Britain Forward’, was published on Monday.",
            "Ministers launched the slogan ‘Roads First’ on Monday.",
            "The new drama ‘The Minister’ drew complaints.",
            "Supporters posted under the hashtag #‘WrenOut’ all night.",
            "The plan is known as ‘the Harrowby model’ in Whitehall.",
        ],
    )
    def test_scare_quotes_and_titles_are_not_quotes(self, body: str) -> None:
        """Short fragments inside reported speech, titles, slogans and names in marks are not quotes."""
        assert spoken("Tobias Wren spoke.\n\n" + body) == []

    def test_a_long_clause_inside_reported_speech_is_a_quote(self) -> None:
        """Six words or more quoted inside reported speech are the speaker's words."""
        body = "Nadia Farouk spoke.\n\nMs Farouk said the review was ‘a political stitch-up from start to finish’."

        assert spoken(body) == [("nadia-farouk", "a political stitch-up from start to finish")]

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("Mr Wren said the figures were ‘deeply worrying’.", [("tobias-wren", "deeply worrying")]),
            ("Mrs Castellane admitted her failure to pass ‘the rent bill’.", [("priya-castellane", "the rent bill")]),
            ("Ms Farouk told MPs the vote would offer a ‘clear choice’.", [("nadia-farouk", "clear choice")]),
            ("Union leader Ray Colley said the offer was ‘an insult’.", []),
            ("Critics of the so-called ‘mansion tax’ met Mr Wren.", []),
            ("Mr Pryce's officials described the strike as ‘regrettable’.", []),
        ],
    )
    def test_a_short_fragment_a_cue_gives_to_a_tracked_speaker_is_their_quote(
        self, body: str, expected: list[tuple[str, str]]
    ) -> None:
        """Whatever its length, a fragment after a speech cue naming a tracked speaker is theirs; a fragment no
        cue governs, or one an untracked or someone else's speaker governs, stays a scare quote."""
        assert spoken("Tobias Wren spoke.\n\n" + body) == expected

    def test_reported_speech_without_marks_is_not_a_quote(self) -> None:
        """Words reported without quotation marks are never turned into a quote."""
        assert spoken("Helena Marsh said the rail strike would end before Christmas.") == []


class TestSpeakers:
    @pytest.mark.parametrize(
        ("body", "speaker"),
        [
            ("Speaking in Leeds, Ms Marsh said: ‘We will act.’", "helena-marsh"),
            ("‘We will act,’ said the Prime Minister.", "helena-marsh"),
            ("‘We will act,’ the PM told reporters.", "helena-marsh"),
            ("Transport Secretary Tobias Wren said: ‘We will act.’", "tobias-wren"),
            ("Ms Marsh, 52, the Prime Minister, later added: ‘We will act.’", "helena-marsh"),
            ("‘We will act,’ according to Ms Marsh.", "helena-marsh"),
            ("Mr Ellery wrote on X: ‘We will act.’", "conrad-ellery"),
            ("‘We will act,’ Mr Wren shot back.", "tobias-wren"),
            ("‘We will act,’ the health secretary said.", "gareth-pryce"),
            ("Ms Marsh has defended her record on the railways and said: ‘We will act.’", "helena-marsh"),
            ("Mrs Castellane visited a school in Bristol and told pupils: ‘We will act.’", "priya-castellane"),
            ("Mr Wren said the plan was late, adding that ‘we will act on it this spring’.", "tobias-wren"),
            ("Mr Pryce highlighted how the delays ‘have cost us billions’.", "gareth-pryce"),
            ("Mr Wren is alleged to have told the Prime Minister: ‘We will act.’", "tobias-wren"),
            ("Mr Ellery reportedly wrote to staff: ‘We will act.’", "conrad-ellery"),
            ("‘We will act,’ Mr Wren recounted at a cabinet meeting on Tuesday.", "tobias-wren"),
            ("“We will act,” Ms Marsh recounts in her memoir, published this week.", "helena-marsh"),
        ],
    )
    def test_cue_names_a_tracked_speaker(self, body: str, speaker: str) -> None:
        """A cue before or after the quote names the speaker through a mention, after titles and parentheses."""
        intro = "Helena Marsh, Tobias Wren and Conrad Ellery were in Leeds.\n\n"

        assert [person for person, _ in spoken(intro + body)] == [speaker]

    @pytest.mark.parametrize(
        "body",
        [
            "A spokesman for the Prime Minister said: ‘We will act.’",
            "The Prime Minister’s spokesman said: ‘We will act.’",
            "‘We will act,’ said a friend of Ms Marsh.",
            "Sources close to Helena Marsh said: ‘We will act.’",
            "Helena Marsh was told by officials: ‘We will act.’",
            "Mr Wren met Ray Colley and the union leader said: ‘We will act.’",
            "Helena Marsh is alleged to have been told by officials: ‘We will act.’",
            "‘We will act,’ Ms Marsh and Mr Wren said in a joint statement.",
            "Dr Sam Patel, who advises Ms Marsh, said: ‘We will act.’",
            "‘We will act,’ one volunteer recounted at the depot, as Ms Marsh listened.",
        ],
    )
    def test_someone_speaking_about_or_for_a_tracked_person_is_not_them(self, body: str) -> None:
        """A spokesman for, the office of, a friend of, a joint statement: the quote is kept, speaker unknown."""
        found = quotes_of("Helena Marsh and Tobias Wren were in Leeds.\n\n" + body)

        assert [(quote.person_id, quote.quote_text.rstrip(",.")) for quote in found] == [(None, "We will act")]

    def test_pronoun_refers_to_the_one_tracked_person_named_before(self) -> None:
        """"She said" after one tracked person is named in the paragraph is that person."""
        body = "Ms Marsh visited the depot on Monday. ‘The staff here are heroes,’ she said."

        assert spoken("Helena Marsh toured Harrowby.\n\n" + body) == [("helena-marsh", "The staff here are heroes,")]

    @pytest.mark.parametrize(
        ("body", "speaker"),
        [
            ("Nadia Farouk urged Mr Wren to apologise and backed the PM.\n\nShe told Radio 4: ‘We will act.’",
             "nadia-farouk"),
            ("Mr Pryce said Ms Farouk and Mrs Castellane were briefed.\n\nHe told LBC: ‘We will act.’", "gareth-pryce"),
            ("An aide said Ms Marsh was furious with Mrs Castellane.\n\nShe told Radio 4: ‘We will act.’", None),
            ("Tobias Wren and Gareth Pryce visited the ward.\n\nHe said: ‘We will act.’", None),
        ],
    )  # fmt: skip
    def test_a_pronoun_opening_a_paragraph_is_the_previous_ones_subject(self, body: str, speaker: str | None) -> None:
        """After a paragraph naming several people, "she" is whoever its main clause is about (the one urging),
        when the gender fits; an untracked subject ("An aide said ...") or two subjects leave it unknown."""
        assert [person for person, _ in spoken(body)] == [speaker]

    @pytest.mark.parametrize(
        ("body", "speakers"),
        [
            ("Nadia Farouk backed the plan.\n\nShe said it was costed.\n\nShe added: ‘We will act.’\n\n"
             "‘Nobody will be left out,’ she said.", ["nadia-farouk", "nadia-farouk"]),
            ("Nadia Farouk urged Mr Wren to apologise.\n\nShe said he was wrong.\n\n‘We will act,’ she said.",
             ["nadia-farouk"]),
            ("Mrs Castellane backed the plan.\n\nShe said it was costed.\n\nA councillor, Joan Avery, said it was "
             "not.\n\nShe added: ‘We will act.’", [None]),
            ("Mrs Castellane backed the plan.\n\nShe said it was costed, and Joan Avery agreed.\n\n"
             "She added: ‘We will act.’", [None]),
            ("Mr Wren backed the plan.\n\nHe said it was costed.\n\nShe added: ‘We will act.’", [None]),
            ("Ms Farouk backed the plan.\n\nShe said Mr Wren had lied.\n\nShe added: ‘We will act.’", ["nadia-farouk"]),
            ("Mr Pryce backed the plan.\n\nHe said Mr Wren had been right.\n\nHe added: ‘We will act.’", [None]),
            ("Mr Wren backed the plan.\n\nHe said it was costed.\n\nDr Holt disagreed. ‘It is not,’ he said.", [None]),
        ],
    )  # fmt: skip
    def test_a_chain_of_pronoun_paragraphs_keeps_the_first_ones_referent(
        self, body: str, speakers: list[str | None]
    ) -> None:
        """"She said ... / She added: ‘...’" keeps the person the first "she" was; someone else named in between,
        or the other gender, leaves it unknown."""
        assert [person for person, _ in spoken(body)] == speakers

    def test_an_unmarked_quote_paragraph_continues_the_reported_speech_before_it(self) -> None:
        """A quote paragraph of its own after a paragraph of someone's reported speech is theirs; after the
        reported speech of someone untracked, unknown."""
        ours = "Tobias Wren spoke in Leeds.\n\nHe said the party had changed.\n\n‘There is no doubt we listened.’"
        theirs = "Mr Wren met the unions.\n\nRay Colley said the offer was poor.\n\n‘We will not be bought off.’"

        assert spoken(ours) == [("tobias-wren", "There is no doubt we listened.")]
        assert spoken(theirs) == [(None, "We will not be bought off.")]

    @pytest.mark.parametrize(
        ("body", "speaker"),
        [
            ("Writing in the Herald, Mr Wren set out his view. ‘As our programme shows, rail must pay.’",
             "tobias-wren"),
            ("In a column for the Courier, Ms Farouk made the case for reform.\n\n‘The laws are too old.’",
             "nadia-farouk"),
            ("Writing in the Herald, a former adviser to Mr Wren set out her view. ‘He never had a plan.’", None),
            ("Writing in the Herald, Mr Wren's former adviser set out her view. ‘He never had a plan.’", None),
            ("Mr Wren visited a depot in Crewe.\n\n‘The trains are always late.’", None),
        ],
    )  # fmt: skip
    def test_a_lead_in_without_a_cue_names_the_speaker(self, body: str, speaker: str | None) -> None:
        """A sentence whose tracked subject sets out a view or writes an article gives them the quote after it;
        an adviser's view, or a sentence that introduces no words, does not."""
        assert [person for person, _ in spoken(body)] == [speaker]

    def test_a_run_on_quote_after_a_pronoun_opening_keeps_its_speaker(self) -> None:
        """Every paragraph of a quote running on after "He told them:" is his; a closing mark ends the run."""
        body = (
            "Gareth Pryce spoke in Leeds.\n\nHe said winter would be hard.\n\nHe told them: ‘We have more beds.\n\n"
            "‘We have more staff.’\n\nA nurse said staff were tired.\n\n‘We cannot go on.’"
        )

        assert [person for person, _ in spoken(body)] == ["gareth-pryce", "gareth-pryce", None]

    @pytest.mark.parametrize(
        "body",
        [
            "Ms Marsh’s spokeswoman defended her. ‘She has done nothing wrong,’ she said.",
            "Dr Sam Patel criticised Ms Marsh. ‘It is wrong,’ he said.",
            "A nurse who met Ms Marsh was unimpressed. ‘Nothing will change,’ she said.",
            "Yet Patel has changed his account. ‘I now recall it,’ he said.",
        ],
    )
    def test_pronoun_after_someone_else_is_named_is_unknown(self, body: str) -> None:
        """Anyone named after the tracked person, even an untracked one, leaves "he"/"she" unresolved."""
        assert [person for person, _ in spoken("Helena Marsh toured Harrowby.\n\n" + body)] == [None]

    def test_pronoun_with_the_other_honorific_gender_is_unknown(self) -> None:
        """"He said" cannot be Ms Marsh when she is the only one named."""
        body = "Ms Marsh spoke first. ‘We will act,’ he said."

        assert [person for person, _ in spoken("Helena Marsh toured Harrowby.\n\n" + body)] == [None]

    def test_split_quote_and_uncued_continuation_keep_the_speaker(self) -> None:
        """‘...,’ she said, ‘...’ and a following uncued quote paragraph continue the same speaker."""
        body = "‘We set those rules,’ Ms Marsh said, ‘and we keep them.’\n\n‘Nobody should doubt that.’"

        assert [person for person, _ in spoken("Helena Marsh spoke.\n\n" + body)] == ["helena-marsh"] * 3

    def test_names_inside_a_quote_are_not_its_speaker(self) -> None:
        """A tracked person named inside someone else's quote is mentioned, not speaking."""
        body = "A pensioner waited an hour. ‘I came to tell Ms Marsh what I think,’ she said."

        assert spoken("Helena Marsh toured Harrowby.\n\n" + body) == [(None, "I came to tell Ms Marsh what I think,")]

    def test_role_resolves_by_the_publication_date(self) -> None:
        """"The PM said" is whoever held the role that day (Penhallow in 2028, Marsh in 2031)."""
        text = "Headline\n\n‘We will build the homes,’ the PM said."
        extract = EXTRACTOR.extract

        assert extract(text, DETECTOR.detect(text, date(2028, 4, 1)))[0].person_id == "alistair-penhallow"
        assert extract(text, DETECTOR.detect(text, date(2031, 4, 1)))[0].person_id == "helena-marsh"


class TestSentenceIndex:
    def test_sentence_index_counts_as_the_mention_detector_does(self) -> None:
        """Every quote's sentence index is the one split_sentences gives its start, as mentions carry, whether
        counted from a mention before it or from the article's start."""
        from tests.eval.quotes.gold import load_passages

        passages = load_passages()

        for passage in passages:
            starts = [start for start, _ in split_sentences(passage.text)]
            for mentions in (DETECTOR.detect(passage.text, passage.published), []):
                for quote in EXTRACTOR.extract(passage.text, mentions):
                    expected = max(i for i, start in enumerate(starts) if start <= quote.char_start)
                    assert quote.sentence_index == expected, (passage.passage_id, quote.quote_text)


    def test_quotes_read_with_the_detectors_split_are_the_same(self) -> None:
        """Handed the sentence split the mention detector made (or one it never needed), the extractor finds the
        same quotes, speakers and sentence indexes as reading the text alone."""
        from tests.eval.quotes.gold import load_passages

        for passage in load_passages():
            alone = EXTRACTOR.extract(passage.text, DETECTOR.detect(passage.text, passage.published))
            split = SentenceSplit(passage.text)
            mentions = DETECTOR.detect(passage.text, passage.published, split)
            assert split.done or not mentions, passage.passage_id  # the detector split it to number them
            assert EXTRACTOR.extract(passage.text, mentions, split) == alone, passage.passage_id
            assert EXTRACTOR.extract(passage.text, [], SentenceSplit(passage.text)) == EXTRACTOR.extract(
                passage.text, []
            )

class TestQuoteKey:
    def test_the_same_words_fold_to_one_key(self) -> None:
        """Case, curly or straight apostrophes, accents and punctuation do not split one quote across outlets."""
        assert quote_key("We won’t back down, café or not!") == quote_key("we won't back down cafe or not.")

    def test_different_words_keep_different_keys(self) -> None:
        """Different words are different quotes."""
        assert quote_key("We will act.") != quote_key("We will not act.")

    def test_plain_ascii_punctuation_and_underscores_fold_like_any_other(self) -> None:
        """A quote in plain ASCII folds as one with curly marks or accents would: no punctuation, no underscore."""
        assert quote_key("Back_to work -- now! (Really?) #1 `x` ~y~") == "back to work now really 1 x y"
        assert quote_key("Back_to work — now! (Réally?)") == quote_key("back to work now really")


class TestSpeechCues:
    def test_shipped_cues_parse(self) -> None:
        """The shipped file lists verbs, participles, phrases and platforms."""
        cues = parse_speech_cues((PROJECT_DIR / "seeds" / "speech_cues.csv").read_text(encoding="utf-8"))

        assert "said" in cues.verbs and "adding" in cues.participles
        assert "according to" in cues.phrases and "X" in cues.platforms

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            ("word,kind\nsaid,verb\n", "missing column"),
            ("cue,kind\nsaid,noun\n", "row 1: kind must be one of"),
            ("cue,kind\nsaid,verb\nSaid,verb\n", "row 2: write cues in lower case"),
            ("cue,kind\nsaid,verb\nsaid,verb\n", "row 2: duplicate cue"),
            ("cue,kind\nX,platform\n", "no verb cues"),
        ],
    )
    def test_a_bad_cues_file_names_row_and_problem(self, text: str, problem: str) -> None:
        """A mistake in the cues file stops the run with the file, row and problem."""
        with pytest.raises(CueFileError, match=problem):
            parse_speech_cues(text, file="seeds/speech_cues.csv")

    def test_a_cue_the_team_adds_is_used(self) -> None:
        """A verb added to the file becomes a cue: "fumed" after the quote's full stop-free end names the speaker."""
        cues = parse_speech_cues("cue,kind\nsaid,verb\nfumed,verb\n")
        text = "Headline\n\nTobias Wren was in Leeds. Mr Wren fumed at length about it: ‘This is a scandal.’"

        found = QuoteExtractor(cues).extract(text, DETECTOR.detect(text, DAY))

        assert [(quote.person_id, quote.cue) for quote in found] == [("tobias-wren", "fumed")]
