"""Find tracked people in article text: one Aho-Corasick scan, then cheap checks that make counts defensible.

The automaton runs over a lower-cased copy of the text with the same length, so its offsets index the
original. Case, word boundaries, neighbouring words, role dates and "introduced earlier in this article" are
checked on each hit afterwards; they turn a fast substring scan into counts a press officer can sign off.
Role titles are read with the words around them (transforms.roles) and, when they do not name a country,
with the countries the passage is about (transforms.context).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import ahocorasick

from transforms.context import Cue, CueIndex, CueScanner
from transforms.jurisdictions import office_of
from transforms.matching import (
    CasePattern,
    bounded,
    case_matches,
    compile_pattern,
    fold,
    is_titled,
    next_word,
    previous_word,
)
from transforms.records import Mention
from transforms.roles import TitleReading, qualifier_before, read_title, sentence_initial
from transforms.sentences import SentenceSplit, snippet
from transforms.watchlist import NameForm, Role, Watchlist

__all__ = [
    "CasePattern",
    "MentionDetector",
    "bounded",
    "case_matches",
    "compile_pattern",
    "fold",
    "is_titled",
    "next_word",
]

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
# Words before a month-named surname that make it the month: "in May", "last May", "since May".
DATE_LEAD_WORDS = frozenset(
    {"in", "on", "since", "until", "till", "by", "from", "to", "through", "during", "early", "mid", "late", "last",
     "next", "this", "of", "between", "every", "each", "that"}
)  # fmt: skip
# Capitalised words that cannot continue a person's name: "Blair Labour's longest-serving PM" is Blair.
NOT_NAME_WORDS = frozenset(
    {"pm", "mp", "mps", "prime", "minister", "president", "chancellor", "secretary", "leader", "party", "government",
     "says", "said", "has", "is", "was", "to", "will", "would", "and", "or", "but", "in", "on", "at", "for", "of",
     "the", "as", "vs", "v", "conservative", "conservatives", "democratic", "democrats", "liberal", "liberals",
     "socialist", "unionist", "nationalist", "administration", "campaign", "camp", "allies", "aides"}
)  # fmt: skip
# Surnames that are everyday English words: opening a sentence ("Brown envelopes were found", "Major changes
# followed"), their capital says nothing, so there they count only when a verb or punctuation follows.
COMMON_WORD_SURNAMES = frozenset(
    {
        "brown", "green", "white", "black", "grey", "gray", "young", "little", "long", "short", "rich", "strong",
        "sharp", "sweet", "good", "bright", "swift", "wise", "hardy", "noble", "best", "major", "bold", "may",
        "march", "cook", "baker", "mason", "fisher", "hunter", "butler", "porter", "turner", "shepherd", "farmer",
        "potter", "weaver", "miller", "carpenter", "wood", "woods", "field", "fields", "hill", "hills", "brook",
        "brooks", "rivers", "lake", "stone", "rose", "bush", "rice", "straw", "reed", "marsh", "heath", "bell",
        "hunt", "cross", "lord", "king", "prince", "bishop", "knight", "page", "frost", "snow", "winter",
        "summers", "day", "hope", "price", "cash", "pound", "banks", "hall", "wall", "castle", "church", "lane",
        "ford", "bridges", "gates", "rush", "swan", "fox", "wolf", "lamb", "bird", "drake", "burns", "wells",
        "ball", "cannon", "case", "nash", "chase", "rock", "cole", "land", "north", "west", "south",
    }
)  # fmt: skip
# Words after a sentence-opening common-word surname that show a person acts: "Brown said", "Major, who".
VERB_WORDS = frozenset(
    {
        "said", "says", "has", "had", "have", "is", "was", "will", "would", "could", "can", "did", "does",
        "told", "tells", "added", "adds", "insisted", "insists", "argued", "argues", "claimed", "claims",
        "warned", "warns", "announced", "announces", "admitted", "admits", "denied", "denies", "urged",
        "urges", "wrote", "writes", "replied", "replies", "spoke", "speaks", "went", "goes", "made", "makes",
        "also", "then", "later", "himself", "herself", "must", "should", "may", "might", "wants", "wanted",
    }
)  # fmt: skip
NAME_SUFFIXES = frozenset({"jr", "junior", "snr", "sr", "jnr"})  # "Donald Trump Jr" is someone else
_OPENING_WORDS = frozenset({"the", "a", "an", "this", "that", "these", "those", "after", "before", "in", "at", "on"})
KEY_POINT_BULLETS = ("• ", "- ", "* ", "– ", "· ")
KEY_POINTS_LABEL_WORDS = 4  # "Key points:", "What we know so far:"
CAPTION_WORDS = 14  # a line this short without a full stop is a headline, crosshead or caption
_SUFFIX_INITIALS = frozenset("JjSs")
_NUMBER_AFTER = re.compile(r"[ \u00a0,]*\d")
_CAPITALISED_RUN = re.compile(r"[ \u00a0]((?:[A-Z][\w.]*)(?:[ \u00a0][A-Z][\w.]*){0,2})")
_NUMBER_BEFORE = re.compile(r"\d(?:st|nd|rd|th)?(?: of)?[ \u00a0]+$")
_LINE_BREAK = re.compile("\n")
_SENTENCE_PUNCTUATION = (".", "!", "?", ":", ";", ",", '"', "”", "’", "'")


@dataclass(frozen=True)
class _Variant:
    """One spelling and kind under an automaton key, with every person (or role) that uses it."""

    pattern: CasePattern
    owners: tuple[str, ...]
    word: str = ""  # "month" or "common" for a surname that is also a month or an everyday word


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    owners: tuple[str, ...]  # person_ids; more than one when tracked people share a form; role ids if pending
    kind: str
    reading: TitleReading | None = None  # a role title still to resolve by context and date
    title: str = ""  # the title's text, for its office
    dependent: bool = False  # counts only for someone introduced earlier ("the former prime minister")
    role_id: str = ""  # a title used before a holder's surname ("President Obama"): that role
    named_by: int = -1  # a dependent title may also take a name given later, up to here ("the then PM ... Mr Blair")
    hit: int = 0  # where the automaton matched, before the reading took in "the former" and the like


@dataclass
class _Article:
    """What detect learns about one text as it goes: its lines, and its country cues once needed."""

    text: str
    day: date | None
    lines: dict[int, tuple[int, bool, bool]] = field(default_factory=dict)  # start -> (end, headline, title case)
    cues: CueIndex | None = None
    folded: str = ""  # fold(text), made once: per-sentence checks search it in place instead of copying
    breaks: list[int] = field(default_factory=list)  # where each line break is: a lookup, not a scan per hit

    def __post_init__(self) -> None:
        self.folded = fold(self.text)
        self.breaks = [match.start() for match in _LINE_BREAK.finditer(self.text)]

    def line_at(self, position: int) -> tuple[int, int, bool, bool]:
        """(start, end, headline-like, title case) of the line holding position."""
        index = bisect_right(self.breaks, position - 1)  # breaks before position
        start = self.breaks[index - 1] + 1 if index > 0 else 0
        known = self.lines.get(start)
        if known is None:
            end = self.breaks[index] if index < len(self.breaks) else len(self.text)
            line = self.text[start:end].strip()
            headline = start == 0 or (len(line.split()) <= CAPTION_WORDS and not line.endswith(_SENTENCE_PUNCTUATION))
            known = (end, headline, is_title_case(line) or (line.isupper() and len(line) > 3))
            self.lines[start] = known
        return (start, *known)


class MentionDetector:
    """Detects watchlist people in article texts; build once per run, then call detect per article."""

    def __init__(self, watchlist: Watchlist, *, descriptors: bool = True) -> None:
        self._roles = {role.role_id: role for role in watchlist.roles}
        self._role_office = {
            role.role_id: next((office for office in map(office_of, role.titles) if office), "")
            for role in watchlist.roles
        }
        self._jurisdictions = watchlist.jurisdictions
        self._negative = {
            person.person_id: _phrase_regex(person.negative_terms)
            for person in watchlist.people
            if person.negative_terms
        }
        self._people_roles: dict[str, tuple[Role, ...]] = {}
        for role in watchlist.roles:
            if role.jurisdiction:
                for person_id in {holder.person_id for holder in role.holders}:
                    self._people_roles[person_id] = (*self._people_roles.get(person_id, ()), role)
        titles = [title for role in watchlist.roles for title in role.titles]
        self._context = (
            CueScanner(watchlist.jurisdictions, titles) if any(r.jurisdiction for r in watchlist.roles) else None
        )
        self._not_name = (
            NOT_NAME_WORDS
            | DAYS_AND_MONTHS
            | {fold(cue) for jurisdiction in watchlist.jurisdictions for cue in jurisdiction.cues if " " not in cue}
        )
        # Forms that fold to one key and share spelling and kind are checked once, then resolved among owners.
        grouped: dict[str, dict[tuple[str, str, bool, str, str, bool], list[str]]] = {}
        self.form_count = 0
        for form in watchlist.name_forms():
            if form.kind == "descriptor" and not descriptors:
                continue
            spelling = (form.text, form.kind, form.first_name_only, form.role_id, form.qualifier, form.bare)
            owners = grouped.setdefault(fold(form.text), {}).setdefault(spelling, [])
            if form.owner_id not in owners:
                owners.append(form.owner_id)
                self.form_count += 1
        self._surnames = frozenset(form.text for form in watchlist.name_forms() if form.kind == "surname")
        self._automaton = ahocorasick.Automaton()
        for key, variants in grouped.items():
            compiled = tuple(
                _Variant(
                    compile_pattern(NameForm(text, kind, owners[0], first_name_only, role_id, qualifier, bare)),
                    tuple(owners),
                    _word_kind(text) if kind == "surname" else "",
                )
                for (text, kind, first_name_only, role_id, qualifier, bare), owners in sorted(
                    variants.items(), key=lambda item: (not item[0][5], not item[0][3])
                )
            )
            self._automaton.add_word(key, (len(key), compiled))
        if grouped:
            self._automaton.make_automaton()

    def _surname_pair(self, text: str, start: int, end: int) -> bool:
        """Two tracked surnames joined by a hyphen ("the Starmer-Trump talks") are two people, not one
        double-barrelled name ("Cooper-Hughes", "Yaxley-Lennon" stay one name)."""
        neighbour = _hyphen_neighbour(text, start, end)
        if neighbour is None or neighbour not in self._surnames or text[start:end] not in self._surnames:
            return False
        compound = start - 1 - len(neighbour) if text[start - 1] == "-" else start
        first = previous_word(text, compound)  # "Sarah Cooper-Musk": a first name makes it one person's name
        return first is None or not is_titled(first) or first.lower() in _OPENING_WORDS

    def detect(self, text: str, published: datetime | date | None, split: SentenceSplit | None = None) -> list[Mention]:
        """Every mention in text, in order; roles resolve to their holder on the publication date. A split
        shared with the later stages (split) is split here when a mention needs its sentence, and kept."""
        if split is not None:
            split.check(text)
        if not text or self._automaton.kind != ahocorasick.AHOCORASICK:
            return []
        day = published.date() if isinstance(published, datetime) else published
        article = _Article(text, day)
        headline_end = text.find("\n")
        summary_end = _key_points_end(text, headline_end)
        relaxed_end = headline_end if headline_end > 0 and is_title_case(text[:headline_end]) else 0
        # The longest hit wins where hits start together ("President Obama" over "President").
        candidates = sorted(self._candidates(article, relaxed_end), key=_hit_order)
        chosen: list[_Candidate] = []
        last_end = -1
        for candidate in candidates:
            if candidate.start >= last_end:
                chosen.append(candidate)
                last_end = candidate.end
        if not chosen:
            return []
        split = split if split is not None else SentenceSplit(text)
        sentences = split.spans()
        starts = split.starts()
        for candidate in chosen:
            if candidate.reading is not None:
                self._resolve_title(candidate, article, chosen, sentences, starts)
        introduced = _introductions(chosen)
        mentions: list[Mention] = []
        for candidate in chosen:
            in_headline = candidate.start < summary_end  # the headline and a key-points list under it
            person_id = _resolve(candidate, introduced, in_headline)
            if person_id is None:
                continue
            index = bisect_right(starts, candidate.start) - 1
            sentence_start, sentence_end = sentences[index]
            if candidate.kind in DEPENDENT_KINDS:
                negative = self._negative.get(person_id)
                if negative is not None and negative.search(article.folded, sentence_start, sentence_end):
                    continue
            mentions.append(
                Mention(
                    person_id=person_id,
                    matched_text=text[candidate.start : candidate.end],
                    kind="role" if candidate.kind == "title" else candidate.kind,
                    sentence_index=index,
                    char_start=candidate.start,
                    char_end=candidate.end,
                    snippet=snippet(text, sentences[index], candidate.start, candidate.end),
                )
            )
        return mentions

    def _candidates(self, article: _Article, relaxed_end: int) -> Iterator[_Candidate]:
        """Automaton hits that pass the context-free checks: boundaries, case, neighbours, role dates."""
        text = article.text
        for end_index, (length, variants) in self._automaton.iter(article.folded):
            end = end_index + 1
            start = end - length
            if not bounded(text, start, end) and not self._surname_pair(text, start, end):
                continue
            for variant in variants:
                if not case_matches(text, start, variant.pattern):
                    continue
                form = variant.pattern.form
                if form.kind == "title":
                    reading = self._read_title(article, start, end, form)
                    if reading is not None:
                        yield _Candidate(
                            reading.start, reading.end, variant.owners, "title", reading, text[start:end], hit=start
                        )
                        break
                    continue
                owners = self._owners(variant, article, start, end, start < relaxed_end)
                if owners and form.kind == "role" and owners[0] in self._roles:
                    reading = TitleReading(start, end, "", None, bare=False)
                    yield _Candidate(start, end, owners, "title", reading, _bare_title(form.text), False, "", -1, start)
                    break
                if owners:
                    if form.role_id:  # "President Bush" with two Bushes still to tell apart: needs an introduction
                        yield _Candidate(
                            start, end, owners, form.kind, None, "", len(owners) > 1, form.role_id, -1, start
                        )
                    else:
                        yield _Candidate(start, end, owners, form.kind, None, "", False, "", -1, start)
                    break

    def _read_title(self, article: _Article, start: int, end: int, form: NameForm) -> TitleReading | None:
        """A title hit read in its sentence; None when it is generic, another office or someone's name."""
        _, _, headline, title_case = article.line_at(start)
        reading = read_title(
            article.text,
            start,
            end,
            headline=headline and form.bare,
            title_case=title_case,
            country_of=self._country_of,
            is_name_word=self._is_name_word,
        )
        if reading is None or article.day is None:
            return None
        return reading

    def _country_of(self, phrase: str) -> str | None:
        return self._context.country_of(phrase) if self._context is not None else None

    def _starts_country(self, text: str, end: int) -> bool:
        """Whether the capitalised words after end name a country or its institution ("Obama White House")."""
        words = _CAPITALISED_RUN.match(text, end)
        if words is None or self._context is None:
            return False
        parts = words.group(1).split()
        return any(self._context.country_of(" ".join(parts[:size])) for size in range(len(parts), 0, -1))

    def _is_name_word(self, word: str) -> bool:
        """Whether a capitalised word may continue a person's name (not a day, a country, a party or a title)."""
        bare = word.removesuffix("'s").removesuffix("’s").rstrip(".,;:")
        return fold(bare) not in self._not_name and fold(bare) not in SURNAME_LEAD_WORDS

    def _owners(
        self,
        variant: _Variant,
        article: _Article,
        start: int,
        end: int,
        title_case: bool,
    ) -> tuple[str, ...]:
        """Who a hit may refer to, or () when its neighbours show it is someone or something else.

        In ALL CAPS or Title Case Headlines capitals say nothing about names, so neighbour checks are skipped.
        """
        text, day = article.text, article.day
        form = variant.pattern.form
        kind = form.kind
        if kind in ("full", "alias"):
            if text.startswith(" ", end) and text[end + 1 : end + 2] in _SUFFIX_INITIALS:
                following = next_word(text, end)
                if following is not None and following.rstrip(".").lower() in NAME_SUFFIXES:
                    return ()
            return variant.owners
        if form.role_id:
            return self._title_name_owners(variant, text, start, day)
        following = next_word(text, end)
        shouting = title_case or (end - start > 1 and text[start:end].isupper())
        if kind == "surname":
            if variant.word == "month" and _is_date(text, start, end):
                return ()  # "in May", "May 2017": the month, not Theresa May
            common_word = bool(variant.word) and not title_case and sentence_initial(text, start)
            if common_word and not _acts(text, end) and not article.line_at(start)[2]:
                return ()  # "Brown envelopes were found": the colour opening a sentence
            if not shouting:
                preceding = previous_word(text, start)
                if preceding is not None and preceding[0].isupper():
                    possessive = preceding.endswith(("'s", "’s"))
                    lead = preceding.lower() in SURNAME_LEAD_WORDS or preceding.lower() in DAYS_AND_MONTHS
                    if not possessive and not lead:
                        return ()
                if (
                    following is not None
                    and is_titled(following)
                    and self._is_name_word(following)
                    and not self._starts_country(text, end)
                ):
                    return ()
        elif kind in ("descriptor", "role") or form.first_name_only:
            # "the Health Secretary Wes Streeting" is one full-name mention; "the premier of Ontario" is not
            runs_on = following is not None and (is_titled(following) or following == "of")
            if runs_on and not shouting:
                return ()
        if kind == "role":
            if day is not None and self._roles[variant.owners[0]].jurisdiction:
                return variant.owners  # role ids: a form of a role with a country still goes through the context rule
            holders = [self._roles[role_id].holder_on(day) for role_id in variant.owners] if day else []
            return tuple(holder for holder in holders if holder is not None)
        return variant.owners

    def _title_name_owners(self, variant: _Variant, text: str, start: int, day: date | None) -> tuple[str, ...]:
        """Who "President Obama", "former Prime Minister Blair" or "President-elect Obama" names, by role dates.

        owners are the role's holders with that surname; the title's time (held that day, before it, or
        about to be) picks among them, and a title none of them fits that day names nobody we track.
        """
        form = variant.pattern.form
        qualifier = form.qualifier or qualifier_before(text, start)
        if qualifier is None:
            return ()  # "Deputy Prime Minister Clegg": another office
        owners = variant.owners
        if day is None:
            return owners
        role = self._roles[form.role_id]
        if qualifier == "elect":
            elect = role.elect_on(day)
            return (elect,) if elect in owners else ()
        if qualifier == "former":
            return tuple(person for person in role.former_holders(day) if person in owners)
        past = tuple(person for person in role.holders_until(day) if person in owners)
        holder = role.holder_on(day)
        if qualifier == "" and holder in owners:
            return (holder,)
        return past  # "President Trump" in 2023 is the former president; "Prime Minister Blair" in 1990 nobody

    def _resolve_title(
        self,
        candidate: _Candidate,
        article: _Article,
        chosen: list[_Candidate],
        sentences: list[tuple[int, int]],
        starts: list[int],
    ) -> None:
        """Turn a role title into its holder (or the people it may mean), by country, date and qualifier."""
        reading = candidate.reading
        day = article.day
        assert reading is not None and day is not None
        roles = [self._roles[role_id] for role_id in candidate.owners]
        jurisdiction = reading.country
        if jurisdiction is None:
            jurisdiction = self._jurisdiction_from_context(candidate, roles, article, chosen, sentences, starts)
        matching = [role for role in roles if role.jurisdiction == jurisdiction or not role.jurisdiction]
        if jurisdiction is not None and not any(role.jurisdiction == jurisdiction for role in roles):
            matching = []  # another country's office that the watchlist does not track
        candidate.owners = ()
        if not matching:
            return
        role = matching[0]
        if reading.qualifier == "elect":
            elect = role.elect_on(day)
            candidate.owners = (elect,) if elect else ()
        elif reading.qualifier in ("former", "then"):
            candidate.owners = role.former_holders(day) if reading.qualifier == "former" else role.holders_until(day)
            candidate.dependent = True
            candidate.named_by = article.line_at(candidate.start)[1]  # the end of its paragraph
        else:
            holder = role.holder_on(day)
            candidate.owners = (holder,) if holder else ()

    def _jurisdiction_from_context(
        self,
        candidate: _Candidate,
        roles: list[Role],
        article: _Article,
        chosen: list[_Candidate],
        sentences: list[tuple[int, int]],
        starts: list[int],
    ) -> str | None:
        """The country the passage around a title is about (transforms.context), or None for roles without one."""
        home = roles[0].jurisdiction
        office = office_of(candidate.title)
        if not home or office is None or self._context is None:
            return home or None
        competitors = frozenset(
            jurisdiction.jurisdiction_id
            for jurisdiction in self._jurisdictions
            if jurisdiction.has_office(office) and jurisdiction.jurisdiction_id != home
        ) | frozenset(role.jurisdiction for role in roles[1:])
        if article.cues is None:
            article.cues = CueIndex(self._context.scan(article.text) + self._holder_cues(chosen, article.day))
        index = bisect_right(starts, candidate.start) - 1
        sentence = sentences[index] if index >= 0 else (0, 0)
        return article.cues.decide(candidate.start, sentence, office, home, competitors)

    def _holder_cues(self, chosen: list[_Candidate], day: date | None) -> list[Cue]:
        """Tracked people named unambiguously who hold or held a country's office: a cue for that country.

        An article naming Tony Blair is about British politics whatever year it was written; one naming the
        prime minister of the day ("Theresa May", "President Obama") has named that office itself.
        """
        cues = []
        for candidate in chosen:
            role = self._roles.get(candidate.role_id)
            if role is not None and role.jurisdiction:  # "President Obama" names the office, and its country
                cues.append(Cue(candidate.start, role.jurisdiction, self._role_office.get(role.role_id)))
            elif candidate.kind in ("full", "alias", "honorific") and len(candidate.owners) == 1:
                person_id = candidate.owners[0]
                held: dict[str, set[str]] = {}
                for role in self._people_roles.get(person_id, ()):
                    offices = held.setdefault(role.jurisdiction, set())
                    if day is not None and role.holder_on(day) == person_id and self._role_office[role.role_id]:
                        offices.add(self._role_office[role.role_id])
                cues += [Cue(candidate.start, country, holds=frozenset(held[country])) for country in sorted(held)]
        return cues


