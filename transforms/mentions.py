"""Find tracked people in article text: one Aho-Corasick scan, then cheap checks that make counts defensible.

The automaton runs over a lower-cased copy of the text with the same length, so its offsets index the
original. Case, word boundaries, neighbouring words, role dates and "introduced earlier in this article" are
checked on each hit afterwards; they turn a fast substring scan into counts a press officer can sign off.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import ahocorasick

from transforms.records import Mention
from transforms.sentences import split_sentences
from transforms.watchlist import NameForm, Watchlist

# Kinds that only count once the person is introduced by a stronger form in the same article.
DEPENDENT_KINDS = frozenset({"surname", "descriptor"})
# Capitalised words that may stand right before a bare surname without making it part of another name.
SURNAME_LEAD_WORDS = frozenset(
    {
        "a", "about", "after", "against", "also", "and", "as", "at", "before", "both", "but", "by", "did",
        "does", "during", "even", "for", "from", "has", "have", "how", "if", "in", "is", "like",
        "meanwhile", "not", "now", "of", "on", "only", "or", "over", "said", "says", "since", "so", "that",
        "the", "then", "though", "to", "under", "unlike", "until", "versus", "was", "what", "when", "where",
        "whether", "while", "who", "why", "with", "without", "yesterday", "today", "tonight", "asked",
        "told", "warned", "added", "minister", "secretary", "leader", "chancellor", "mp", "labour", "tory",
        "tories", "conservative", "reform", "billionaire", "activist", "later", "earlier", "instead", "still",
        "yet", "again",
    }
)  # fmt: skip
DAYS_AND_MONTHS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
     "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
)  # fmt: skip
PREFIXES = frozenset({"anti", "pro", "non", "ex", "post", "pre", "neo"})  # "anti-Musk" is still Musk
NAME_SUFFIXES = frozenset({"jr", "junior", "snr", "sr", "jnr"})  # "Donald Trump Jr" is someone else
_SUFFIX_INITIALS = frozenset("JjSs")
_SPACES = " \u00a0"
_APOSTROPHES = "'’"
_OPENERS = "\"'“‘([-—–"


@dataclass(frozen=True)
class CasePattern:
    """A form with its per-word case rule, precomputed once when the automaton is built."""

    form: NameForm
    words: tuple[tuple[int, int, str], ...]  # (start, end, shape) of each word inside the form
    lower_any: bool  # topics: lower-case seed words match any case ("Grooming Gangs" in a headline)


@dataclass(frozen=True)
class _Variant:
    """One spelling and kind under an automaton key, with every person (or role) that uses it."""

    pattern: CasePattern
    owners: tuple[str, ...]


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    owners: tuple[str, ...]  # person_ids; more than one when tracked people share a form
    kind: str


def fold(text: str) -> str:
    """Lower-case text without changing its length, so automaton offsets index the original text."""
    folded = text.lower()
    if len(folded) != len(text):  # a few characters ("İ") lower-case to two; keep those as they are
        folded = "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
    return folded.replace("’", "'").replace("\u00a0", " ")


def word_shape(word: str) -> str:
    """Case shape of a seed word: "upper" (PM), "title" (Starmer), "lower" (premier) or "other"."""
    letters = [char for char in word if char.isalpha()]
    if not letters:
        return "other"
    if len(letters) > 1 and all(char.isupper() for char in letters):
        return "upper"
    if letters[0].isupper():
        return "title"
    if all(char.islower() for char in letters):
        return "lower"
    return "other"


def compile_pattern(form: NameForm, *, lower_any: bool = False) -> CasePattern:
    """Split a form into words with the case shape each must show in the text.

    Lower-case seed words must stay lower case ("the premier", not "the Premier League") except the first
    word, which may open a sentence ("The premier"); lower_any relaxes that for topic terms.
    """
    words = tuple((match.start(), match.end(), word_shape(match.group())) for match in _WORD.finditer(form.text))
    return CasePattern(form, words, lower_any)


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def case_matches(text: str, start: int, pattern: CasePattern) -> bool:
    """Whether text[start:...] has the capitals the seed spelling asks for (ALL CAPS text always passes)."""
    if text.startswith(pattern.form.text, start):
        return True  # spelt exactly as in the seed: the common case, checked in C
    matched = text[start : start + len(pattern.form.text)]
    if matched.isupper():
        return True
    for index, (word_start, word_end, shape) in enumerate(pattern.words):
        word = text[start + word_start : start + word_end]
        if shape == "upper" and not word.isupper():
            return False
        if shape == "title" and not word[0].isupper():
            return False
        sentence_start = index == 0 and word[0].isupper() and word[1:].islower()
        if shape == "lower" and not word.islower() and not pattern.lower_any and not sentence_start:
            return False
    return True


def previous_word(text: str, start: int) -> str | None:
    """The word separated from start by exactly one space, or None after punctuation or a line start."""
    if start < 2 or text[start - 1] not in _SPACES:
        return None
    if not (text[start - 2].isalnum() or text[start - 2] in _APOSTROPHES):
        return None  # punctuation before the space ("Essex. Farage"): a new sentence or clause
    lowest = max(0, start - 40)
    begin = max(
        text.rfind(" ", lowest, start - 1), text.rfind("\n", lowest, start - 1), text.rfind("\u00a0", lowest, start - 1)
    )
    word = text[begin + 1 : start - 1].lstrip(_OPENERS)
    return word if word and word[0].isalpha() else None


def next_word(text: str, end: int) -> str | None:
    """The word separated from end by exactly one space, or None before punctuation or a line end."""
    match = _NEXT_WORD.match(text, end)
    return match.group(1) if match else None


_NEXT_WORD = re.compile(r"[ \u00a0]([^\W\d_][\w'’-]*)")


def is_titled(word: str) -> bool:
    """A capital followed by lower case: how another person's name reads ("Kimbal", "Rayner")."""
    return len(word) > 1 and word[0].isupper() and word[1].islower()


