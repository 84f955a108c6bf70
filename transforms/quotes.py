"""Quotes in article text: the words an article puts in someone's mouth, where they sit, and who said them.

Rules rather than a model, written for newsroom copy in general:
- Quotation marks are paired inside a paragraph: British single marks (‘...’, whose closing mark is also the
  apostrophe), American double marks, curly or straight, guillemets. A mark of the other kind inside a quote is a
  nested quote and stays part of it. A quote left open at a paragraph's end continues when the next paragraph opens
  with the same mark (how a quote runs over several paragraphs).
- A quote counts when its surroundings present it as speech: a speech cue after it (‘...,’ the PM said) or before
  it (Sir Keir said: ‘...’), a colon, a paragraph of its own, or a long clause inside reported speech. Scare quotes,
  short fragments inside reported speech (called the plan ‘a gimmick’) and titles (the report, titled ‘...’;
  ‘Get It Done’) are not quotes.
- The speaker is the noun phrase the cue names. It is a tracked person only when that phrase is a mention the
  detector found (its public output), possibly after a title ("Health Secretary Wes Streeting"), and never the
  object of a preposition or a possessive ("a spokesman for the Prime Minister", "the PM's spokesman"). "He" and
  "she" refer back only to one tracked person with nobody else named since (the paragraph's, the previous one's
  subject, or the first of a chain of pronoun paragraphs); a quote without a cue continues the quote or reported
  speech just before it, or follows a lead-in ("Writing in the Herald, Mr X set out his view."). Anything else is
  kept, speaker unknown.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import NamedTuple

from transforms.records import Mention, Quote
from transforms.sentences import SentenceSplit, literal_first_matches
from transforms.watchlist import SeedError

CUE_KINDS = ("verb", "participle", "phrase", "platform")
CUE_COLUMNS = ("cue", "kind")
# A clause inside reported speech counts as a quote from this many words (shorter ones are scare quotes).
MIN_PARTIAL_WORDS = 6
# Words between a cue and its speaker, at most: "Dr Jane Holt, a consultant at the hospital in Leeds, said".
MAX_SPEAKER_WORDS = 14
MAX_TITLE_PREFIX_WORDS = 6
# Words between a cue and the mark it introduces: "told the BBC's Today programme:" (more: reported speech).
MAX_CUE_OBJECT_WORDS = 6
# "Tobias Wren set out his vision for the railways:" introduces his words; longer clauses are narration.
MAX_COLON_CLAUSE_WORDS = 10
# ‘...,’ Mr Colley shot back: a speaker and a verb the cues file does not list, ending the sentence.
MAX_UNLISTED_CUE_WORDS = 5

PRONOUNS = {"he": "male", "she": "female"}
# Words of a sentence that introduces someone's words without a cue verb: "Writing in the Herald, Mr Wren set out
# his view." The quote after it is theirs; a sentence without one ("Mr Wren visited a ward.") may lead to anyone's.
LEAD_IN_WORDS = frozenset(
    {"view", "views", "case", "vision", "argument", "position", "thoughts", "writing", "article", "column", "op-ed"}
)
MALE_HONORIFICS = frozenset({"mr", "sir", "lord", "baron"})
FEMALE_HONORIFICS = frozenset({"ms", "mrs", "miss", "dame", "lady", "baroness"})
PREPOSITIONS = frozenset(
    {
        "for", "of", "to", "with", "by", "from", "at", "on", "in", "near", "about", "behind", "under", "alongside",
        "against", "like", "around", "among", "between", "towards", "toward", "without", "within", "beside",
        "besides", "including", "representing", "via", "into", "onto", "over", "than", "close",
    }
)  # fmt: skip
CONJUNCTIONS = frozenset({"and", "or", "but", "nor", "&"})
# "known as ‘...’", "called it ‘...’": a trigger word, then one of these, then the mark.
TITLE_ARTICLES = frozenset({"the", "a", "an", "it", "them", "him", "her", "as", "this", "its", "his", "their"})
RELATIVES = frozenset({"who", "whom", "whose", "which", "that", "where", "when"})
# A word after a quote that goes on with the sentence rather than naming a speaker: "‘a gimmick’ and said ...".
NOT_SUBJECT_OPENERS = CONJUNCTIONS | PREPOSITIONS | RELATIVES
# Words that may sit between a speaker and the cue verb ("Ms Vane later added", "he has since said").
ADVERBS = frozenset(
    {
        "also", "later", "then", "has", "had", "have", "previously", "once", "again", "earlier", "recently",
        "repeatedly", "simply", "today", "yesterday", "tonight", "subsequently", "further", "separately",
        "publicly", "privately", "himself", "herself", "themselves", "reportedly", "would", "will", "could", "may",
        "might", "must", "should", "did", "does", "do", "since", "even", "still",
        "just", "now", "only", "first", "instead", "too", "however", "though",
    }
)  # fmt: skip
# After "said Ms Vane", the speaker phrase ends at these words: "said Ms Vane in a statement".
SPEAKER_ENDS = PREPOSITIONS | RELATIVES | CONJUNCTIONS | frozenset(
    {"during", "after", "before", "while", "as", "adding", "speaking", "told", "last", "this", "yesterday",
     "today", "tonight", "on", "earlier", "later", "when", "who", "outside", "inside"}
)  # fmt: skip
# Words right before a quote that make it a name rather than speech: dubbed ‘...’, known as ‘...’.
TITLE_VERBS = frozenset(
    {
        "called", "titled", "entitled", "dubbed", "named", "nicknamed", "branded", "labelled", "labeled", "termed",
        "coined", "so-called", "known", "chanting", "chanted", "reading", "headlined",
    }
)  # fmt: skip
# Nouns that name a work or a scheme: the book ‘...’, the slogan ‘...’ (a title when the quote is short or Title Case).
TITLE_NOUNS = frozenset(
    {
        "hashtag", "slogan", "motto", "operation", "film", "book", "documentary", "series", "programme", "program",
        "show", "podcast", "song", "album", "novel", "play", "musical", "campaign", "phrase", "term", "word", "words",
        "headline", "banner", "tagline", "magazine", "newspaper", "column", "scheme", "initiative", "project",
        "report", "review", "strategy", "plan", "policy", "bill", "act", "manifesto", "petition", "group", "brand",
        "label", "sign", "placard", "poster", "banners", "signs", "placards", "posters", "chant", "chants",
        "episode", "article", "essay", "memo", "pamphlet", "anthem", "game", "nickname", "app",
    }
)  # fmt: skip
TITLE_SHORT_WORDS = 5
# More words than any test on a quote's words looks at: Title Case is 8 words at most, the counts stop at 6.
WORDS_ENOUGH = 9
WORDS_WINDOW = 80  # characters that usually hold more than WORDS_ENOUGH words (read further when they do not)
# Singular nouns for people: one named after the tracked person blocks "he"/"she" from reaching back past them.
PERSON_NOUNS = frozenset(
    {
        "spokesman", "spokeswoman", "spokesperson", "aide", "adviser", "advisor", "source", "official", "friend",
        "ally", "colleague", "resident", "campaigner", "witness", "woman", "man", "girl", "boy", "mother",
        "father", "wife", "husband", "daughter", "son", "sister", "brother", "lawyer", "barrister", "solicitor",
        "doctor", "nurse", "teacher", "researcher", "analyst", "professor", "councillor", "chairman", "chairwoman",
        "chair", "executive", "boss", "founder", "survivor", "victim", "volunteer", "expert", "economist",
        "pollster", "critic", "supporter", "opponent", "officer", "manager", "director", "leader", "minister",
        "mp", "secretary", "president", "mayor", "chief", "judge", "inspector", "commissioner", "landlord",
        "owner", "worker", "member", "representative", "negotiator", "organiser", "organizer", "coordinator",
        "activist", "author", "writer", "journalist", "reporter", "presenter", "host", "interviewer", "partner",
        "neighbour", "neighbor", "parent", "student", "patient", "paramedic", "porter", "headteacher",
        "vicar", "priest", "bishop", "donor", "candidate", "voter", "shopkeeper", "farmer", "driver", "trustee",
    }
)  # fmt: skip
HONORIFIC_WORDS = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "baroness", "baron", "prof",
        "professor", "cllr", "councillor", "rev", "reverend", "father", "judge", "justice", "inspector", "sgt",
        "sergeant", "det", "chief", "captain", "capt", "general", "gen", "colonel", "col", "president", "senator",
        "sen", "rep", "governor", "gov", "mayor", "king", "queen", "prince", "princess", "rabbi", "imam",
    }
)  # fmt: skip
OPENING_MARKS = "“\"‘'«"
CLOSING_FOR = {"“": '”"', '"': '"”', "«": "»", "‘": "’'", "'": "'’"}
SINGLE_MARKS = "‘'"
SPACES = " \t\u00a0"
SPACES_COMMA = SPACES + ","
PARAGRAPH_OPENING = SPACES + "—–-•"  # what may come before a quote that opens its paragraph
# Punctuation inside the quote's end that lets a cue follow in the same sentence: ‘...,’ she said.
CONTINUING_PUNCTUATION = ",!?…—–-"

# A mark that opens a quote: a word follows it (no space), and a straight or single mark does not close a word
# ("don't", a closing mark without its opener) nor open a decade ("the ’90s"); a straight ' opens a word or an
# ellipsis. One pattern per mark, opening with it as a literal: the engine skips to the next such mark in a tight
# loop, where a class or a choice of marks costs a test per character (a quarter of the time); finds are merged.
_OPENERS = (
    ("“", re.compile("“(?=[^ \t\u00a0])")),
    ("«", re.compile("«(?=[^ \t\u00a0])")),
    ('"', re.compile('"(?<![^\\W_]")(?=[^ \t\u00a0])')),
    ("‘", re.compile("‘(?<![^\\W_]‘)(?!\\d0s\\b)(?=[^ \t\u00a0])")),
    ("'", re.compile("'(?<![^\\W_]')(?!\\d0s\\b)(?=[^\\W_]|[….])")),
)
_SPACES_RUN = re.compile("[ \t\u00a0]*")
_ANY_MARK = re.compile("[\"'“”‘’«»]")
_LINE = re.compile(r"[^\n]*[^\s][^\n]*")  # a line with something on it
_TOKEN = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*['’]?|[^\w\s]")
# Possessive (++, *+): nothing follows a word in the pattern, so giving back characters never finds another match;
# the engine skips the bookkeeping for it (a quarter faster, and words are read around every quote).
_WORD = re.compile(r"[^\W_]++(?:['’\-][^\W_]++)*+")
_DECADE = re.compile(r"\d0s\b")
_INDEFINITE = re.compile(r"\b(?:A|An|One)\s+[a-z]")
_FOLD_DROP = re.compile(r"[^\w\s]|_")
# _FOLD_DROP by one translate for ASCII punctuation and newsroom marks (dashes, curly marks, ellipsis, guillemets;
# a no-break space is a space): a quote holding nothing else needs no pattern and no Unicode normalisation.
_PUNCTUATION = {code: " " for code in range(128) if not (chr(code).isalnum() or chr(code).isspace())} | {
    ord(char): " " for char in "—–“”‘…«»\u00a0"
}
_ALNUM = re.compile(r"[^\W_]")  # exactly the characters str.isalnum accepts
_CLAUSE_STOP = re.compile(r"[;:!?.]")
# Reported hearsay between a speaker and the cue: "is alleged to have told", "reportedly wrote".
_HEARSAY = re.compile(
    r"[ \u00a0]+(?:(?:is|was|are|were)[ \u00a0]+(?:alleged|said|reported|understood|believed|thought)[ \u00a0]+to"
    r"[ \u00a0]+have|allegedly|reportedly)[ \u00a0]+$"
)
_DOUBLE_CLOSING = re.compile("[”\"»]")
_SINGLE_ANY = re.compile("[‘’']")


class CueFileError(SeedError):
    """A problem in the speech cues file, located by file and row."""


@dataclass(frozen=True)
class SpeechCues:
    """The reported-speech cues a team lists in seeds/speech_cues.csv."""

    verbs: tuple[str, ...]  # said, told, wrote on, pointed out: the speaker is next to them
    participles: tuple[str, ...]  # adding, saying: the sentence's subject is the speaker
    phrases: tuple[str, ...]  # according to: the speaker follows
    platforms: tuple[str, ...]  # X, Facebook: "wrote on X" records the platform with the cue


def parse_speech_cues(text: str, *, file: str = "speech_cues.csv") -> SpeechCues:
    """The cues from the CSV text (columns cue, kind; kind one of verb, participle, phrase, platform)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in CUE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise CueFileError(file, None, f"missing column(s): {', '.join(missing)}")
    found: dict[str, list[str]] = {kind: [] for kind in CUE_KINDS}
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(reader, start=1):
        cue = " ".join((row.get("cue") or "").split())
        kind = (row.get("kind") or "").strip()
        if not cue and not kind:
            continue
        if not cue or not any(char.isalpha() for char in cue):
            raise CueFileError(file, number, "cue must be a word or phrase")
        if kind not in CUE_KINDS:
            raise CueFileError(file, number, f"kind must be one of {', '.join(CUE_KINDS)}, got {kind!r}")
        if kind != "platform" and cue != cue.lower():
            raise CueFileError(file, number, f"write cues in lower case, as they appear mid-sentence: {cue!r}")
        if (cue, kind) in seen:
            raise CueFileError(file, number, f"duplicate cue {cue!r}")
        seen.add((cue, kind))
        found[kind].append(cue)
    if not found["verb"]:
        raise CueFileError(file, None, "no verb cues listed (said, told, ...)")
    return SpeechCues(
        verbs=tuple(found["verb"]),
        participles=tuple(found["participle"]),
        phrases=tuple(found["phrase"]),
        platforms=tuple(found["platform"]),
    )