def _hit_order(candidate: _Candidate) -> tuple[int, int]:
    return (candidate.hit, candidate.hit - candidate.end)


def _resolve(candidate: _Candidate, introduced: dict[str, int], in_headline: bool) -> str | None:
    """The one person a candidate counts for, or None.

    Surnames and descriptors need the person introduced earlier (anywhere, for a headline). A form several
    tracked people share ("Mr Phillips") goes to the one introduced most recently; full names to the first.
    """
    owners = candidate.owners
    dependent = candidate.kind in DEPENDENT_KINDS or candidate.dependent
    if len(owners) == 1 and not dependent:
        return owners[0]
    limit = max(candidate.start, candidate.named_by)
    known = [
        (introduced[owner], owner)
        for owner in owners
        if owner in introduced and (in_headline or introduced[owner] <= limit)
    ]
    if known:
        return max(known)[1]
    return owners[0] if owners and not dependent and candidate.kind in ("full", "alias", "role") else None


def _bare_title(form: str) -> str:
    """ "PM" from a typed form "the PM", for the office it names."""
    return form[4:] if form.lower().startswith("the ") else form


def _word_kind(surname: str) -> str:
    """ "month" for May or June, "common" for Brown or Hunt (also a month: both apply), else ""."""
    folded = fold(surname)
    if folded in DAYS_AND_MONTHS:
        return "month"
    return "common" if folded in COMMON_WORD_SURNAMES else ""


