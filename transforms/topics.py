"""Find tracked topics in article text with one automaton, the same way mentions.py finds people.

A term may mark a [focus] ("posts on [X]"): the whole phrase must match but only the focus is recorded, so
the platform X counts in "posts on X" and never in "X-ray" or "Generation X". A topic with co-terms counts
only in sentences that also contain one of them ("interference" needs "election", "foreign", ...).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import ahocorasick

from transforms.mentions import (
    CasePattern,
    bounded,
    case_matches,
    compile_pattern,
    fold,
    is_titled,
    next_word,
)
from transforms.records import TopicMention
from transforms.sentences import SentenceSplit, snippet
from transforms.watchlist import NameForm, Watchlist

_FOCUS = re.compile(r"\[([^\[\]]+)\]")


@dataclass(frozen=True)
class _Term:
    topic_id: str
    pattern: CasePattern
    focus_start: int  # offsets of the recorded part inside the phrase
    focus_end: int
    single_letter: bool  # "X": hyphens join it to a word ("X-ray") and a following name ends it ("X Factor")


class TopicDetector:
    """Detects watchlist topics in article texts; build once per run, then call detect per article."""

    def __init__(self, watchlist: Watchlist) -> None:
        self._co_terms = {
            topic.topic_id: re.compile(
                "(?<!\\w)(?:" + "|".join(re.escape(fold(term)) for term in topic.co_terms) + ")(?!\\w)"
            )
            for topic in watchlist.topics
            if topic.co_terms
        }
        grouped: dict[str, list[_Term]] = {}
        for topic in watchlist.topics:
            for raw in topic.term_forms():
                focus = _FOCUS.search(raw)
                phrase = _FOCUS.sub(lambda match: match.group(1), raw)
                focus_start, focus_end = (focus.start(), focus.end() - 2) if focus else (0, len(phrase))
                pattern = compile_pattern(NameForm(phrase, "topic", topic.topic_id), lower_any=True)
                term = _Term(topic.topic_id, pattern, focus_start, focus_end, focus_end - focus_start == 1)
                grouped.setdefault(fold(phrase), []).append(term)
        self._automaton = ahocorasick.Automaton()
        for key, terms in grouped.items():
            self._automaton.add_word(key, (len(key), tuple(terms)))
        if grouped:
            self._automaton.make_automaton()

    def detect(self, text: str, split: SentenceSplit | None = None) -> list[TopicMention]:
        """Every topic mention in text, in order; of overlapping hits only the longest phrase counts. The text
        is split into sentences only when a hit needs one (split: shared with the other stages)."""
        if split is not None:
            split.check(text)
        if not text or self._automaton.kind != ahocorasick.AHOCORASICK:
            return []
        hits: list[tuple[int, int, int, int, str]] = []  # phrase start, end, focus start, end, topic
        folded = fold(text)  # once: co-terms are searched in it in place, sentence by sentence
        for end_index, (length, terms) in self._automaton.iter(folded):
            end = end_index + 1
            start = end - length
            if not bounded(text, start, end):
                continue
            for term in terms:
                if self._accepts(term, text, start, end):
                    hits.append((start, end, start + term.focus_start, start + term.focus_end, term.topic_id))
        # Longest phrase wins across topics: "Independent Inquiry into Child Sexual Abuse" is one inquiry hit.
        hits.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
        kept: dict[tuple[str, int, int], None] = {}
        last_end = -1
        for start, end, focus_start, focus_end, topic_id in hits:
            if start >= last_end:
                kept[(topic_id, focus_start, focus_end)] = None
                last_end = end
        mentions: list[TopicMention] = []
        if not kept:
            return mentions
        split = split if split is not None else SentenceSplit(text)
        sentences, starts = split.spans(), split.starts()
        for topic_id, start, end in sorted(kept, key=lambda key: (key[1], key[0])):
            index = bisect_right(starts, start) - 1
            sentence_start, sentence_end = sentences[index]
            co_terms = self._co_terms.get(topic_id)
            if co_terms is not None and not co_terms.search(folded, sentence_start, sentence_end):
                continue
            mentions.append(
                TopicMention(
                    topic_id=topic_id,
                    matched_text=text[start:end],
                    sentence_index=index,
                    char_start=start,
                    char_end=end,
                    snippet=snippet(text, sentences[index], start, end),
                )
            )
        return mentions

    @staticmethod
    def _accepts(term: _Term, text: str, start: int, end: int) -> bool:
        """Case and neighbour checks for one term at one place."""
        if not case_matches(text, start, term.pattern):
            return False
        if term.single_letter:
            focus_start, focus_end = start + term.focus_start, start + term.focus_end
            if focus_start > 0 and text[focus_start - 1] == "-":
                return False
            if focus_end < len(text) and text[focus_end] == "-":
                return False
            following = next_word(text, focus_end)
            if following is not None and is_titled(following):
                return False
        return True
