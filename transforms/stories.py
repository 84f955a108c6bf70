"""Group articles that carry the same story (wire copies, lightly edited rewrites) under one story id.

Each article's text is printed once, where the text is made (the extraction workers): the hashes of its word
5-shingles and a MinHash signature of them (numpy, 128 values). Stored articles keep their signature, so matching a
run against the last days reads signatures instead of re-printing texts. Candidates are earlier articles sharing an
LSH band of the signature, capped per article and ranked by the signatures' estimated Jaccard; each is confirmed
with the exact shingle Jaccard, relaxed when the normalised headlines agree. Articles are assigned in time order to
the story of their best match, so a chain of weak links cannot merge two stories. README "Stories" has the numbers.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from transforms.identity import text_digest
from transforms.records import StoryPrint

SHINGLE_WORDS = 5
PERMUTATIONS = 128
BAND_ROWS = 2  # 64 bands of 2 values (one 64-bit key): a pair at Jaccard 0.25 shares a band with probability 0.98
BANDS = PERMUTATIONS // BAND_ROWS
CANDIDATE_FLOOR = 0.1  # estimated Jaccard under which no exact check is made: 4 sd below the lowest rule (0.25)
MAX_CANDIDATES = 16  # exact checks per new article, best estimates first: bounds the cost of a story with many copies
MAX_BAND_MATES = 16  # earlier articles taken per shared band value, the latest first
SAME_TEXT = 0.45  # shingle Jaccard at which two texts are the same story whatever their headlines
SAME_TEXT_WITH_TITLE = 0.25  # shingle Jaccard enough when the headlines also agree
SAME_TITLE = 0.5  # Jaccard of normalised headline words
MAX_DAYS_APART = 4.0  # copies run within days; a later article repeating background is a new story
HASH_CHUNK = 4096  # shingles hashed per step: bounds the temporary array for a very long page (128 x 4096 x 8 bytes)
FILTER_SIZE = 1 << 22  # bitmap of the new articles' band keys (4 MB): 0.3 % of other keys pass it by chance
PAIR_CHUNK = 65_536  # candidate pairs compared per step, for the same reason

Hashes = npt.NDArray[np.uint64]
Values = npt.NDArray[np.uint32]
Positions = npt.NDArray[np.int64]
ScalarT = TypeVar("ScalarT", bound=np.generic)

WORD = re.compile(r"\w+")
TITLE_NOISE = re.compile(r"\s+[-|\u2013\u2014:]\s+[^-|\u2013\u2014:]{1,40}$")  # " - latest", " | Outlet"
TITLE_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "as",
        "from",
        "after",
        "over",
        "is",
        "are",
        "was",
        "be",
        "will",
        "live",
        "latest",
        "explained",
        "update",
        "updated",
        "breaking",
        "watch",
        "video",
    }
)


def _constants(name: str, count: int) -> Hashes:
    """Fixed 64-bit odd constants derived from a name: stored signatures must never change with a library upgrade."""
    values = [int.from_bytes(hashlib.sha256(f"{name}-{i}".encode()).digest()[:8], "little") | 1 for i in range(count)]
    return np.array(values, dtype=np.uint64)


SHINGLE_MIX = _constants("presswatch-shingle", SHINGLE_WORDS)
PERMUTE_MULTIPLY = _constants("presswatch-minhash-multiply", PERMUTATIONS)[:, None]
PERMUTE_ADD = _constants("presswatch-minhash-add", PERMUTATIONS)[:, None]
BAND_SALT = _constants("presswatch-band-salt", BANDS)
EMPTY = np.uint32(0xFFFFFFFF)  # every value of an empty text's signature: such an article never matches
SHIFT = np.uint64(32)
FILTER_MASK = np.uint64(FILTER_SIZE - 1)
SIGNATURE_BYTES = PERMUTATIONS * 4
EMPTY_SIGNATURE = np.full(PERMUTATIONS, EMPTY, dtype="<u4").tobytes()


@dataclass(frozen=True)
class StoryInput:
    """What story assignment needs to know about one article."""

    article_id: str
    title: str
    text: str
    published_at: datetime
    source_id: str
    story_print: StoryPrint | None = None  # made beside the text when available; else made here from the text


@dataclass(frozen=True)
class StoredArticle:
    """An article of the matching window as its stored row gives it: its text is read only if it is a candidate."""

    article_id: str
    story_id: str
    published_at: datetime
    signature: bytes


@dataclass(frozen=True)
class StoredWindow:
    """The matching window's stored articles as columns, one entry per article: thousands, read every run."""

    article_ids: list[str]
    story_ids: list[str]
    seconds: npt.NDArray[np.float64]  # published_at as seconds since the epoch
    signatures: Values  # one row of PERMUTATIONS values per article

    @classmethod
    def of(cls, articles: Sequence[StoredArticle]) -> StoredWindow:
        unique = list({article.article_id: article for article in articles}.values())
        return cls(
            [article.article_id for article in unique],
            [article.story_id for article in unique],
            np.array([article.published_at.timestamp() for article in unique], dtype=np.float64),
            _signatures([article.signature for article in unique]),
        )

    @classmethod
    def from_columns(
        cls, article_ids: list[str], story_ids: list[str], seconds: npt.NDArray[np.float64], signatures: list[bytes]
    ) -> StoredWindow:
        return cls(article_ids, story_ids, np.asarray(seconds, dtype=np.float64), _signatures(signatures))

    def sorted(self) -> StoredWindow:
        """In time order (then id), the order a run's own articles are assigned in (a read sorts it already)."""
        steps = np.diff(self.seconds)
        ties = np.flatnonzero(steps == 0)
        if (steps >= 0).all() and all(self.article_ids[i] < self.article_ids[i + 1] for i in ties):
            return self
        order = np.lexsort((np.array(self.article_ids, dtype=str), self.seconds))
        return StoredWindow(
            [self.article_ids[i] for i in order],
            [self.story_ids[i] for i in order],
            self.seconds[order],
            self.signatures[order],
        )