def quote_key(text: str) -> str:
    """The quote's words folded: lower case, no accents or punctuation, single spaces ("Don’t!" -> "dont")."""
    folded = text.casefold().replace("’", "").replace("'", "")
    folded = folded.translate(_PUNCTUATION)
    if folded.isascii():  # most quotes
        return " ".join(folded.split())
    folded = _FOLD_DROP.sub(" ", folded)
    if not folded.isascii():  # accents: "café" and "cafe" are one word
        folded = unicodedata.normalize("NFKD", folded)
        # The accents are dropped by one translate: each distinct character is tested once, not every character
        accents = [ord(char) for char in set(folded) if unicodedata.combining(char)]
        if accents:
            folded = folded.translate(dict.fromkeys(accents))
    return " ".join(folded.split())


@dataclass(slots=True)
class _Segment:
    """One stretch between quotation marks inside one paragraph."""

    opener: int  # index of the opening mark
    closer: int | None  # index of the closing mark; None when it runs to the paragraph's end
    start: int  # the quoted words, trimmed of spaces
    end: int
    paragraph: int
    continues: bool = False  # continues the previous paragraph's open quote
    words: list[str] | None = None  # its first quoted words, read once (see _Article._words_of)


class _Clause(NamedTuple):
    """The words naming a speaker next to a cue (a tuple: made for most quotes, and a frozen dataclass costs three
    times as much to make)."""

    start: int
    end: int
    cue: str | None
    speaker_first: bool  # "Ms Vane said" (True) or "said Ms Vane" (False)


class _Speaker(NamedTuple):
    person_id: str | None
    speaker: str | None
    cue: str | None
    attribution: str


_UNKNOWN = _Speaker(None, None, None, "none")


class QuoteExtractor:
    """Finds quotes and their speakers in article texts; build once per run, then call extract per article."""

    def __init__(self, cues: SpeechCues) -> None:
        self.cues = cues
        verbs = sorted({*cues.verbs, *cues.phrases, *cues.participles}, key=len, reverse=True)
        # Lower case as listed; "According to" may open a sentence. Cues are grouped by their first letter, which
        # opens each branch, so the search skips in C to where a cue can start (longest first within a letter).
        groups: dict[str, list[str]] = {}
        for cue in [*verbs, "According to"]:
            groups.setdefault(cue[0], []).append(re.escape(cue[1:]).replace(r"\ ", r"\s+"))
        branches = "|".join(
            f"{re.escape(first)}(?<![\\w’'-]{re.escape(first)})(?:{'|'.join(rests)})" for first, rests in groups.items()
        )
        self._cue = re.compile(f"(?:{branches})(?![\\w’'-])")
        self._phrases = frozenset(cues.phrases)
        self._participles = frozenset(cues.participles)
        platforms = sorted(cues.platforms, key=len, reverse=True)
        self._platform = (
            re.compile(rf"\s+on\s+(?:{'|'.join(re.escape(p) for p in platforms)})(?![\w’'-])") if platforms else None
        )
        self._cue_words = frozenset(word for cue in verbs for word in cue.split())

    def extract(self, text: str, mentions: Sequence[Mention], split: SentenceSplit | None = None) -> list[Quote]:
        """Every quote in the text, in order, with its speaker resolved through the given mentions. The sentence
        split the mention detector made of this text (split) is read instead of splitting again."""
        if split is not None:
            split.check(text)
        if not any(mark in text for mark in OPENING_MARKS):  # five scans in C, faster than a class at every character
            return []
        return _Article(self, text, mentions, split if split is not None else SentenceSplit(text)).quotes()


