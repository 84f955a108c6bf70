"""Reading a role title in its sentence: which office, of which country, held when, the writer means.

A title found in the text ("prime minister", "PM", "president") is read together with the words around it:
"the" or a country's possessive makes it a reference ("the PM", "Britain's prime minister"); a headline may
drop the article ("PM must act"); qualifiers move it in time ("former", "ex-", "then", "-elect") or to another
office ("deputy", "shadow", "vice-"); a country names whose office it is ("the US president", "president of
the United States", "the Israeli prime minister"); and a name right after it ("Prime Minister Theresa May",
"the prime minister, Benjamin Netanyahu,") says who is meant better than the title can. Pure functions over
the text and offsets; the mention detector decides, from the dates in the roles file, who held the office.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

FORMER_WORDS = frozenset({"former", "ex", "late", "previous", "erstwhile", "one-time", "onetime", "past"})
ELECT_WORDS = frozenset({"incoming"})  # "the incoming prime minister": elected, not yet in office
# Words that keep the title with whoever holds it on the day.
HOLDER_WORDS = frozenset({"current", "sitting", "incumbent", "outgoing", "serving", "present", "new", "this"})
# Another office ("deputy prime minister") or nobody in particular ("a prime minister", "as prime minister").
NOT_THIS_OFFICE = frozenset(
    {
        "deputy", "shadow", "vice", "acting", "interim", "assistant", "junior", "co", "associate", "a", "an",
        "any", "every", "each", "another", "no", "as", "future", "next", "would-be", "first", "last", "fellow",
        "prospective", "potential", "possible", "likely", "aspiring", "wannabe", "putative", "hypothetical",
        "ideal", "good", "great", "bad", "best", "worst", "typical", "modern", "female", "male", "woman",
        "one", "two", "three", "four", "five", "many", "several", "some", "all", "both", "most", "few",
        "successive", "longest-serving", "youngest", "oldest", "only", "what", "which", "whichever", "whoever",
        "that", "his", "her", "their", "its", "our", "my", "your", "whose", "unelected", "elected", "fictional",
        "fictitious", "then-future", "pro", "anti", "non", "post", "pre",
    }
)  # fmt: skip
# Adjectives papers put between "the" and a title without changing who is meant ("the embattled PM").
ADJECTIVES = frozenset(
    {
        "embattled", "beleaguered", "under-fire", "besieged", "veteran", "popular", "unpopular", "defiant",
        "re-elected", "newly", "newly-elected", "newly-appointed", "beleagured", "weakened", "triumphant",
        "victorious", "combative", "cautious", "outspoken", "ailing", "increasingly", "isolated", "powerful",
    }
)  # fmt: skip
GENERIC_FOLLOWERS = frozenset({"day", "time", "era", "moment", "period", "age", "future", "past"})  # "of the day"
HEADLINE_WORDS = 14  # as transforms.mentions.CAPTION_WORDS: longer lines are body copy, whatever their place
MAX_MODIFIERS = 2  # "the embattled Tory prime minister": adjectives allowed before a title
_TOKEN = re.compile(r"[\w.'’-]+$")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+")
_ELECT = re.compile(r"(?:[-‐–](?:elect|Elect|ELECT|designate|Designate)|[ ](?:elect|Elect|ELECT))(?![\w-])")
_OF_PHRASE = re.compile(r" of (?:(the|The) )?([A-Z][\w.'’-]*(?: (?:of |the )?[A-Z][\w.'’-]*)*)")
_OF_LOWER = re.compile(r" of (?:the )?([a-z]+)")
_APPOSITIVE = re.compile(r",[ \u00a0]+((?:[A-Z][\w'’.-]*[ \u00a0]+){1,3}[A-Z][\w'’-]*)")
_SPACES = " \u00a0"


@dataclass(frozen=True)
class TitleReading:
    """What the words around a title say: its span, when the office is held, and whose country it is."""

    start: int  # from "the" (or the country, qualifier) to the end of the title (and "-elect")
    end: int
    qualifier: str  # "" (held on the day), "former", "then" or "elect"
    country: str | None  # a jurisdiction the text names for this title ("the US president"), or None
    bare: bool  # no article: only a headline or caption may use a title this way


CountryOf = Callable[[str], "str | None"]  # a word or phrase -> the jurisdiction it names, or None


def words_before(text: str, start: int, limit: int = 5) -> list[tuple[int, str]]:
    """Up to limit (start, word) pairs before start in the same clause, nearest first.

    Stops at punctuation, quotes and line breaks; a word ending a sentence ("said.") is not taken.
    """
    found: list[tuple[int, str]] = []
    position = start
    while len(found) < limit:
        if position < 2 or text[position - 1] not in _SPACES:
            break
        end = position - 1
        begin = end
        while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in ".'’-"):
            begin -= 1
        word = text[begin:end]
        if not word or not _TOKEN.match(word):
            break
        if word.endswith(".") and not _DOTTED.fullmatch(word) and word.lower() not in ("no.", "st."):
            break
        found.append((begin, word))
        position = begin
    return found


def read_title(
    text: str,
    start: int,
    end: int,
    *,
    headline: bool,
    title_case: bool,
    country_of: CountryOf,
    is_name_word: Callable[[str], bool],
) -> TitleReading | None:
    """Read the title text[start:end] in its sentence, or None when it does not refer to an office holder.

    headline: the title sits in a headline or caption line; title_case: in a Title Case or ALL CAPS line,
    where capitals say nothing about names. is_name_word tells a capitalised word that may start a name from
    one that may not (a day, a country, a party).
    """
    qualifier = ""
    country: str | None = None
    definite = False
    span_start = start
    modifiers = 0
    if start > 1 and text[start - 1] == "-":
        prefix = _hyphen_prefix(text, start - 1)
        if prefix.lower() == "ex":
            qualifier = "former"
        elif prefix.lower() == "then":
            qualifier = "then"
        else:
            return None  # "vice-president", "anti-PM": another office or no office
        span_start = start - 1 - len(prefix)
        words = words_before(text, span_start)
    else:
        words = words_before(text, start)
    for index, (word_start, word) in enumerate(words):
        lower = word.lower().strip("'’")
        possessive = lower.endswith(("'s", "’s"))
        named = country_of(word[:-2] if possessive else word)
        if named is not None:
            country = named
            span_start = word_start
            if possessive:  # "Britain's prime minister": the possessive is the article
                definite = True
                break
            continue
        if possessive:
            return None  # "the club's president", "Labour's chancellor"-style phrases name no office holder
        if lower == "the":
            definite = True
            span_start = word_start
            break
        if headline and (lower == "as" or (lower == "and" and _headline_shaped(text, start))):
            break  # "Musk hits back as PM defends record", "Musk and PM clash": in a headline these join
        if lower in FORMER_WORDS or lower.startswith("ex-"):
            qualifier = qualifier or "former"
        elif lower in ("then", "then-"):
            qualifier = qualifier or "then"
        elif lower in ELECT_WORDS:
            qualifier = qualifier or "elect"
        elif lower in HOLDER_WORDS:
            pass
        elif lower in NOT_THIS_OFFICE or lower.split("-")[0] in NOT_THIS_OFFICE:
            return None
        elif lower in ADJECTIVES or (
            word[:1].isupper() and (sentence_initial(text, word_start) or (headline and index == 0))
        ):
            modifiers += 1  # "Embattled PM clings on": a capital that only opens the line says nothing
            if modifiers > MAX_MODIFIERS:
                return None
        else:
            return None  # "Ontario premier", "Deputy PM", "the university chancellor": another office
        span_start = word_start
    end_out = end
    elect = _ELECT.match(text, end)
    if elect:
        qualifier = "elect"
        end_out = elect.end()
    after = end_out
    if text.startswith(("'s", "’s"), after):
        after += 2
    of_phrase = _OF_PHRASE.match(text, after)
    if of_phrase:
        named = country_of(of_phrase.group(2)) or (
            country_of(f"the {of_phrase.group(2)}") if of_phrase.group(1) else None
        )
        if named is None:
            return None  # "the premier of Ontario"-like: an office we do not know
        country = named
        end_out = of_phrase.end()  # "the president of the United States" is one mention
    else:
        lower_of = _OF_LOWER.match(text, after)
        if lower_of and lower_of.group(1) in GENERIC_FOLLOWERS:
            return None  # "the prime minister of the day"
    appositive = _APPOSITIVE.match(text, after)
    if appositive and country_of(appositive.group(1).strip()) is None:
        return None  # "the prime minister, Benjamin Netanyahu,": the name says who; it counts if tracked
    if not title_case and after == end_out:  # "the PM's Cabinet allies": after a possessive comes what is his
        following = _next_word(text, after)
        if following is not None and following[0].isupper() and is_name_word(following):
            return None  # "Prime Minister Theresa May": the name counts, not the title
    if not definite and country is None and qualifier != "elect" and not headline:
        return None  # "as prime minister", "Prime Minister's Questions": no article, not a headline
    return TitleReading(span_start, end_out, qualifier, country, bare=not definite)


def qualifier_before(text: str, start: int) -> str | None:
    """The time qualifier right before a title used as an honorific ("former President Bush"), or None when
    a word there makes it another office ("Deputy Prime Minister Clegg"); "" when there is none."""
    if start > 1 and text[start - 1] == "-":
        prefix = _hyphen_prefix(text, start - 1).lower()
        return {"ex": "former", "then": "then"}.get(prefix)
    for _, word in words_before(text, start, limit=2):
        lower = word.lower()
        if lower in FORMER_WORDS:
            return "former"
        if lower in ("then", "then-"):
            return "then"
        if lower in NOT_THIS_OFFICE - {"a", "an", "as", "that", "first", "last"}:
            return None
        if lower == "the":
            continue
        break
    return ""


def _headline_shaped(text: str, position: int) -> bool:
    """Whether position's line is short and ends without a full stop: a first line may be body copy."""
    line = text[text.rfind("\n", 0, position) + 1 : (text.find("\n", position) + 1 or len(text) + 1) - 1].rstrip()
    return len(line.split()) <= HEADLINE_WORDS and not line.endswith((".", "!", "?", ":", ";"))


def _hyphen_prefix(text: str, hyphen: int) -> str:
    begin = hyphen
    while begin > 0 and text[begin - 1].isalpha():
        begin -= 1
    return text[begin:hyphen]


def sentence_initial(text: str, position: int) -> bool:
    """Whether position starts a line or follows a sentence end (". ", "? ", a quote mark)."""
    before = position  # walked back over spaces and opening marks, without copying the text before it
    while before > 0 and text[before - 1] in _OPENING_GAP:
        before -= 1
    return before == 0 or text[before - 1] in "\n.!?:"


_OPENING_GAP = " \u00a0\"'“‘"


def _next_word(text: str, end: int) -> str | None:
    match = re.match(r"[ \u00a0]([^\W\d_][\w'’-]*)", text[end : end + 60])
    return match.group(1) if match else None
