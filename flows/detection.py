"""Detection of one article's text within the run's bounds: the matchers a run builds once, and what they found.

The run's detect stage (stages.py) and the backfill and watchlist re-derivation (backfill.py) both read text
through `detect_text`, so a stored article is re-derived under the same limits it was first detected with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flows.config import DetectionSettings
from transforms import bounds
from transforms.mentions import MentionDetector
from transforms.quotes import QuoteExtractor, SpeechCues
from transforms.records import Mention, Quote, TopicMention
from transforms.topics import TopicDetector


@dataclass(frozen=True)
class Detectors:
    """The run's matchers, built once from the watchlist and the speech cues and used for every batch, and the
    bounds on what they read of one article."""

    mentions: MentionDetector
    topics: TopicDetector
    cues: SpeechCues | None = None
    limits: DetectionSettings = field(default_factory=DetectionSettings)



@dataclass(frozen=True)
class Detected:
    """What detection found in one text, within the run's limits, and what it left out ("" for nothing)."""

    mentions: tuple[Mention, ...]
    topic_mentions: tuple[TopicMention, ...]
    quotes: tuple[Quote, ...]
    note: str



def detect_text(text: str, published_at: datetime, detectors: Detectors, extractor: QuoteExtractor) -> Detected:
    """Mentions, topic mentions and quotes (speakers resolved through the mentions) read in at most
    limits.max_chars of text and kept to limits.max_occurrences rows per subject: the run and backfill alike."""
    limits = detectors.limits
    read = bounds.detection_text(text, limits.max_chars)
    found = detectors.mentions.detect(read, published_at)
    mentions, people_over = bounds.first_occurrences(found, lambda mention: mention.person_id, limits.max_occurrences)
    topic_mentions, topics_over = bounds.first_occurrences(
        detectors.topics.detect(read), lambda topic: topic.topic_id, limits.max_occurrences
    )
    return Detected(
        tuple(mentions),
        tuple(topic_mentions),
        tuple(extractor.extract(read, found)),
        detection_note(len(text), len(read), {**topics_over, **people_over}, limits),
    )


def detection_note(length: int, read: int, over: Mapping[str, int], limits: DetectionSettings) -> str:
    """What detection left out of one article, in words, or "" when it read and kept everything."""
    said = []
    if read < length:
        said.append(
            f"detection read the first {read:,} of {length:,} characters "
            f"(PRESSWATCH_DETECT_MAX_CHARS={limits.max_chars:,})"
        )
    if over:
        found = ", ".join(f"{subject} {count:,}" for subject, count in sorted(over.items()))
        said.append(
            f"kept the first {limits.max_occurrences:,} rows per person or topic (found {found}; "
            f"PRESSWATCH_DETECT_MAX_OCCURRENCES)"
        )
    return "; ".join(said)