def print_text(text: str) -> StoryPrint:
    """The text's shingle hashes and MinHash signature, with the digest of the text they describe."""
    shingles = shingle_hashes(text)
    return StoryPrint(text_digest(text), minhash(shingles).astype("<u4").tobytes(), shingles.astype("<u4").tobytes())


def print_of(article: StoryInput) -> StoryPrint:
    """The article's print: the one made beside its text when it describes this very text, else a new one."""
    return print_for(article.text, article.story_print)


def print_for(text: str, made: StoryPrint | None) -> StoryPrint:
    """`made` when it is the print of this very text (its digest says so), else the text's print."""
    if made is not None and made.text_sha256 == text_digest(text):
        return made
    return print_text(text)


def shingle_hashes(text: str) -> Values:
    """Sorted distinct 32-bit hashes of the runs of five lower-case words; a shorter text is one shingle."""
    words = WORD.findall(text.lower())
    if not words:
        return np.empty(0, dtype=np.uint32)
    codes = np.array(list(map(zlib.crc32, map(str.encode, words))), dtype=np.uint64)
    if len(codes) < SHINGLE_WORDS:
        codes = np.concatenate([codes, np.zeros(SHINGLE_WORDS - len(codes), dtype=np.uint64)])
    count = len(codes) - SHINGLE_WORDS + 1
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):  # multiply-add over the window, wrapping modulo 2**64
        mixed += codes[offset : offset + count] * SHINGLE_MIX[offset]
    mixed ^= mixed >> np.uint64(29)
    mixed *= SHINGLE_MIX[0]
    return _distinct((mixed >> SHIFT).astype(np.uint32))


def minhash(shingles: Values) -> Values:
    """The minimum of each of PERMUTATIONS multiply-add-shift hashes over the shingles (all EMPTY for none)."""
    values = np.full(PERMUTATIONS, EMPTY, dtype=np.uint64)
    wide = shingles.astype(np.uint64)
    for start in range(0, len(wide), HASH_CHUNK):
        hashed = (PERMUTE_MULTIPLY * wide[None, start : start + HASH_CHUNK] + PERMUTE_ADD) >> SHIFT
        np.minimum(values, hashed.min(axis=1), out=values)
    return values.astype(np.uint32)


def title_words(title: str) -> frozenset[str]:
    """Headline words without case, outlet suffixes ("| Outlet", "- latest") or filler words."""
    stripped = TITLE_NOISE.sub("", title.strip())
    return frozenset(word for word in WORD.findall(stripped.lower()) if word not in TITLE_STOPWORDS)


def is_same_story(text_similarity: float, title_similarity: float) -> bool:
    """The decision rule, separate so the eval can report it: identical text, or similar text and headline."""
    if text_similarity >= SAME_TEXT:
        return True
    return text_similarity >= SAME_TEXT_WITH_TITLE and title_similarity >= SAME_TITLE


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def shingle_jaccard(first: Values, second: Values) -> float:
    """Exact Jaccard of two sorted distinct shingle-hash arrays."""
    if not len(first) or not len(second):
        return 0.0
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared / (len(first) + len(second) - shared)