class _Article:
    """One extraction: the article's paragraphs, quote segments and mentions, walked once in order."""

    def __init__(self, extractor: QuoteExtractor, text: str, mentions: Sequence[Mention], split: SentenceSplit) -> None:
        self.x = extractor
        self.text = text
        self.split = split  # the whole text's sentences, as the mention detector numbers them
        starts = [mention.char_start for mention in mentions]
        ordered = all(low <= high for low, high in pairwise(starts))
        self.mentions = list(mentions) if ordered else sorted(mentions, key=lambda mention: mention.char_start)
        self.mention_starts = [mention.char_start for mention in self.mentions]
        self.paragraphs = [line.span() for line in _LINE.finditer(text)]
        self.paragraph_starts = [start for start, _ in self.paragraphs]
        self.segments = self._segments()
        self.segment_starts = [segment.opener for segment in self.segments]
        self._paragraph_sentences: dict[int, list[tuple[int, int]]] = {}
        self._chain: dict[tuple[int, str], str | None] = {}  # a pronoun paragraph's referent, read once
        self.speakers: dict[int, _Speaker] = {}  # segment index -> speaker
        self.accepted: list[int] = []

    # --- quotation marks ------------------------------------------------------------------------------------

    def _segments(self) -> list[_Segment]:
        """Quote segments of every paragraph, open quotes linked to the next paragraph that continues them."""
        # Every opening mark of the text, one search per kind of mark; only paragraphs holding one are scanned.
        text = self.text
        openers = [match.start() for match in literal_first_matches(_OPENERS, text)]
        segments: list[_Segment] = []
        pending: _Segment | None = None  # an open quote at the end of the previous paragraph
        at = 0
        while at < len(openers):
            index = max(bisect_right(self.paragraph_starts, openers[at]) - 1, 0)
            start, end = self.paragraphs[index]
            found = self._scan(openers, at, end, index)
            at = bisect_left(openers, end, at)
            if pending is not None:
                if (
                    pending.paragraph + 1 == index
                    and found
                    and found[0].opener == start
                    and _same_family(self.text[pending.opener], self.text[start])
                ):
                    found[0].continues = True
                elif not self._open_quote_stands(pending):
                    segments.pop()  # the pending quote is the last one found
                pending = None
            if found and found[-1].closer is None:
                pending = found[-1]
            segments.extend(found)
        if pending is not None and not self._open_quote_stands(pending):
            segments.pop()
        return segments

    def _open_quote_stands(self, segment: _Segment) -> bool:
        """An open quote not continued: kept when it opens its paragraph or follows a colon (a missing closing
        mark); anything else was more likely an apostrophe read as a mark."""
        if self.text[segment.opener] == "'":
            return False
        paragraph_start = self.paragraphs[segment.paragraph][0]
        before = self.text[paragraph_start : segment.opener].rstrip(SPACES)
        return before == "" or before.endswith(":")

    def _scan(self, openers: list[int], at: int, end: int, paragraph: int) -> list[_Segment]:
        """The segments of one paragraph (ending at end), from its first opening mark, openers[at]."""
        text = self.text
        found: list[_Segment] = []
        while at < len(openers) and openers[at] < end:
            opener = openers[at]
            if opener + 1 >= end:
                break  # a mark ending its paragraph opens nothing (no word follows it)
            closer = self._closer(opener, end)
            content_start, content_end = _trim(text, opener + 1, closer if closer is not None else end)
            if content_end > content_start and _ALNUM.search(text, content_start, content_end):
                found.append(_Segment(opener, closer, content_start, content_end, paragraph))
            if closer is None:
                break
            at = bisect_right(openers, closer, at)  # the next mark after this quote closes
        return found

    def _closer(self, opener: int, end: int) -> int | None:
        """The closing mark of the quote opened at opener, or None when it stays open to the paragraph's end."""
        text = self.text
        mark = text[opener]
        closers = CLOSING_FOR[mark]
        if mark not in SINGLE_MARKS:
            for match in _DOUBLE_CLOSING.finditer(text, opener + 1, end):
                index = match.start()
                char = text[index]
                if char in closers and (mark != '"' or not text[index - 1].isspace() or index + 1 == end):
                    return index
                if mark == '"' and char == '"':
                    return None  # a straight mark shaped as an opener: the quote was never closed
            return None
        weak: int | None = None
        for match in _SINGLE_ANY.finditer(text, opener + 1, end):
            index = match.start()
            char = text[index]
            opens = char in "‘'" and not text[index - 1].isalnum() and index + 1 < end
            if opens and (char == "‘" or text[index + 1].isalpha()):
                break  # the next quote opens: this one closed before it, at a weak mark if any
            if char not in closers:
                continue
            after = text[index + 1] if index + 1 < end else ""
            previous = text[index - 1]
            if after.isalnum() or previous.isspace():
                continue  # an apostrophe: "Keir’s", "don’t", "’90s"
            if previous in "sS" and after in SPACES and self._possessive_follows(index + 1, end):
                if weak is None:
                    weak = index  # "the victims’ families": a plural possessive, unless no better mark comes
                continue
            following = text[index + 2 : index + 3]
            if after and after in ",.!?" and following and following in closers:
                continue  # "not the shareholders’,’ he said": the possessive comes before the comma, the mark after
            return index
        return weak

    def _possessive_follows(self, position: int, end: int) -> bool:
        """Whether the word after a mark reads as the noun of a plural possessive ("parents’ concerns")."""
        match = _WORD.match(self.text, position + 1) if position + 1 < end else None
        if match is None:
            return False
        word = match.group()
        return word.islower() and word not in CONNECTIVES and word not in self.x._cue_words

    # --- sentences and mentions -----------------------------------------------------------------------------

    def sentences_of(self, paragraph: int) -> list[tuple[int, int]]:
        """The sentence spans of one paragraph (the split works line by line: a paragraph's sentences are its own)."""
        spans = self._paragraph_sentences.get(paragraph)
        if spans is None:
            start, end = self.paragraphs[paragraph]
            starts = self.split.starts()
            spans = self.split.spans()[bisect_left(starts, start) : bisect_left(starts, end)]
            self._paragraph_sentences[paragraph] = spans
        return spans

    def sentence_bounds(self, position: int) -> tuple[int, int]:
        """The sentence holding position (or the paragraph, for a position in none)."""
        paragraph = self.paragraph_of(position)
        spans = self.sentences_of(paragraph)
        index = bisect_right(spans, (position, len(self.text))) - 1
        return spans[index] if index >= 0 else self.paragraphs[paragraph]

    def sentence_index(self, position: int) -> int:
        """The index of the sentence holding position among the article's sentences, as mentions count them (a
        position before its paragraph's first sentence counts in that sentence)."""
        starts = self.split.starts()
        first = bisect_left(starts, self.paragraphs[self.paragraph_of(position)][0])
        return max(bisect_right(starts, position) - 1, first)

    def paragraph_of(self, position: int) -> int:
        return max(bisect_right(self.paragraph_starts, position) - 1, 0)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        if not self.mentions:
            return []
        low = bisect_left(self.mention_starts, start)
        high = bisect_left(self.mention_starts, end)
        return [mention for mention in self.mentions[low:high] if mention.char_end <= end]

    def inside_quote(self, position: int) -> bool:
        index = bisect_right(self.segment_starts, position) - 1
        if index < 0:
            return False
        segment = self.segments[index]
        return segment.opener <= position < (segment.closer if segment.closer is not None else segment.end)

    # --- the walk -------------------------------------------------------------------------------------------

    def quotes(self) -> list[Quote]:
        """Judge each segment in order, attribute the accepted ones and turn them into records."""
        result: list[Quote] = []
        for index, segment in enumerate(self.segments):
            speaker = self._judge(index, segment)
            if speaker is None:
                continue
            self.speakers[index] = speaker
            self.accepted.append(index)
            quoted = self.text[segment.start : segment.end]
            result.append(
                Quote(
                    person_id=speaker.person_id,
                    quote_text=quoted,
                    char_start=segment.start,
                    char_end=segment.end,
                    cue=speaker.cue,
                    speaker=speaker.speaker,
                    attribution=speaker.attribution,
                    sentence_index=self.sentence_index(segment.start),
                    quote_key=quote_key(quoted),
                )
            )
        return result

    def _judge(self, index: int, segment: _Segment) -> _Speaker | None:
        """The segment's speaker when it is a quote, or None when it is not one (title, scare quote, fragment)."""
        if segment.continues:
            return self.speakers.get(index - 1)
        quoted = self.text[segment.start : segment.end]
        words = len(self._words_of(segment))
        sentence_like = _opens_sentence(quoted)
        running = segment.closer is None  # runs over paragraphs, or to its paragraph's end after a colon
        if not (sentence_like or running) and words < 4:
            return self._governed_fragment(index, segment)  # "a gimmick": a statement only if a cue names who
        headline = segment.paragraph == 0 and len(self.paragraphs) > 1
        trailer = self._trailer(index, segment)
        if trailer is not None and words >= 4:
            return self._resolve(trailer, segment)  # a title this long with a cue after it is still speech
        titled = self._looks_like_title(segment, quoted)
        if trailer is not None and not titled:
            return self._resolve(trailer, segment)
        if titled:
            return None
        lead, joined = self._lead_in(index, segment)
        if lead is not None and joined in ("colon", "comma", "verb") and (sentence_like or words >= 4 or running):
            return self._resolve(lead, segment)
        if joined == "colon" and (sentence_like or running) and words >= 2:
            return self._colon_speaker(segment)
        if lead is not None and joined == "partial":
            speaker = self._resolve(lead, segment)
            if words >= MIN_PARTIAL_WORDS or speaker.person_id is not None:
                return speaker
        if headline:
            return self._headline_colon(segment) if (sentence_like or words >= 3) else None
        if not (sentence_like or running) or words < 3:
            return None
        if (joined == "empty" or self._opens_paragraph(segment)) and (running or self._ends_sentence(segment)):
            return self._continued(index, segment)
        return None

    def _governed_fragment(self, index: int, segment: _Segment) -> _Speaker | None:
        """A short fragment is a partial quote when a speech cue before it in its clause names a tracked speaker
        (Mr Wren said the figures were "deeply worrying"); with no cue or no tracked speaker, a scare quote."""
        if segment.paragraph == 0 or not self.mentions_in(self.paragraphs[segment.paragraph][0], segment.opener):
            return None  # nobody tracked named before it in its paragraph: no tracked speaker (cheap test first)
        if self._looks_like_title(segment, self.text[segment.start : segment.end]):
            return None
        lead, joined = self._lead_in(index, segment)
        if lead is None or joined != "partial":
            return None
        speaker = self._resolve(lead, segment)
        return speaker if speaker.person_id is not None else None

    def _ends_sentence(self, segment: _Segment) -> bool:
        """Whether the quote closes its sentence (‘The staff are heroes.’), unlike a phrase the sentence goes on
        to discuss (‘Social media detox’ is the phrase ministers chose)."""
        if segment.closer is None:
            return True
        text = self.text
        paragraph_end = self.paragraphs[segment.paragraph][1]
        after = _skip_spaces(text, segment.closer + 1)
        if text[segment.end - 1] not in ".!?…":
            # A sentence quoted whole carries its full stop inside; a long one may leave it outside (British style)
            long_enough = len(self._words_of(segment)) >= MIN_PARTIAL_WORDS  # its first words tell
            return long_enough and after < paragraph_end and text[after] in ".!?"
        return after >= paragraph_end or text[after].isupper() or text[after] in OPENING_MARKS

    # --- cues -----------------------------------------------------------------------------------------------

    def _trailer(self, index: int, segment: _Segment) -> _Clause | None:
        """A cue after the quote in the same sentence: ‘...,’ Ms Vane said / ‘...,’ said the PM / ‘...’, she added."""
        if segment.closer is None:
            return None
        text = self.text
        stop = self.paragraphs[segment.paragraph][1]
        if index + 1 < len(self.segments) and self.segments[index + 1].paragraph == segment.paragraph:
            stop = self.segments[index + 1].opener
        position = _skip_spaces(text, segment.closer + 1)
        mark = text[position] if position < stop else ""
        inner = text[segment.end - 1]
        punctuated = inner in CONTINUING_PUNCTUATION
        if mark and mark in ",—–-":
            position += 1
            punctuated = True
        elif mark and not (mark.isalpha() or mark in OPENING_MARKS):
            return None  # a full stop, colon or bracket after the mark: no cue can follow in this sentence
        elif inner in ".:;":
            return None  # the quote ended its sentence: ‘We will act.’ Next sentence.
        clause_end = _clause_end(text, position, stop)
        match = self.x._cue.search(text, position, clause_end)
        if match is None and mark and mark in "—–" and self._opens_paragraph(self.segments[index]):
            # ‘...’ — Helena Marsh, on the energy price cap (pull quotes, round-ups)
            start = _skip_spaces(text, position)
            first = _WORD.match(text, start)
            if first is None or not (first.group()[0].isupper() or first.group() in DETERMINERS):
                return None
            return _Clause(start, _speaker_phrase_end(text, start, clause_end), None, speaker_first=False)
        if match is None and punctuated:
            return self._unlisted_cue(position, clause_end)
        if match is None or match.group() in self.x._participles:
            return None
        before = len(_WORD.findall(text, position, match.start()))
        if before > MAX_SPEAKER_WORDS or (not punctuated and before > 4):
            return None
        cue, cue_end = self._cue_text(match)
        if before == 0 or match.group().lower().startswith("according"):
            start = _skip_spaces(text, cue_end)
            return _Clause(start, _speaker_phrase_end(text, start, clause_end), cue, speaker_first=False)
        first = _WORD.match(text, _skip_spaces(text, position))
        if first is not None and first.group().lower() in NOT_SUBJECT_OPENERS:
            return None  # "‘a gimmick’ and said ..." goes on with the sentence; no cue is attached to the quote
        span = self._speaker_span(position, match.start())
        return _Clause(span[0], span[1], cue, speaker_first=True) if span is not None else _Clause(0, 0, cue, True)

    def _unlisted_cue(self, position: int, clause_end: int) -> _Clause | None:
        """‘...,’ Mr Colley shot back. A speaker and a short verb phrase the cues file does not list, ending the
        sentence: the speaker must be a mention or "he"/"she", right after the quote's comma."""
        text = self.text
        start = _skip_spaces(text, position)
        words = list(_WORD.finditer(text, start, clause_end))
        if not words or len(words) > MAX_UNLISTED_CUE_WORDS or text[words[-1].end() : clause_end].strip(SPACES):
            return None
        first = words[0].group()
        found = self.mentions_in(start, clause_end)
        if first.lower() in PRONOUNS:
            verb = 1
        elif found and found[0].char_start == start:
            verb = next((number for number, word in enumerate(words) if word.start() >= found[0].char_end), 0)
        else:  # a name we do not track: capitalised words ("Mr Colley", "Ray Colley")
            verb = next((number for number, word in enumerate(words) if not word.group()[0].isupper()), 0)
        if not 0 < verb < len(words) or not words[verb].group().islower() or words[verb].group() in BE_FORMS:
            return None
        cue = text[words[verb].start() : words[-1].end()]
        return _Clause(start, words[verb].start(), cue, speaker_first=True)

    def _lead_in(self, index: int, segment: _Segment) -> tuple[_Clause | None, str]:
        """A cue before the quote, and how it joins the quote: "colon" (Sir Keir said: ‘...’), "comma" (He told
        the BBC, ‘...’), "verb" (She wrote on X ‘...’), "partial" (Ms Vane said the plan was ‘...’, or a cue
        earlier in the sentence), "empty" (nothing before the quote in its sentence) or "none"."""
        text = self.text
        sentence_start, _ = self.sentence_bounds(segment.opener)
        start = max(sentence_start, self.paragraphs[segment.paragraph][0])
        attach = start
        if index > 0 and self.segments[index - 1].paragraph == segment.paragraph:
            previous = self.segments[index - 1]
            if previous.closer is not None and previous.closer + 1 > attach:
                attach = previous.closer + 1
        lead_end = segment.opener
        while lead_end > attach and text[lead_end - 1] in SPACES:
            lead_end -= 1
        if _ALNUM.search(text, attach, lead_end) is None:
            return None, "empty"
        last = text[lead_end - 1]
        joined = "colon" if last == ":" else "comma" if last in ",—–" else "verb"
        found = self._cues(attach, lead_end)
        if not found:
            if joined == "colon":
                return None, "colon"
            earlier = self._cues(start, attach)
            return (self._clause(earlier[-1], start), "partial") if earlier else (None, "none")
        match = found[-1]
        _, cue_end = self._cue_text(match)
        after_cue = len(_WORD.findall(text, cue_end, lead_end))
        if (joined == "verb" and after_cue > 0) or (joined == "comma" and after_cue > MAX_CUE_OBJECT_WORDS):
            joined = "partial"
        return self._clause(match, start), joined

    def _cues(self, start: int, end: int) -> list[re.Match[str]]:
        """Cue matches in text[start:end] outside quotation marks."""
        return [match for match in self.x._cue.finditer(self.text, start, end) if not self.inside_quote(match.start())]

    def _clause(self, match: re.Match[str], sentence_start: int) -> _Clause:
        """The speaker phrase of a cue found before a quote, within its sentence."""
        text = self.text
        cue, cue_end = self._cue_text(match)
        start = self._after_quotes(sentence_start, match.start())
        if match.group().lower().startswith("according"):
            begin = _skip_spaces(text, cue_end)
            stop = self._next_opener_after(begin)
            return _Clause(begin, _speaker_phrase_end(text, begin, stop), cue, speaker_first=False)
        if match.group() in self.x._participles:
            # "Ms Vane told reporters, adding: ‘...’": the speaker of the cue before, or the sentence's subject
            earlier = [other for other in self._cues(start, match.start()) if other.group() not in self.x._participles]
            if earlier:
                clause = self._clause(earlier[-1], sentence_start)
                return _Clause(clause.start, clause.end, cue, clause.speaker_first)
            return self._sentence_subject(start, match.start(), cue)
        if _word_before(text, match.start()) in ("and", "but"):
            return self._sentence_subject(start, match.start(), cue)  # "Ms Marsh has defended her record and said:"
        hearsay = _HEARSAY.search(text, max(start, match.start() - 40), match.start())
        verb = hearsay.start() if hearsay else match.start()  # "Mr X is alleged to have told": Mr X is the speaker
        span = self._speaker_span(start, verb)
        return _Clause(span[0], span[1], cue, speaker_first=True) if span else _Clause(0, 0, cue, speaker_first=True)

    def _after_quotes(self, start: int, position: int) -> int:
        """start, or just after the last closing mark between start and position."""
        index = bisect_right(self.segment_starts, position) - 1
        while index >= 0:
            segment = self.segments[index]
            if segment.opener < start:
                break
            if segment.closer is not None and segment.closer < position:
                return segment.closer + 1
            index -= 1
        return start

    def _next_opener_after(self, position: int) -> int:
        index = bisect_right(self.segment_starts, position)
        return self.segments[index].opener if index < len(self.segments) else len(self.text)

    def _speaker_span(self, start: int, verb: int) -> tuple[int, int] | None:
        """The speaker phrase before a cue verb (see _speaker_before); when appositions follow a mention
        ("Ms Marsh, 52, the Prime Minister, later added"), the phrase ends with that mention."""
        span = _speaker_before(self.text, start, verb)
        if span is None:
            return None
        text = self.text
        if any(mention.char_end == span[1] for mention in self.mentions_in(span[0], span[1])):
            return span
        for mention in reversed(self.mentions_in(start, span[1])):
            if text[mention.char_end : mention.char_end + 1] == ",":
                tail = text[mention.char_end : verb].rstrip(SPACES)
                words = [word.lower() for word in _WORD.findall(tail.rsplit(",", 1)[-1])]
                if tail.count(",") >= 2 and all(word in ADVERBS or word.endswith("ly") for word in words):
                    begin = text.rfind(",", start, mention.char_start)
                    return _skip_spaces(text, begin + 1 if begin >= 0 else start), mention.char_end
                break
        return span

    def _sentence_subject(self, start: int, end: int, cue: str) -> _Clause:
        """For "adding:" and "saying": the subject opening the sentence (after a leading phrase and its comma)."""
        text = self.text
        begin = _skip_spaces(text, start)
        while begin < end and not text[begin].isalnum():
            begin += 1
        comma = text.find(",", begin, end)
        if comma >= 0 and not self.mentions_in(begin, comma):
            begin = _skip_spaces(text, comma + 1)
        word = _WORD.match(text, begin)
        if word is not None and word.group().lower() in PRONOUNS:
            return _Clause(begin, word.end(), cue, speaker_first=True)
        found = self.mentions_in(begin, end)
        if found and found[0].char_start == begin:
            return _Clause(begin, found[0].char_end, cue, speaker_first=True)
        return _Clause(0, 0, cue, speaker_first=True)

    def _cue_text(self, match: re.Match[str]) -> tuple[str, int]:
        """The cue as written, with the platform when one follows ("wrote on X"), and where it ends."""
        cue = " ".join(match.group().split())
        if self.x._platform is not None:
            platform = self.x._platform.match(self.text, match.end())
            if platform is not None:
                return cue + " " + " ".join(platform.group().split()), platform.end()
        return cue, match.end()

    # --- speakers -------------------------------------------------------------------------------------------

    def _resolve(self, clause: _Clause, segment: _Segment) -> _Speaker:
        """The tracked person a cue's speaker phrase names, a pronoun's referent, or unknown."""
        return self._speaker_of(clause, segment.opener)

    def _speaker_of(self, clause: _Clause, anchor: int) -> _Speaker:
        text = self.text
        start, end = clause.start, clause.end
        while start < end and text[start] in SPACES_COMMA:
            start += 1
        while end > start and text[end - 1] in SPACES_COMMA:
            end -= 1
        phrase = text[start:end]
        if not phrase or len(_WORD.findall(phrase)) > MAX_SPEAKER_WORDS:
            return _Speaker(None, None, clause.cue, "none")
        if not self.mentions:
            return _Speaker(None, phrase, clause.cue, "none")  # nobody tracked is named: no tracked speaker
        if phrase.lower() in PRONOUNS:
            # The pronoun looks back from the quote, or from itself when it comes first (She told them: ...).
            position = min(start, anchor)
            person = self._pronoun_referent(position, PRONOUNS[phrase.lower()], self.paragraph_of(position))
            return _Speaker(person, phrase, clause.cue, "pronoun" if person else "none")
        person = self._named(start, end, clause.speaker_first)
        return _Speaker(person, phrase, clause.cue, "cue" if person else "none")

    def _named(self, start: int, end: int, speaker_first: bool) -> str | None:
        """The tracked person the phrase text[start:end] names as speaker, or None: the mention must end the
        phrase ("Health Secretary Wes Streeting" said) or open it (said "the Prime Minister, who ...")."""
        text = self.text
        found = self.mentions_in(start, end) if self.mentions else []
        if not found:
            return None
        if speaker_first:
            last = found[-1]
            if last.char_end != end:
                return None  # "the PM’s spokesman", "the Musk camp"
            return last.person_id if _title_prefix(text, start, last.char_start) else None
        first = found[0]
        if not _title_prefix(text, start, first.char_start):
            return None
        rest = text[first.char_end : end]
        if rest.startswith(("'", "’")):
            return None  # said the Prime Minister’s spokesman
        return first.person_id if rest.strip(SPACES) == "" else None

    def _colon_speaker(self, segment: _Segment) -> _Speaker:
        """A colon without a cue verb before the quote: "Vane: ‘...’" (a headline, a live blog) or "Tobias Wren
        set out his vision:" (the sentence's subject, unless the clause says the words came from someone else)."""
        text = self.text
        sentence_start, _ = self.sentence_bounds(segment.opener)
        start = max(sentence_start, self.paragraphs[segment.paragraph][0])
        return self._colon_subject(start, text.rfind(":", start, segment.opener))

    def _colon_subject(self, start: int, colon: int) -> _Speaker:
        text = self.text
        start = _skip_spaces(text, start)
        comma = text.find(",", start, colon)
        if comma >= 0 and not self.mentions_in(start, comma):
            start = _skip_spaces(text, comma + 1)  # "In a speech on Monday, Tobias Wren set out ...:"
        found = self.mentions_in(start, colon)
        if not found or not _title_prefix(text, start, found[0].char_start):
            return _UNKNOWN
        mention = found[0]
        if any(not word[0].isupper() for word in _WORD.findall(text, start, mention.char_start)):
            return _UNKNOWN
        rest = text[mention.char_end : colon]
        words = [word.lower() for word in _WORD.findall(rest)]
        if rest.startswith(("'", "’")) or len(words) > MAX_COLON_CLAUSE_WORDS or "," in rest:
            return _UNKNOWN
        if any(word in BE_FORMS or word in OTHER_SOURCE for word in words):
            return _UNKNOWN  # "Ms Vane was told:", "Mr Wren received a letter from the regulator:"
        return _Speaker(mention.person_id, text[start : mention.char_end], None, "cue")

    def _headline_colon(self, segment: _Segment) -> _Speaker | None:
        """A headline quote followed by a colon and who said it: ‘We were left to die’: Ellery doubles down."""
        text = self.text
        if segment.closer is None:
            return None
        colon = _skip_spaces(text, segment.closer + 1)
        end = self.paragraphs[segment.paragraph][1]
        if colon >= end or text[colon] != ":":
            return None
        start = _skip_spaces(text, colon + 1)
        found = self.mentions_in(start, end)
        if not found or not _title_prefix(text, start, found[0].char_start):
            return _UNKNOWN
        mention = found[0]
        following = _WORD.match(text, _skip_spaces(text, mention.char_end))
        if text[mention.char_end : mention.char_end + 1] in ("'", "’") or following is None:
            return _UNKNOWN
        if not following.group().islower() or following.group() in BE_FORMS:
            return _UNKNOWN
        return _Speaker(mention.person_id, text[start : mention.char_end], None, "cue")

    def _continued(self, index: int, segment: _Segment) -> _Speaker:
        """A quote without its own cue continues the speaker of the quote just before it (in this paragraph or
        closing the previous one) when nobody else is named in between; or follows a paragraph ending in a cue
        and a colon (Ms Vane told the conference:)."""
        text = self.text
        if self.accepted:
            previous = self.accepted[-1]
            earlier = self.segments[previous]
            if earlier.paragraph in (segment.paragraph, segment.paragraph - 1):
                gap_start = earlier.closer + 1 if earlier.closer is not None else earlier.end
                if not self.mentions or not self._named_outside_quotes(gap_start, segment.opener):
                    speaker = self.speakers[previous]
                    attribution = "continued" if speaker.person_id else "none"
                    return _Speaker(speaker.person_id, speaker.speaker, speaker.cue, attribution)
        reported = self._reported_before(segment.opener) if self.mentions else None
        if reported is None and self.mentions and segment.paragraph > 0 and self._opens_paragraph(segment):
            reported = self._reported_closing(segment.paragraph - 1)  # "He said the party had changed. / "...""
        if reported is not None:
            return reported._replace(attribution="continued" if reported.person_id else "none")
        lead = self._lead_sentence(segment) if self.mentions else None
        if lead is not None:
            return lead
        paragraph_start = self.paragraphs[segment.paragraph][0]
        if segment.paragraph > 0 and self._opens_paragraph(segment):
            before_start, before_end = self.paragraphs[segment.paragraph - 1]
            if text[before_start:before_end].rstrip().endswith(":") and paragraph_start > before_end:
                colon = text.rfind(":", before_start, before_end)
                sentence_start, _ = self.sentence_bounds(colon)
                clause_start = max(sentence_start, before_start)
                found = self._cues(clause_start, colon)
                if found and found[-1].group() not in self.x._participles:
                    return self._resolve(self._clause(found[-1], clause_start), segment)
                if not found:
                    return self._colon_subject(clause_start, colon)
        return _UNKNOWN

    def _reported_closing(self, paragraph: int) -> _Speaker | None:
        """The speaker of the reported speech closing a paragraph that quotes nobody, or None."""
        spans = self.sentences_of(paragraph)
        if not spans or self._quotes_in(paragraph):
            return None
        return self._reported_in(spans[-1][0], spans[-1][1])

    def _lead_sentence(self, segment: _Segment) -> _Speaker | None:
        """A tracked person opening the sentence just before the quote (the previous paragraph's last, when the
        quote opens its own) with a lead-in and no cue: "Writing in the Herald, Mr Wren set out his view. "...""."""
        if self._opens_paragraph(segment):
            if segment.paragraph == 0 or self._quotes_in(segment.paragraph - 1):
                return None
            spans = self.sentences_of(segment.paragraph - 1)
            if not spans:
                return None
            start, end = spans[-1]
        else:
            sentence_start, _ = self.sentence_bounds(segment.opener)
            paragraph_start = self.paragraphs[segment.paragraph][0]
            if sentence_start <= paragraph_start or _ANY_MARK.search(self.text, paragraph_start, sentence_start):
                return None
            start, end = self.sentence_bounds(sentence_start - 1)
        words = {word.lower() for word in _WORD.findall(self.text, start, end)}
        if not words & LEAD_IN_WORDS:
            return None
        speaker = self._colon_subject(start, end)
        return speaker if speaker.person_id is not None else None

    def _quotes_in(self, paragraph: int) -> bool:
        """Whether the paragraph holds a quotation mark opening a quote."""
        start, end = self.paragraphs[paragraph]
        index = bisect_left(self.segment_starts, start)
        return index < len(self.segments) and self.segments[index].opener < end

    def _named_outside_quotes(self, start: int, end: int) -> bool:
        """Whether anyone is named outside quotes in text[start:end] besides the speaker phrase of a cue right
        after a quote (‘...,’ said Ms Vane.)."""
        return end > start and bool(self._names(start, end))

    def _names(self, start: int, end: int) -> list[tuple[int, str | None]]:
        """People named outside quotes in text[start:end], in order: (position, person_id, or None when the
        name is not tracked: "Dr Holt", "a spokeswoman"). Appositions after a mention and the speaker phrase of
        the cue after a quote are not counted: they name someone already counted."""
        text = self.text
        named: list[tuple[int, str | None]] = []
        covered: list[tuple[int, int]] = []
        for mention in self.mentions_in(start, end):
            covered.append((mention.char_start, mention.char_end))
            if self.inside_quote(mention.char_start) or self._in_trailing_cue(mention.char_start):
                continue
            named.append((mention.char_start, mention.person_id))
            covered.append(_apposition(text, mention.char_end, end))
        for match in _UNTRACKED_PERSON.finditer(text, start, end):
            position = match.start()
            if any(low <= position < high for low, high in covered):
                continue
            noun = match.group("noun") is not None
            if noun and not self._refers(position):
                continue  # "no patient", "every teacher": nobody in particular
            if not self.inside_quote(position) and not self._in_trailing_cue(position):
                named.append((position, None))
        named.extend(self._reported_speakers(start, end))
        named.extend(self._new_subjects(start, end))
        named.extend(self._untracked_names(start, end, covered))
        named.sort(key=lambda item: item[0])
        return named

    def _reported_speakers(self, start: int, end: int) -> list[tuple[int, str | None]]:
        """Speakers of reported speech outside quotes who are not tracked people ("A survivors' advocate in
        Manchester said ..."): a later "she said" may refer to them, whatever noun the writer chose."""
        text = self.text
        speakers: list[tuple[int, str | None]] = []
        for match in self._cues(start, end):
            if self._in_trailing_cue(match.start()) or match.group() in self.x._participles:
                continue
            sentence_start = max(self.sentence_bounds(match.start())[0], start)
            span = self._speaker_span(self._after_quotes(sentence_start, match.start()), match.start())
            if span is None:
                continue
            phrase = text[span[0] : span[1]].strip(SPACES_COMMA)
            first = _WORD.match(phrase)
            if first is None or phrase.lower() in PRONOUNS or len(_WORD.findall(phrase)) > MAX_SPEAKER_WORDS:
                continue
            # A subject reads as one: a capital or a determiner first ("her claims" after "would publish" does not)
            subject = first.group()[0].isupper() or first.group().lower() in DETERMINERS
            if subject and self._named(span[0], span[1], True) is None:
                speakers.append((span[0], None))
        return speakers

    def _untracked_names(
        self, start: int, end: int, covered: list[tuple[int, int]]
    ) -> list[tuple[int, str | None]]:
        """Names the watchlist does not know, by a capitalised word acting as a subject ("Yet Sondland has ...",
        "Biden said"). Capitalised words elsewhere are as often places and bodies ("Eastfield College")."""
        names: list[tuple[int, str | None]] = []
        for match in _SUBJECT_NAME.finditer(self.text, start, end):
            position = match.start()
            if match.group(1).lower() in NOT_NAMES or any(low <= position < high for low, high in covered):
                continue
            if not self.inside_quote(position) and not self._in_trailing_cue(position):
                names.append((position, None))
        return names

    def _new_subjects(self, start: int, end: int) -> list[tuple[int, str | None]]:
        """Sentences opening with "A"/"An"/"One" bring in someone new ("A nurse who ...", "One resident ...")."""
        text = self.text
        subjects: list[tuple[int, str | None]] = []
        for match in _INDEFINITE.finditer(text, start, end):
            position = match.start()
            before = text[max(start, position - 3) : position].strip(SPACES)
            if (position == start or (before and before[-1] in ".!?")) and not self.inside_quote(position):
                subjects.append((position, None))
        return subjects

    def _refers(self, position: int) -> bool:
        """Whether the noun at position names one person ("a spokeswoman", "the council's leader", "one senior
        nurse", "Labour leader"), not people in general ("no patient", "every teacher")."""
        words = list(_WORD.finditer(self.text, max(0, position - 40), position))
        for match in reversed(words[-3:]):
            word = match.group()
            lower = word.lower()
            if lower in NOT_ONE:
                return False
            if lower in DETERMINERS or lower.endswith(("'s", "’s")) or word[0].isupper():
                return True
        return False

    def _in_trailing_cue(self, position: int) -> bool:
        """Whether position lies in the cue clause right after an accepted quote of its paragraph."""
        for index in reversed(self.accepted):
            segment = self.segments[index]
            if segment.closer is None or segment.closer > position:
                continue
            stop = self.paragraphs[segment.paragraph][1]
            return position < _clause_end(self.text, segment.closer + 1, stop)
        return False

    def _pronoun_referent(self, position: int, gender: str, paragraph: int) -> str | None:
        """The tracked person "he"/"she" before position refers to: the speaker of the last quote before it, or
        the one tracked person named since that quote with nobody else named; this paragraph first, the previous
        one when this paragraph names nobody and quotes nothing before the pronoun's quote."""
        if not self._tracked_nearby(paragraph, position) and not self._opens_with(paragraph - 1, gender):
            return None  # nobody tracked is named or quoted in reach, nor an earlier "she": nothing to refer to
        for current in (paragraph, paragraph - 1):
            if current < 0:
                return None
            start, end = self.paragraphs[current]
            events = self._events(start, position if current == paragraph else end)
            if current == paragraph:
                # "Mr Wren said he had summoned the director. ‘...,’ he said.": the reporting sentence's speaker
                reported = self._reported_before(position)
                said = reported.person_id if reported is not None else None
                if reported is not None and (said is None or self._gender_fits(said, gender)):
                    return said
            if not events:
                if current == paragraph and self.sentence_bounds(position)[0] > start:
                    return None  # a sentence of this paragraph came first: it sets the scene, not the last one
                if current != paragraph:
                    return self._chained(current, gender)  # "He said ... / He added: ...": the same "he"
                continue
            if current != paragraph and self._opens_with(current, gender):
                return self._chained(current, gender)  # "He said Mr Wren was right. / He added:" is not Mr Wren
            if current != paragraph:
                subject, decided = self._main_subject(current, gender)
                if decided:
                    return subject  # "Ms Y urged Mr Z to apologise. / She told ...": who urged, not the last named
            names: list[str | None] = []
            person: str | None = None
            for kind, who in events:
                if kind == "quote":
                    names, person = [], who
                else:
                    names.append(who)
            if names:
                tracked = {who for who in names if who is not None and self._gender_fits(who, gender)}
                person = tracked.pop() if None not in names and len(tracked) == 1 else None
            if person is None or not self._gender_fits(person, gender):
                return None
            return person
        return None

    def _tracked_nearby(self, paragraph: int, position: int) -> bool:
        """Whether a tracked person is named, or speaks a quote, in this paragraph before position or in the one
        before it (the reach of "he"/"she"): a cheap test that spares the reading of the paragraphs."""
        start = self.paragraphs[max(paragraph - 1, 0)][0]
        if self.mentions_in(start, position):
            return True
        return any(
            start <= self.segments[index].opener < position and self.speakers[index].person_id
            for index in self.accepted
        )

    def _reported_before(self, position: int) -> _Speaker | None:
        """The speaker of reported speech in the sentence just before position's sentence, in its paragraph
        ("Ms Vane said the plan would work."), or None when that sentence reports nobody's words."""
        sentence_start, _ = self.sentence_bounds(position)
        paragraph_start = self.paragraphs[self.paragraph_of(position)][0]
        if sentence_start <= paragraph_start:
            return None
        previous_start = max(self.sentence_bounds(sentence_start - 1)[0], paragraph_start)
        return self._reported_in(previous_start, sentence_start)

    def _reported_in(self, previous_start: int, sentence_start: int) -> _Speaker | None:
        """The speaker of the reported speech in the sentence text[previous_start:sentence_start], or None."""
        for match in self._cues(previous_start, sentence_start):
            if self._in_trailing_cue(match.start()) or match.group() in self.x._participles:
                continue
            clause = self._clause(match, previous_start)
            if clause.end <= clause.start or self.inside_quote(clause.start):
                return None
            first = _WORD.match(self.text, clause.start)
            if first is None or not (first.group()[0].isupper() or first.group().lower() in DETERMINERS):
                continue  # "her claims" after "would publish" is no subject
            return self._speaker_of(clause, clause.start)
        return None

    def _events(self, start: int, end: int) -> list[tuple[str, str | None]]:
        """Names outside quotes and accepted quotes (with their speakers) in text[start:end], in order."""
        events = [(position, "name", person) for position, person in self._names(start, end)]
        for index in self.accepted:
            segment = self.segments[index]
            if start <= segment.opener < end:
                events.append((segment.opener, "quote", self.speakers[index].person_id))
        events.sort(key=lambda item: item[0])
        return [(kind, person) for _, kind, person in events]

    def _opens_with(self, paragraph: int, gender: str) -> bool:
        """Whether the paragraph opens with "He"/"She" of this gender."""
        if paragraph < 0:
            return False
        first = _WORD.match(self.text, _skip_spaces(self.text, self.paragraphs[paragraph][0]))
        return first is not None and first.group() in ("He", "She") and PRONOUNS[first.group().lower()] == gender

    def _chained(self, paragraph: int, gender: str) -> str | None:
        """The referent of the pronoun of this gender opening a paragraph that names nobody ("He said the lists
        had fallen." before "He added: ..."): a chain of pronoun paragraphs keeps its first referent."""
        if not self._opens_with(paragraph, gender):
            return None
        start = _skip_spaces(self.text, self.paragraphs[paragraph][0])
        # "She said ..., and Joan Avery agreed.": someone else who may be "she" came in since ("She said Mr Wren
        # had lied." leaves her the only "she")
        names = self._names(start, self.paragraphs[paragraph][1])
        if any(who is None or self._gender_fits(who, gender) for _, who in names):
            return None
        key = (paragraph, gender)
        if key not in self._chain:
            self._chain[key] = None  # a guard while resolving: the chain only ever looks back
            self._chain[key] = self._pronoun_referent(start, gender, paragraph)
        return self._chain[key]

    def _main_subject(self, paragraph: int, gender: str) -> tuple[str | None, bool]:
        """The tracked person opening the paragraph's last sentence as its subject (after a title, or a leading
        phrase and its comma), when the pronoun's gender fits them and no other person named there has it surely;
        and whether that settles it (two subjects joined by "and" settle it as unknown)."""
        text = self.text
        start, end = self.sentences_of(paragraph)[-1] if self.sentences_of(paragraph) else self.paragraphs[paragraph]
        begin = _skip_spaces(text, start)
        comma = text.find(",", begin, end)
        if comma >= 0 and not self.mentions_in(begin, comma):
            begin = _skip_spaces(text, comma + 1)
        found = self.mentions_in(begin, end)
        if not found or any(not word[0].isupper() for word in _WORD.findall(text, begin, found[0].char_start)):
            return None, False  # only a title may come first ("Home Secretary Nadia Farouk"); "An aide said ..."
        after = _WORD.match(text, _skip_spaces(text, found[0].char_end))
        if after is None or not after.group().islower() or text[found[0].char_end] != " ":
            return None, False  # "Ms Marsh's aide", "Ms Marsh, 52,": not plainly the subject of a verb
        if after.group() in CONJUNCTIONS:
            return None, True  # "Mr Wren and Ray Colley exchanged insults": two subjects
        person = found[0].person_id
        if not self._gender_fits(person, gender):
            return None, False
        if self._gender_known(person, gender):
            return person, True
        others = {mention.person_id for mention in found[1:]} - {person}
        surely = any(self._gender_known(other, gender) for other in others)
        return (None, False) if surely else (person, True)

    def _gender_known(self, person: str, gender: str) -> bool:
        """Whether the article gives the person an honorific of this gender."""
        honorifics = MALE_HONORIFICS if gender == "male" else FEMALE_HONORIFICS
        return any(
            mention.person_id == person and mention.matched_text.split(" ", 1)[0].rstrip(".").lower() in honorifics
            for mention in self.mentions
        )

    def _gender_fits(self, person: str, gender: str) -> bool:
        """False when the article gives the person an honorific of the other gender (Ms Vane ... "he said")."""
        for mention in self.mentions:
            if mention.person_id != person:
                continue
            first = mention.matched_text.split(" ", 1)[0].rstrip(".").lower()
            if (first in MALE_HONORIFICS and gender == "female") or (first in FEMALE_HONORIFICS and gender == "male"):
                return False
        return True

    # --- shapes ---------------------------------------------------------------------------------------------

    def _looks_like_title(self, segment: _Segment, quoted: str) -> bool:
        """A name or title in quotation marks: right after "titled", "dubbed", "known as" (any length), after "the
        book", "the slogan" (when short or Title Case), or Title Case words without sentence punctuation
        (‘Get It Done’, “Adolescence”)."""
        text = self.text
        words = self._words_of(segment)
        title_case = _title_case(words, quoted)
        window = max(self.paragraphs[segment.paragraph][0], segment.opener - 40)
        # The words before are read only when a word comes right before the mark (most quotes open a paragraph or
        # follow a colon): the test below needs that, and looking first is cheaper than reading them
        after_word = _after_a_word(text, window, segment.opener)
        before = list(_WORD.finditer(text, window, segment.opener)) if after_word else []
        if before and text[before[-1].end() : segment.opener].strip(SPACES) in ("", ","):
            last = before[-1].group().lower()
            if len(before) > 1 and last in TITLE_ARTICLES:
                last = before[-2].group().lower() if text[before[-2].end() : before[-1].start()].isspace() else ""
            if last in TITLE_VERBS:
                return True
            if last in TITLE_NOUNS and (title_case or len(words) <= TITLE_SHORT_WORDS):
                return True
        if text[max(0, segment.opener - 1) : segment.opener] == "#":
            return True
        return title_case

    def _words_of(self, segment: _Segment) -> list[str]:
        """The first WORDS_ENOUGH quoted words of a segment, found once: every test on them (word counts, Title
        Case) decides the same for WORDS_ENOUGH words as for more, so a long quote is not read to its end."""
        words = segment.words
        if words is None:
            window = min(segment.end, segment.start + WORDS_WINDOW)
            words = _WORD.findall(self.text, segment.start, window)
            if len(words) > WORDS_ENOUGH:
                words = words[:WORDS_ENOUGH]  # a word after them: the window cut none of them short
            elif window < segment.end:
                found = islice(_WORD.finditer(self.text, segment.start, segment.end), WORDS_ENOUGH)
                words = [word.group() for word in found]
            segment.words = words
        return words

    def _opens_paragraph(self, segment: _Segment) -> bool:
        paragraph_start = self.paragraphs[segment.paragraph][0]
        return self.text[paragraph_start : segment.opener].strip(PARAGRAPH_OPENING) == ""

    def _follows_quote_in_sentence(self, index: int, segment: _Segment) -> bool:
        """Whether the quote opens a sentence right after an accepted quote of the same paragraph:
        ‘...,’ she said. ‘...’"""
        if not self.accepted or self.accepted[-1] != index - 1:
            return False
        previous = self.segments[index - 1]
        if previous.paragraph != segment.paragraph:
            return False
        sentence_start, _ = self.sentence_bounds(segment.opener)
        return sentence_start >= segment.opener - 1


