"""Which country a passage is about, for role titles that do not say: the context rule, in one place.

The rule (the README explains it in these words): a title that does not name its country ("the prime
minister", "PM", "the president") refers to the office last named for a particular country earlier in the
article ("Israel's prime minister", "the French president", "President Obama"), unless that country qualifies
another title in the title's own sentence ("the Canadian leader pressed the prime minister"), which makes it
a contrast. With no such earlier reference, a title whose sentence names the role's own country is that
country's; failing that, the country the article names most often wins: by its name or adjective, capital,
institutions or parties, or a tracked person who holds or held one of its offices (twice for whoever holds
this very office that day). Only countries with such an office compete (Washington never takes "the prime
minister" from London) and ties go to the role's own country. The title then counts for that country's holder
on the publication date if the watchlist tracks the office, and for nobody otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from transforms.jurisdictions import OFFICE_OF_TITLE, Jurisdiction
from transforms.matching import CasePattern, bounded, case_matches, compile_pattern, fold
from transforms.watchlist import NameForm

ANY_OFFICE = "*"  # "the Israeli leader" may be any of its offices


@dataclass(frozen=True)
class Cue:
    """A place in the text that names a jurisdiction, and the office it qualifies ("Israeli [prime minister]")."""

    offset: int
    jurisdiction: str
    qualifies: str | None = None  # an office from OFFICES, ANY_OFFICE, "" for another title, None for none
    holds: frozenset[str] = frozenset()  # offices the person named here holds that day ("Theresa May" in 2017)


class CueScanner:
    """Finds the words that name a country in a text; built once per watchlist."""

    def __init__(self, jurisdictions: Sequence[Jurisdiction], title_words: Iterable[str] = ()) -> None:
        self._automaton = ahocorasick.Automaton()
        grouped: dict[str, list[tuple[str, CasePattern]]] = {}
        for jurisdiction in jurisdictions:
            for cue in jurisdiction.cues:
                pattern = compile_pattern(NameForm(cue, "cue", jurisdiction.jurisdiction_id))
                grouped.setdefault(fold(cue), []).append((jurisdiction.jurisdiction_id, pattern))
        for key, entries in grouped.items():
            self._automaton.add_word(key, (len(key), tuple(entries)))
        if grouped:
            self._automaton.make_automaton()
        titles = sorted({*OFFICE_OF_TITLE, *(fold(word) for word in title_words), "leader"}, key=len)
        alternatives = "|".join(re.escape(title) for title in reversed(titles))
        # "the Israeli prime minister", "Israel's PM", "president of France": the cue qualifies a title.
        self._qualifies_next = re.compile(rf"(?:'s|’s)?[ \u00a0-]({alternatives})(?![\w])", re.IGNORECASE)
        self._qualified_by_previous = re.compile(rf"({alternatives}) of (?:the )?$", re.IGNORECASE)

    def country_of(self, phrase: str) -> str | None:
        """The jurisdiction a whole word or phrase names ("U.S.", "Israeli", "the United States"), or None."""
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return None
        entry = self._automaton.get(fold(phrase), None)
        if entry is None:
            return None
        _, entries = entry
        for jurisdiction_id, pattern in entries:
            if case_matches(phrase, 0, pattern):
                return str(jurisdiction_id)
        return None

    def scan(self, text: str) -> list[Cue]:
        """Every country cue in text, leftmost-longest, leaving out those that qualify another title."""
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return []
        hits: list[tuple[int, int, str]] = []
        shared: dict[int, tuple[str, ...]] = {}  # start -> every jurisdiction a shared word names ("Labour")
        for end_index, (length, entries) in self._automaton.iter(fold(text)):
            end = end_index + 1
            start = end - length
            if not bounded(text, start, end):
                continue
            named = tuple(str(j) for j, pattern in entries if case_matches(text, start, pattern))
            if named:
                hits.append((start, end, named[0]))
                if len(named) > 1:
                    shared[start] = named
        if shared:
            hits = _settle_shared(hits, shared)
        hits.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
        cues: list[Cue] = []
        last_end = -1
        for start, end, jurisdiction_id in hits:
            if start < last_end:
                continue
            last_end = end
            title = self._qualifies_next.match(text, end) or self._qualified_by_previous.search(
                text, max(0, start - 40), start
            )
            cues.append(Cue(start, jurisdiction_id, _office(title.group(1)) if title else None))
        return cues


def _settle_shared(hits: list[tuple[int, int, str]], shared: dict[int, tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """A word several countries share ("Labour") names the one of them the text names otherwise, if just one;
    else the first listed, as before (UK copy that says "Labour" and nothing else stays British)."""
    plain = {jurisdiction for start, _, jurisdiction in hits if start not in shared}
    settled = []
    for start, end, jurisdiction in hits:
        if start in shared:
            named = [candidate for candidate in shared[start] if candidate in plain]
            jurisdiction = named[0] if len(named) == 1 else jurisdiction
        settled.append((start, end, jurisdiction))
    return settled


def _office(title: str) -> str:
    """The office a qualified title names: one of OFFICES, ANY_OFFICE for "leader", "" for any other title."""
    folded = " ".join(title.lower().split())
    return ANY_OFFICE if folded == "leader" else OFFICE_OF_TITLE.get(folded, "")


def decide(
    position: int,
    sentence: tuple[int, int],
    office: str,
    home: str,
    competitors: frozenset[str],
    cues: Sequence[Cue],
) -> str:
    """The jurisdiction a title of office at position belongs to (see the module docstring).

    sentence: the title's sentence span; competitors: the other jurisdictions that have the office; cues: from
    CueScanner.scan plus the tracked office holders named in the text.
    """
    return CueIndex(cues).decide(position, sentence, office, home, competitors)


class CueIndex:
    """One article's cues, arranged so that deciding a title costs lookups, not a pass over every cue: a page
    with thousands of titles beside thousands of country names took minutes (issue 24.2). Build once per text."""

    def __init__(self, cues: Sequence[Cue]) -> None:
        self._cues = sorted(cues, key=lambda cue: cue.offset)
        self._offsets = [cue.offset for cue in self._cues]
        self._by_jurisdiction: dict[str, list[Cue]] = {}
        self._qualifying: dict[tuple[str, str], list[int]] = {}  # (jurisdiction, office it qualifies) -> offsets
        for cue in self._cues:
            self._by_jurisdiction.setdefault(cue.jurisdiction, []).append(cue)
            if cue.qualifies is not None:
                self._qualifying.setdefault((cue.jurisdiction, cue.qualifies), []).append(cue.offset)
        self._weights: dict[tuple[str, str], int] = {}

    def decide(
        self, position: int, sentence: tuple[int, int], office: str, home: str, competitors: frozenset[str]
    ) -> str:
        """The rule of the module docstring, in its order: an earlier reference to the office, the title's
        own sentence, then the country named most often."""
        low, high = bisect_left(self._offsets, sentence[0]), bisect_left(self._offsets, sentence[1])
        in_sentence = self._cues[low:high]
        contrasted = {cue.jurisdiction for cue in in_sentence if cue.qualifies is not None and cue.jurisdiction != home}
        eligible = sorted(({home} | competitors) - contrasted)
        latest: tuple[int, str] | None = None
        for jurisdiction in eligible:
            for qualifies in (office, ANY_OFFICE):
                offsets = self._qualifying.get((jurisdiction, qualifies), [])
                before = bisect_left(offsets, position) - 1
                if before >= 0 and (latest is None or offsets[before] > latest[0]):
                    latest = (offsets[before], jurisdiction)
        if latest is not None:
            return latest[1]
        if any(cue.jurisdiction == home and _names(cue, office) for cue in in_sentence):
            return home
        counts: Counter[str] = Counter()
        for jurisdiction in eligible:
            weight = self._weight(jurisdiction, office)
            if weight:
                counts[jurisdiction] = weight
        return _most_named(counts, home) if counts else home

    def _weight(self, jurisdiction: str, office: str) -> int:
        """How often the article names a jurisdiction for an office: each cue once, twice for the office's holder."""
        key = (jurisdiction, office)
        if key not in self._weights:
            self._weights[key] = sum(
                2 if office in cue.holds else 1
                for cue in self._by_jurisdiction.get(jurisdiction, ())
                if _names(cue, office)
            )
        return self._weights[key]


def _names(cue: Cue, office: str) -> bool:
    """A cue names its country for an office when it qualifies no title, or that office, or any office."""
    return cue.qualifies is None or cue.qualifies in (office, ANY_OFFICE)


def _most_named(counts: Counter[str], home: str) -> str:
    """The most often named jurisdiction; home wins ties."""
    best = max(counts.values())
    if counts.get(home, 0) == best:
        return home
    return min(j for j, count in counts.items() if count == best)