def bounded(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is whole words: not inside "O'Brien", "Cooper-Smith" or "Yaxley-Lennon"."""
    if start > 0:
        before = text[start - 1]
        if before.isalnum():
            return False
        if before in _APOSTROPHES and start > 1 and text[start - 2].isalpha():
            return False
        if before == "-" and start > 1 and text[start - 2].isalpha():
            joined = previous_hyphen_word(text, start - 1)
            if joined[:1].isupper() and joined.lower() not in PREFIXES:
                return False
    if end < len(text):
        after = text[end]
        if after.isalnum():
            return False
        if after == "-" and end + 2 < len(text) and text[end + 1].isupper() and text[end + 2].islower():
            return False
    return True


def previous_hyphen_word(text: str, hyphen: int) -> str:
    begin = hyphen
    while begin > 0 and text[begin - 1].isalpha():
        begin -= 1
    return text[begin:hyphen]


class MentionDetector:
    """Detects watchlist people in article texts; build once per run, then call detect per article."""

    def __init__(self, watchlist: Watchlist, *, descriptors: bool = True) -> None:
        self._roles = {role.role_id: role for role in watchlist.roles}
        self._negative = {
            person.person_id: _phrase_regex(person.negative_terms)
            for person in watchlist.people
            if person.negative_terms
        }
        # Forms that fold to one key and share spelling and kind are checked once, then resolved among owners.
        grouped: dict[str, dict[tuple[str, str, bool], list[str]]] = {}
        self.form_count = 0
        for form in watchlist.name_forms():
            if form.kind == "descriptor" and not descriptors:
                continue
            owners = grouped.setdefault(fold(form.text), {}).setdefault(
                (form.text, form.kind, form.first_name_only), []
            )
            if form.owner_id not in owners:
                owners.append(form.owner_id)
                self.form_count += 1
        self._automaton = ahocorasick.Automaton()
        for key, variants in grouped.items():
            compiled = tuple(
                _Variant(compile_pattern(NameForm(text, kind, owners[0], first_name_only)), tuple(owners))
                for (text, kind, first_name_only), owners in variants.items()
            )
            self._automaton.add_word(key, (len(key), compiled))
        if grouped:
            self._automaton.make_automaton()

    def detect(self, text: str, published: datetime | date | None) -> list[Mention]:
        """Every mention in text, in order; roles resolve to their holder on the publication date."""
        if not text or self._automaton.kind != ahocorasick.AHOCORASICK:
            return []
        day = published.date() if isinstance(published, datetime) else published
        headline_end = text.find("\n")
        relaxed_end = headline_end if headline_end > 0 and is_title_case(text[:headline_end]) else 0
        candidates = sorted(
            self._candidates(text, day, relaxed_end), key=lambda item: (item.start, item.start - item.end)
        )
        chosen: list[_Candidate] = []
        last_end = -1
        for candidate in candidates:
            if candidate.start >= last_end:
                chosen.append(candidate)
                last_end = candidate.end
        if not chosen:
            return []
        sentences = split_sentences(text)
        starts = [start for start, _ in sentences]
        introduced = _introductions(chosen)
        mentions: list[Mention] = []
        for candidate in chosen:
            in_headline = candidate.start < headline_end
            person_id = _resolve(candidate, introduced, in_headline)
            if person_id is None:
                continue
            index = bisect_right(starts, candidate.start) - 1
            sentence_start, sentence_end = sentences[index]
            if candidate.kind in DEPENDENT_KINDS:
                negative = self._negative.get(person_id)
                if negative is not None and negative.search(fold(text[sentence_start:sentence_end])):
                    continue
            mentions.append(
                Mention(
                    person_id=person_id,
                    matched_text=text[candidate.start : candidate.end],
                    kind=candidate.kind,
                    sentence_index=index,
                    char_start=candidate.start,
                    char_end=candidate.end,
                    snippet=text[sentence_start:sentence_end],
                )
            )
        return mentions

    def _candidates(self, text: str, day: date | None, relaxed_end: int) -> Iterator[_Candidate]:
        """Automaton hits that pass the context-free checks: boundaries, case, neighbours, role dates."""
        for end_index, (length, variants) in self._automaton.iter(fold(text)):
            end = end_index + 1
            start = end - length
            if not bounded(text, start, end):
                continue
            for variant in variants:
                if not case_matches(text, start, variant.pattern):
                    continue
                owners = self._owners(variant, text, start, end, day, start < relaxed_end)
                if owners:
                    yield _Candidate(start, end, owners, variant.pattern.form.kind)
                    break

    def _owners(
        self, variant: _Variant, text: str, start: int, end: int, day: date | None, title_case: bool
    ) -> tuple[str, ...]:
        """Who a hit may refer to, or () when its neighbours show it is someone or something else.

        In ALL CAPS or Title Case Headlines capitals say nothing about names, so neighbour checks are skipped.
        """
        form = variant.pattern.form
        kind = form.kind
        if kind in ("full", "alias"):
            if text.startswith(" ", end) and text[end + 1 : end + 2] in _SUFFIX_INITIALS:
                following = next_word(text, end)
                if following is not None and following.rstrip(".").lower() in NAME_SUFFIXES:
                    return ()
            return variant.owners
        following = next_word(text, end)
        shouting = title_case or (end - start > 1 and text[start:end].isupper())
        if kind == "surname":
            if not shouting:
                preceding = previous_word(text, start)
                if preceding is not None and preceding[0].isupper():
                    possessive = preceding.endswith(("'s", "’s"))
                    lead = preceding.lower() in SURNAME_LEAD_WORDS or preceding.lower() in DAYS_AND_MONTHS
                    if not possessive and not lead:
                        return ()
                if following is not None and is_titled(following):
                    return ()
        elif kind in ("descriptor", "role") or form.first_name_only:
            # "the Health Secretary Wes Streeting" is one full-name mention; "the premier of Ontario" is not
            runs_on = following is not None and (is_titled(following) or following == "of")
            if runs_on and not shouting:
                return ()
        if kind == "role":
            holders = [self._roles[role_id].holder_on(day) for role_id in variant.owners] if day else []
            return tuple(holder for holder in holders if holder is not None)
        return variant.owners


def _resolve(candidate: _Candidate, introduced: dict[str, int], in_headline: bool) -> str | None:
    """The one person a candidate counts for, or None.

    Surnames and descriptors need the person introduced earlier (anywhere, for a headline). A form several
    tracked people share ("Mr Phillips") goes to the one introduced most recently; full names to the first.
    """
    owners = candidate.owners
    dependent = candidate.kind in DEPENDENT_KINDS
    if len(owners) == 1 and not dependent:
        return owners[0]
    known = [
        (introduced[owner], owner)
        for owner in owners
        if owner in introduced and (in_headline or introduced[owner] <= candidate.start)
    ]
    if known:
        return max(known)[1]
    return owners[0] if candidate.kind in ("full", "alias", "role") else None


def is_title_case(line: str) -> bool:
    """Whether most longer words of a line are capitalised: "Musk Attacks Starmer Over Grooming Gangs"."""
    words = [word for word in line.split() if len(word) > 3 and word[0].isalpha()]
    return len(words) >= 3 and sum(word[0].isupper() for word in words) >= 0.8 * len(words)


def _introductions(chosen: list[_Candidate]) -> dict[str, int]:
    """Where each person is first named unambiguously by a form that introduces them (not a surname)."""
    first: dict[str, int] = {}
    for candidate in chosen:
        if candidate.kind not in DEPENDENT_KINDS and len(candidate.owners) == 1:
            first.setdefault(candidate.owners[0], candidate.start)
    return first


def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One word-bounded regex matching any of the phrases in folded text."""
    alternatives = "|".join(re.escape(fold(phrase)) for phrase in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