# Lower-case words that show the capitalised word before them is a subject: "Sondland has", "Biden said".
VERBISH = frozenset(
    {
        "has", "had", "have", "is", "was", "were", "will", "would", "can", "could", "did", "does", "said", "says",
        "told", "tells", "added", "wrote", "posted", "argued", "insisted", "warned", "claimed", "also", "later",
        "then", "who", "may", "might", "must", "should", "admitted", "denied", "replied", "responded", "asked",
        "agreed", "disagreed",
    }
)  # fmt: skip
# Capitalised words that are not people: a subject or a pair of them says nothing about who "he" is.
NOT_NAMES = frozenset(
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
        "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "i",
        "it", "he", "she", "they", "we", "you", "this", "that", "there", "but", "and", "yet", "so", "the", "a",
        "an", "in", "on", "at", "for", "if", "when", "while", "after", "before", "as", "his", "her", "their",
        "its", "our", "my", "your", "one", "no",
    }
)  # fmt: skip
# Words before a noun that make it one particular person, and words that make it nobody in particular.
DETERMINERS = frozenset({"a", "an", "the", "one", "another", "his", "her", "their", "its", "this", "that", "our"})
NOT_ONE = frozenset({"no", "every", "each", "any", "all", "some", "many", "most", "few", "other", "which"})

