"""Each article is its own failure domain in detection: a step that raises on one text costs that step's rows of
that article only, and says so in the article's note."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flows import quoting, seeds
from flows.detection import Detectors, detect_text
from transforms.mentions import MentionDetector
from transforms.quotes import QuoteExtractor
from transforms.records import Mention
from transforms.sentences import SentenceSplit
from transforms.topics import TopicDetector

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
WHEN = datetime(2026, 12, 7, 12, tzinfo=UTC)
TEXT = 'Keir Starmer set out the NHS plan on Monday. "We will cut waiting lists," Sir Keir said.'


class FailsOnMarker(MentionDetector):
    """The real detector, failing on texts carrying a marker: a stand-in for a bug no test has found yet."""

    def detect(self, text: str, published_at: datetime, split: SentenceSplit | None = None) -> list[Mention]:
        if "MARKER" in text:
            raise RuntimeError("matcher state broken\nsecond line not shown")
        return super().detect(text, published_at, split)


def build(mentions: type[MentionDetector] = MentionDetector) -> tuple[Detectors, QuoteExtractor]:
    watchlist = seeds.load_watchlist(SEEDS)
    cues = quoting.load_speech_cues(SEEDS)
    return Detectors(mentions(watchlist), TopicDetector(watchlist), cues), QuoteExtractor(cues)


class TestEachArticleIsItsOwnFailureDomain:
    def test_a_step_that_raises_loses_only_its_own_rows_and_says_so(self) -> None:
        """Mentions fail on this one text: its topics (and its quotes, without tracked speakers) are still
        detected, and its note names the failure in one line; the next article is detected in full."""
        detectors, extractor = build(FailsOnMarker)

        broken = detect_text(TEXT + " MARKER", WHEN, detectors, extractor)
        healthy = detect_text(TEXT, WHEN, detectors, extractor)

        assert broken.mentions == ()
        assert broken.topic_mentions
        assert [topic.topic_id for topic in broken.topic_mentions] == [t.topic_id for t in healthy.topic_mentions]
        assert broken.note == "mentions not detected: RuntimeError: matcher state broken"
        assert {mention.person_id for mention in healthy.mentions} == {"keir-starmer"}
        assert healthy.quotes and healthy.note == ""

    def test_the_ordinary_detectors_give_the_same_rows_as_before(self) -> None:
        """The guard changes nothing when nothing fails."""
        detectors, extractor = build()

        found = detect_text(TEXT, WHEN, detectors, extractor)

        assert [mention.person_id for mention in found.mentions] == [
            mention.person_id for mention in detectors.mentions.detect(TEXT, WHEN)
        ]
        assert found.note == ""
