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
from transforms.sentences import SentenceSplit
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
    limits.max_chars of text and kept to limits.max_occurrences rows per subject: the run and backfill alike.

    Each article is its own failure domain: whatever one step raises on this text costs that step's rows of this
    article only, said in the note (stored in articles.error), never the batch; a backfill re-derives it later."""
    limits = detectors.limits
    read = bounds.detection_text(text, limits.max_chars)
    split = SentenceSplit(read)  # split once, by the first step that needs it, and read by the others
    failures: list[str] = []
    found: list[Mention] = []
    mentions: list[Mention] = []
    topic_mentions: list[TopicMention] = []
    quotes: list[Quote] = []
    people_over: dict[str, int] = {}
    topics_over: dict[str, int] = {}
    try:
        found = list(detectors.mentions.detect(read, published_at, split))
        mentions, people_over = bounds.first_occurrences(found, person_of, limits.max_occurrences)
    except Exception as error:
        failures.append(failure_note("mentions", error))
    try:
        topic_mentions, topics_over = bounds.first_occurrences(
            detectors.topics.detect(read, split), lambda topic: topic.topic_id, limits.max_occurrences
        )
    except Exception as error:
        failures.append(failure_note("topics", error))
    try:
        quotes = list(extractor.extract(read, found, split))
    except Exception as error:
        failures.append(failure_note("quotes", error))
    note = detection_note(len(text), len(read), {**topics_over, **people_over}, limits)
    return Detected(tuple(mentions), tuple(topic_mentions), tuple(quotes), "; ".join(filter(None, [note, *failures])))


def person_of(mention: Mention) -> str:
    return mention.person_id


def failure_note(step: str, error: Exception) -> str:
    """One line naming what failed on this article (the first line of the message, kept short)."""
    message = (str(error).splitlines() or [""])[0][:200]
    return f"{step} not detected: {type(error).__name__}: {message}"


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