CONNECTIVES = frozenset(
    {
        "and", "or", "but", "he", "she", "they", "it", "we", "i", "you", "the", "a", "an", "as", "according", "was",
        "were", "is", "are", "to", "in", "on", "at", "for", "which", "who", "after", "before", "when", "while",
        "with", "from", "by", "than", "then", "so", "because", "if", "that", "this", "his", "her", "their", "its",
        "one", "some", "many", "not", "also", "had", "has", "have",
    }
)  # fmt: skip


def _title_case(words: list[str], quoted: str) -> bool:
    """Title Case words without sentence punctuation: ‘Get It Done’, “The Minister”."""
    if not words or len(words) > 8 or quoted.rstrip()[-1:] in ".!?,;:…":
        return False
    long_words = [word for word in words[1:] if len(word) > 3]
    return bool(long_words) and all(word[0].isupper() or word[0].isdigit() for word in [words[0], *long_words])


def _titled(word: str) -> bool:
    """A capital then lower case, as names are written ("Sondland", not "NHS" or "iPhone")."""
    return len(word) > 1 and word[0].isupper() and word[1].islower()


def _same_family(first: str, second: str) -> bool:
    return (first in SINGLE_MARKS) == (second in SINGLE_MARKS) and (first == "«") == (second == "«")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _after_a_word(text: str, start: int, position: int) -> bool:
    """Whether text[start:position] ends in a letter or digit, then only spaces and at most one comma."""
    end = position
    while end > start and text[end - 1] in SPACES:
        end -= 1
    if end > start and text[end - 1] == ",":
        end -= 1
        while end > start and text[end - 1] in SPACES:
            end -= 1
    return end > start and text[end - 1].isalnum()


