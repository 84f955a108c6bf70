"""Quality gate for quote extraction: exact quote spans and speaker attribution on our annotated passages.

Like the mention gate, the floors are what the extractor scored when they were pinned minus an explicit noise
margin, and never below the issue's floors (attribution precision 0.95, recall 0.85; exact span F1 0.85). Speakers
are fictional people of tests/eval/quotes/seeds, resolved through the real MentionDetector and the shipped speech
cues. Run with -s to see the table per pattern.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.eval.quotes.gold import SEEDS, GoldQuote, QuotePassage, load_passages, unmark
from transforms.mentions import MentionDetector
from transforms.quotes import QuoteExtractor, parse_speech_cues
from transforms.records import Quote
from transforms.watchlist import WATCHLIST_FILES, Watchlist, parse_watchlist

PROJECT_SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NOISE_MARGIN = 0.02  # tolerated drop before the gate fails; widen only with a note in docs/decisions.md
ISSUE_FLOORS = {"span_f1": 0.85, "attribution_precision": 0.95, "attribution_recall": 0.85}
# Pinned on the 125-passage set (220 quotes, 150 by tracked people, 2026-12-07). Known misses, all speaker unknown
# rather than wrong: a feature headline's quote whose subject only the story names, and the answers of a Q&A.
MEASURED = {"span_f1": 1.000, "attribution_precision": 1.000, "attribution_recall": 0.980}


@dataclass
class Score:
    """Counts for spans (exact offsets) and for attribution (a quote's tracked speaker)."""

    span_hits: int = 0
    span_found: int = 0
    span_expected: int = 0
    speaker_right: int = 0
    speaker_given: int = 0
    speaker_expected: int = 0

    @property
    def span_f1(self) -> float:
        precision = self.span_hits / self.span_found if self.span_found else 1.0
        recall = self.span_hits / self.span_expected if self.span_expected else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def attribution_precision(self) -> float:
        return self.speaker_right / self.speaker_given if self.speaker_given else 1.0

    @property
    def attribution_recall(self) -> float:
        return self.speaker_right / self.speaker_expected if self.speaker_expected else 1.0


def overlapping(quote: Quote, gold: tuple[GoldQuote, ...]) -> GoldQuote | None:
    """The gold quote a found quote overlaps, so a speaker is judged apart from a span slip."""
    return next((item for item in gold if item.start < quote.char_end and quote.char_start < item.end), None)


def score_passage(passage: QuotePassage, found: list[Quote], score: Score) -> None:
    """Add one passage's spans and speakers to the score.

    Attribution: a found quote with a tracked speaker is right when it overlaps a gold quote of that speaker;
    a tracked speaker on something that is not a quote, or on another person's words, counts against precision.
    """
    spans = {(quote.char_start, quote.char_end) for quote in found}
    expected = {(item.start, item.end) for item in passage.quotes}
    score.span_hits += len(spans & expected)
    score.span_found += len(spans)
    score.span_expected += len(expected)
    for quote in found:
        if quote.person_id is None:
            continue
        score.speaker_given += 1
        gold = overlapping(quote, passage.quotes)
        score.speaker_right += gold is not None and gold.speaker == quote.person_id
    score.speaker_expected += sum(1 for item in passage.quotes if item.speaker is not None)


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return parse_watchlist({name: (SEEDS / name).read_text(encoding="utf-8") for name in WATCHLIST_FILES})


@pytest.fixture(scope="module")
def passages() -> list[QuotePassage]:
    return load_passages()


@pytest.fixture(scope="module")
def scores(watchlist: Watchlist, passages: list[QuotePassage]) -> dict[str, Score]:
    """Scores overall and per pattern tag, printed as a table."""
    detector = MentionDetector(watchlist)
    extractor = QuoteExtractor(parse_speech_cues((PROJECT_SEEDS / "speech_cues.csv").read_text(encoding="utf-8")))
    by_tag: dict[str, Score] = {"overall": Score()}
    for passage in passages:
        found = extractor.extract(passage.text, detector.detect(passage.text, passage.published))
        for tag in ("overall", *passage.tags):
            score_passage(passage, found, by_tag.setdefault(tag, Score()))
    print(f"\n{'pattern':<26}{'quotes':>7}{'span F1':>9}{'attr P':>8}{'attr R':>8}")
    for tag, score in sorted(by_tag.items()):
        print(
            f"{tag:<26}{score.span_expected:>7}{score.span_f1:>9.3f}"
            f"{score.attribution_precision:>8.3f}{score.attribution_recall:>8.3f}"
        )
    return by_tag


class TestAnnotatedSet:
    def test_set_is_large_and_covers_the_traps(self, passages: list[QuotePassage]) -> None:
        """At least 60 quotes, and every pattern and trap the issue names appears in several passages."""
        tags = Counter(tag for passage in passages for tag in passage.tags)

        assert sum(len(passage.quotes) for passage in passages) >= 60
        for tag in (
            "curly-single", "curly-double", "straight-double", "cue-before", "cue-after", "split", "multi-paragraph",
            "social", "pronoun", "scare", "title", "untracked-nearby", "nested", "spokesman", "partial", "headline",
        ):  # fmt: skip
            assert tags[tag] >= 2, tag

    def test_gold_offsets_index_the_plain_text(self, passages: list[QuotePassage]) -> None:
        """Every gold span computed from the markup slices back to its marked words."""
        assert all(passage.text[item.start : item.end] == item.text for passage in passages for item in passage.quotes)

    def test_markup_is_removed_and_offsets_shift(self) -> None:
        """Markers vanish from the text and later spans account for the markers before them."""
        text, quotes = unmark("‘<<a-b|Yes,>>’ she said. ‘<<?|No.>>’")

        assert text == "‘Yes,’ she said. ‘No.’"
        assert [(item.speaker, item.start, item.end) for item in quotes] == [("a-b", 1, 5), (None, 18, 21)]

    def test_quoted_speakers_are_fictional(self, watchlist: Watchlist, passages: list[QuotePassage]) -> None:
        """No gold speaker and no person of the eval watchlist is a person of the shipped (real) watchlist."""
        shipped = parse_watchlist(
            {name: (PROJECT_SEEDS / name).read_text(encoding="utf-8") for name in WATCHLIST_FILES}
        )
        real_ids = {person.person_id for person in shipped.people}
        real_surnames = {person.surname for person in shipped.people}
        speakers = {item.speaker for passage in passages for item in passage.quotes if item.speaker}

        assert speakers <= {person.person_id for person in watchlist.people}
        assert not speakers & real_ids
        assert not {person.surname for person in watchlist.people} & real_surnames


class TestQuoteQuality:
    @pytest.mark.parametrize("metric", ["span_f1", "attribution_precision", "attribution_recall"])
    def test_overall_stays_above_floor(self, scores: dict[str, Score], metric: str) -> None:
        """Span F1 and attribution precision and recall stay within the noise margin of the pinned figures and
        above the issue's floors."""
        floor = max(ISSUE_FLOORS[metric], MEASURED[metric] - NOISE_MARGIN)

        assert getattr(scores["overall"], metric) >= floor

    @pytest.mark.parametrize("tag", ["spokesman", "untracked-nearby", "pronoun-blocked", "precision-trap"])
    def test_traps_never_put_words_in_a_tracked_mouth(self, scores: dict[str, Score], tag: str) -> None:
        """In the passages built as traps, no quote is attributed to the wrong tracked person."""
        assert scores[tag].attribution_precision == 1.0