def estimated_jaccard(first: bytes, second: bytes) -> float:
    """The share of equal signature values: MinHash's estimate of the shingle Jaccard."""
    return float(np.mean(_signature(first) == _signature(second)))


class StoryMatcher:
    """One run's matching: its new articles against the stored window's signatures and against each other.

    Built from signatures alone; `stored_to_check` names the stored articles whose title and text the decision
    needs, and `assign` takes them. Cost follows the new articles: each is checked against at most MAX_CANDIDATES.
    """

    def __init__(self, new: Sequence[StoryInput], stored: StoredWindow | Sequence[StoredArticle]) -> None:
        window = stored if isinstance(stored, StoredWindow) else StoredWindow.of(stored)
        self.stored = window.sorted()
        stored_stories = dict(zip(self.stored.article_ids, self.stored.story_ids, strict=True))
        self.kept: dict[str, str] = {}  # new articles already stored (revisions) keep their story
        fresh: dict[str, StoryInput] = {}
        for article in sorted(new, key=_order):
            if article.article_id in stored_stories:
                self.kept[article.article_id] = stored_stories[article.article_id]
            else:
                fresh.setdefault(article.article_id, article)
        self.new = list(fresh.values())
        self.prints = [print_of(article) for article in self.new]
        self.candidates = self._candidates()

    def stored_to_check(self) -> list[str]:
        """Ids of stored articles some new article is checked against, in stored order."""
        return [self.stored.article_ids[position] for position in self._stored_positions()]

    def assign(self, stored_texts: Mapping[str, tuple[str, str]]) -> dict[str, str]:
        """Each new article's story: its best confirmed earlier match's, else its own id.

        `stored_texts` maps stored article ids to (title, text); a candidate missing from it is skipped.
        """
        first_new = len(self.stored.article_ids)
        shingles: dict[int, Values] = {}
        titles: dict[int, frozenset[str]] = {}
        story_of: dict[int, str] = {}
        for position in self._stored_positions():
            found = stored_texts.get(self.stored.article_ids[position])
            if found is not None:
                titles[position], shingles[position] = title_words(found[0]), shingle_hashes(found[1])
                story_of[position] = self.stored.story_ids[position]
        assigned = dict(self.kept)
        for index, (article, made) in enumerate(zip(self.new, self.prints, strict=True)):
            position = first_new + index
            shingles[position] = np.frombuffer(made.shingles, dtype="<u4")
            titles[position] = title_words(article.title)
            best: tuple[float, int] | None = None
            for other in sorted(self.candidates.get(position, ())):
                if other not in shingles:
                    continue
                text_similarity = shingle_jaccard(shingles[position], shingles[other])
                title_similarity = jaccard(titles[position], titles[other])
                if is_same_story(text_similarity, title_similarity) and (best is None or text_similarity > best[0]):
                    best = (text_similarity, other)
            story_of[position] = story_of[best[1]] if best else article.article_id
            assigned[article.article_id] = story_of[position]
        return assigned

    def _stored_positions(self) -> list[int]:
        first_new = len(self.stored.article_ids)
        return sorted({position for checks in self.candidates.values() for position in checks if position < first_new})

    def _candidates(self) -> dict[int, list[int]]:
        """Earlier positions (stored first, then new in time order) each new position is checked against."""
        first_new = len(self.stored.article_ids)
        total = first_new + len(self.new)
        new_signatures = _signatures([p.signature for p in self.prints])
        signatures = np.concatenate([self.stored.signatures, new_signatures])
        # an empty text's keys are all one value per band: leave its keys out so empty texts never pair
        indexed = np.flatnonzero(~(new_signatures == EMPTY).all(axis=1))
        new_flat = _band_keys(new_signatures[indexed]).ravel()
        new_positions = np.repeat(indexed + first_new, BANDS)
        new_keys = _distinct(new_flat)
        if not len(new_keys):
            return {}
        # only stored band values some new article shares can make a pair: a bitmap of the new values' low bits
        # rules out nearly all of the window in one gather, and only the few left are searched and sorted
        stored_flat = _band_keys(self.stored.signatures).ravel()
        bitmap = np.zeros(FILTER_SIZE, dtype=bool)
        bitmap[(new_keys & FILTER_MASK).astype(np.intp)] = True
        maybe = np.flatnonzero(bitmap[(stored_flat & FILTER_MASK).astype(np.intp)])
        stored_keys, stored_positions = stored_flat[maybe], maybe // BANDS
        shared = new_keys[np.minimum(np.searchsorted(new_keys, stored_keys), len(new_keys) - 1)] == stored_keys
        later, earlier = _band_pairs(
            np.concatenate([stored_keys[shared], new_flat]),
            np.concatenate([stored_positions[shared], new_positions]).astype(np.int64),
            first_new,
        )
        codes = _distinct(later * total + earlier)
        later, earlier = codes // total, codes % total
        seconds = np.concatenate([self.stored.seconds, [a.published_at.timestamp() for a in self.new]])
        close = np.abs(seconds[later] - seconds[earlier]) <= MAX_DAYS_APART * 86_400
        later, earlier = later[close], earlier[close]
        agreeing = _agreements(signatures, later, earlier)
        similar = agreeing >= int(np.ceil(CANDIDATE_FLOOR * PERMUTATIONS))
        later, earlier, agreeing = later[similar], earlier[similar], agreeing[similar]
        order = np.lexsort((earlier, -agreeing, later))  # per new article, best estimates first
        later, earlier = later[order], earlier[order]
        keep = np.arange(len(later)) - np.searchsorted(later, later) < MAX_CANDIDATES
        result: dict[int, list[int]] = {}
        for position, other in zip(later[keep].tolist(), earlier[keep].tolist(), strict=True):
            result.setdefault(position, []).append(other)
        return result