def _skip_spaces(text: str, position: int) -> int:
    found = _SPACES_RUN.match(text, position)  # one match in C instead of a test per character
    return found.end() if found is not None and position < len(text) else position


OPENING_CHARS = 40  # how much of a quote _opens_sentence reads first (a long quote is not copied to find it)
OPENING_PUNCTUATION = "([“\"‘' "


def _opens_sentence(quoted: str) -> bool:
    """Whether the quoted words read as a sentence of their own: a capital or digit first, or an ellipsis."""
    stripped = quoted[:OPENING_CHARS].lstrip(OPENING_PUNCTUATION)
    if len(stripped) < 3 or not _ALNUM.search(stripped):
        stripped = quoted.lstrip(OPENING_PUNCTUATION)  # the opening is all punctuation: read on
    if stripped.startswith(("…", "...", "..")):
        return True
    found = _ALNUM.search(stripped)
    first = found.group() if found is not None else ""
    return first.isupper() or first.isdigit() or stripped[:2] in ("I ", "I’", "I'")


def _clause_end(text: str, start: int, stop: int) -> int:
    """Where the sentence after a quote's cue ends: a full stop, a colon or semicolon, or stop."""
    for match in _CLAUSE_STOP.finditer(text, start, stop):
        index = match.start()
        if text[index] != "." or _sentence_stop(text, index, stop):
            return index
    return stop