def _acts(text: str, end: int) -> bool:
    """Whether what follows a sentence-opening surname shows a person: punctuation, a possessive or a verb."""
    if end >= len(text) or text[end] in ",;:)'’-—–.":
        return True
    following = next_word(text, end)
    return following is not None and (following.lower() in VERB_WORDS or following.lower().endswith("ed"))


def _is_date(text: str, start: int, end: int) -> bool:
    """Whether a month-named word is the month: "in May", "last May", "8 May", "May 2017", "May 8"."""
    if _NUMBER_AFTER.match(text, end) or _NUMBER_BEFORE.search(text, max(0, start - 12), start):
        return True
    preceding = previous_word(text, start)
    return preceding is not None and preceding.lower() in DATE_LEAD_WORDS


def is_title_case(line: str) -> bool:
    """Whether most longer words of a line are capitalised: "Musk Attacks Starmer Over Grooming Gangs"."""
    words = [word for word in line.split() if len(word) > 3 and word[0].isalpha()]
    return len(words) >= 3 and sum(word[0].isupper() for word in words) >= 0.8 * len(words)


def _hyphen_neighbour(text: str, start: int, end: int) -> str | None:
    """The one word hyphen-joined to text[start:end] ("Starmer-Trump"), or None (no hyphen, or a longer chain)."""
    before = start > 1 and text[start - 1] == "-"
    after = end + 1 < len(text) and text[end] == "-"
    if before == after:
        return None
    if before:
        if end < len(text) and (text[end].isalnum() or text[end] in "'’"):
            return None
        begin = start - 1
        while begin > 0 and text[begin - 1].isalpha():
            begin -= 1
        if begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "-'’"):
            return None
        return text[begin : start - 1]
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'’"):
        return None
    stop = end + 1
    while stop < len(text) and text[stop].isalpha():
        stop += 1
    if stop < len(text) and (text[stop].isalnum() or text[stop] == "-"):
        return None
    return text[end + 1 : stop]


def _key_points_end(text: str, headline_end: int) -> int:
    """Where the body starts after the headline and a bulleted key-points list right under it ("• Waiting lists
    down under Streeting"), whose surnames, like the headline's, the body introduces later; headline_end if none."""
    if headline_end < 0:
        return headline_end
    position = headline_end
    end = headline_end
    while position < len(text):
        line_end = text.find("\n", position + 1)
        line_end = len(text) if line_end < 0 else line_end
        line = text[position:line_end].strip()
        if line.startswith(KEY_POINT_BULLETS):
            end = line_end
        elif line and not (line.endswith(":") and len(line.split()) <= KEY_POINTS_LABEL_WORDS):
            break
        position = line_end
    return end


def _introductions(chosen: list[_Candidate]) -> dict[str, int]:
    """Where each person is first named unambiguously by a form that introduces them (not a surname)."""
    first: dict[str, int] = {}
    for candidate in chosen:
        if candidate.kind not in DEPENDENT_KINDS and not candidate.dependent and len(candidate.owners) == 1:
            first.setdefault(candidate.owners[0], candidate.start)
    return first


def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One word-bounded regex matching any of the phrases in folded text."""
    alternatives = "|".join(re.escape(fold(phrase)) for phrase in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