def assign_stories(new: Sequence[StoryInput], recent: Sequence[tuple[StoryInput, str]]) -> dict[str, str]:
    """Map each new article id to the story id of its nearest earlier duplicate (stored or new), else its own id.

    `recent` are stored articles with their text and story: the in-memory form (tests, eval, benchmarks). A run
    reads stored signatures and only its candidates' texts (flows.stages.attach_stories).
    """
    stored = [
        StoredArticle(article.article_id, story_id, article.published_at, print_of(article).signature)
        for article, story_id in recent
    ]
    matcher = StoryMatcher(new, stored)
    texts = {article.article_id: (article.title, article.text) for article, _ in recent}
    return matcher.assign({article_id: texts[article_id] for article_id in matcher.stored_to_check()})


def _distinct(values: npt.NDArray[ScalarT]) -> npt.NDArray[ScalarT]:
    """Sorted distinct values (np.unique's first call imports a module lazily: half a second in every worker)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _signature(signature: bytes) -> Values:
    return _signatures([signature])[0]


def _signatures(signatures: Sequence[bytes]) -> Values:
    """Signatures as rows of one array; one of another layout (or none) is EMPTY, so it matches nothing."""
    valid = [s if len(s) == SIGNATURE_BYTES else EMPTY_SIGNATURE for s in signatures]
    return np.frombuffer(b"".join(valid), dtype="<u4").astype(np.uint32).reshape(len(valid), PERMUTATIONS)


def _band_keys(signatures: Values) -> Hashes:
    """One 64-bit key per band: its two 32-bit values read as one number (no copy), salted by band so equal values
    in two bands differ."""
    pairs = np.ascontiguousarray(signatures, dtype=np.uint32).view(np.uint64).reshape(len(signatures), BANDS)
    return pairs ^ BAND_SALT


def _band_pairs(keys: Hashes, positions: Positions, first_new: int) -> tuple[Positions, Positions]:
    """(later, earlier) positions sharing a band key, later a new article, at most MAX_BAND_MATES back per key.

    `positions` must be ascending (stored rows, then new articles in order)."""
    order = np.argsort(keys, kind="stable")  # positions come in ascending order: ties stay so
    keys, positions = keys[order], positions[order]
    laters, earliers = [], []
    for distance in range(1, MAX_BAND_MATES + 1):
        same = keys[distance:] == keys[:-distance]
        if not same.any():  # no run of equal keys is this long, so none is longer
            break
        later, earlier = positions[distance:][same], positions[:-distance][same]
        new = later >= first_new
        laters.append(later[new])
        earliers.append(earlier[new])
    if not laters:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(laters), np.concatenate(earliers)


def _agreements(signatures: Values, later: Positions, earlier: Positions) -> Positions:
    """How many signature values each pair shares, in chunks so a run with many pairs stays small in memory."""
    counts = np.empty(len(later), dtype=np.int64)
    for start in range(0, len(later), PAIR_CHUNK):
        stop = start + PAIR_CHUNK
        counts[start:stop] = (signatures[later[start:stop]] == signatures[earlier[start:stop]]).sum(axis=1)
    return counts


def _order(article: StoryInput) -> tuple[datetime, str]:
    return (article.published_at, article.article_id)