def _sentence_stop(text: str, index: int, stop: int) -> bool:
    """A full stop that ends a sentence: not "Mr." or an initial ("J.")."""
    word = _WORD.findall(text, max(0, index - 6), index)
    last = word[-1] if word else ""
    if last.lower() in {"mr", "mrs", "ms", "dr", "prof", "st", "rev", "gen", "sen", "gov", "no"} or len(last) == 1:
        return index + 1 >= stop
    return True


def _speaker_phrase_end(text: str, start: int, stop: int) -> int:
    """The end of the speaker phrase after "said" or "according to": the first comma, or a word that starts
    a new phrase ("said Ms Vane in a statement")."""
    end = stop
    comma = text.find(",", start, stop)
    if comma >= 0:
        end = comma
    words = list(_WORD.finditer(text, start, end))
    for position, word in enumerate(words):
        if position and word.group().lower() in SPEAKER_ENDS and word.group().islower():
            return word.start()
    return end


# Words in a clause ending in a colon that say the words that follow came from someone else.
OTHER_SOURCE = frozenset(
    {"by", "from", "received", "receives", "faced", "faces", "heard", "hears", "got", "asked", "questioned",
     "shown", "sent", "given", "handed", "told", "read", "reads", "quoted", "quotes", "cited", "cites"}
)  # fmt: skip
BE_FORMS = frozenset({"is", "was", "were", "are", "been", "being", "be", "get", "got", "gets"})


def _passive(words_text: str) -> bool:
    """Whether a phrase ends in a form of "be": "Ms Vane was told: ‘...’" is said to her, not by her."""
    words = _WORD.findall(words_text)
    return bool(words) and words[-1].lower() in BE_FORMS


def _word_before(text: str, position: int) -> str:
    """The lower-cased word just before position, separated from it by spaces only; "" when there is none."""
    end = position
    while end > 0 and text[end - 1] in SPACES:
        end -= 1
    begin = end
    while begin > 0 and text[begin - 1].isalpha():
        begin -= 1
    return text[begin:end].lower() if end < position else ""


def _speaker_before(text: str, start: int, verb: int) -> tuple[int, int] | None:
    """The speaker phrase before a cue verb inside text[start:verb], or None for a passive ("was told").

    Adverbs ("later", "has since") and parentheses between commas ("Ms Vane, 52, the transport secretary,")
    are dropped from its end, then a leading phrase ("In a statement on Monday, ") from its start."""
    end = verb
    while True:
        while end > start and text[end - 1] in SPACES:
            end -= 1
        if end > start and text[end - 1] == ",":
            opening = max(text.rfind(",", start, end - 1), text.rfind("—", start, end - 1))
            if opening < 0:
                return None  # "In a statement, said ...": no speaker before the verb
            end = opening
            continue
        words = list(_WORD.finditer(text, start, end))
        if not words:
            return None
        last = words[-1]
        word = last.group()
        if last.end() == end and word in BE_FORMS:
            return None
        if last.end() == end and word.islower() and (word in ADVERBS or (word.endswith("ly") and len(word) > 4)):
            end = last.start()
            continue
        break
    comma = max(text.rfind(",", start, end), text.rfind("—", start, end), text.rfind("–", start, end))
    begin = _skip_spaces(text, comma + 1 if comma >= 0 else start)
    return (begin, end) if end > begin else None


def _title_prefix(text: str, start: int, mention_start: int) -> bool:
    """Whether the words before a mention are a title ("Health Secretary", "Labour MP", "former minister") rather
    than what makes the mention an object ("a spokesman for", "a friend of", "the lawyer representing")."""
    words = _WORD.findall(text, start, mention_start)
    if not words:
        return True
    if len(words) > MAX_TITLE_PREFIX_WORDS:
        return False
    lowered = [word.lower() for word in words]
    if any(word in RELATIVES for word in lowered):
        return False
    last = lowered[-1]
    if last in PREPOSITIONS or last in CONJUNCTIONS or last in ("a", "an"):
        return False
    if words[-1].islower() and len(last) > 4 and last.endswith(("ing", "ed")):
        return False
    return not (lowered[0] in ("a", "an") and any(word in PREPOSITIONS for word in lowered))


def _apposition(text: str, mention_end: int, stop: int) -> tuple[int, int]:
    """The span of an apposition right after a mention (", the transport secretary,"), or an empty span."""
    if mention_end >= stop or text[mention_end] != ",":
        return (mention_end, mention_end)
    closing = text.find(",", mention_end + 1, stop)
    sentence = text.find(".", mention_end + 1, stop)
    if closing < 0 or 0 <= sentence < closing:
        return (mention_end, mention_end)
    return (mention_end, closing)


# Someone named who is not tracked: a singular noun for a person ("a spokeswoman"), or an honorific and a capital
# ("Dr Holt", "Cllr Mercer"). Built once from the word sets above; the scan runs only where a pronoun is resolved.
_UNTRACKED_PERSON = re.compile(
    r"(?<![\w’'-])(?:(?P<noun>" + "|".join(sorted(PERSON_NOUNS, key=len, reverse=True)) + r")(?![\w’'-])"
    r"|(?:" + "|".join(sorted((word.capitalize() for word in HONORIFIC_WORDS), key=len, reverse=True))
    + r")\.?[ \u00a0]+[A-Z])"
)
_SUBJECT_NAME = re.compile(
    r"(?<![\w’'-])([A-Z][a-z][\w’'-]*)[ \u00a0](?:" + "|".join(sorted(VERBISH, key=len, reverse=True)) + r")(?![\w’'-])"
)
