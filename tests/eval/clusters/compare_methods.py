"""Measure MinHash (our rule) against SimHash on the clustering set, pair by pair; the numbers behind the choice.

Run from the repository root: `.venv/bin/python tests/eval/clusters/compare_methods.py`. Scores every pair of
articles as same/different story with each method and prints pair precision/recall, plus the similarity margin
between the weakest true pair and the strongest false pair (the room a threshold has to sit in).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

import numpy as np  # noqa: E402

from transforms.stories import (  # noqa: E402
    StoryInput,
    estimated_jaccard,
    is_same_story,
    jaccard,
    print_text,
    shingle_jaccard,
    title_words,
)


def simhash(text: str, shingle_words: int = 3) -> int:
    weights = [0] * 64
    for shingle in _shingles(text, shingle_words):
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def _shingles(text: str, size: int) -> set[str]:
    words = text.lower().split()
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def score(same: dict[tuple[str, str], bool], gold: dict[tuple[str, str], bool]) -> tuple[float, float]:
    true_positive = sum(same[pair] and gold[pair] for pair in gold)
    predicted = sum(same.values())
    actual = sum(gold.values())
    return true_positive / max(predicted, 1), true_positive / max(actual, 1)


def main() -> None:
    rows = json.loads((HERE / "articles.json").read_text())
    articles = [
        StoryInput(r["article_id"], r["title"], r["text"], datetime.fromisoformat(r["published_at"]), r["source_id"])
        for r in rows
    ]
    story = {r["article_id"]: r["story"] for r in rows}
    prints = {a.article_id: print_text(a.text) for a in articles}
    shingles = {key: np.frombuffer(made.shingles, dtype="<u4") for key, made in prints.items()}
    titles = {a.article_id: title_words(a.title) for a in articles}
    hashes = {a.article_id: simhash(a.text) for a in articles}
    pairs = list(itertools.combinations(sorted(story), 2))
    gold = {(a, b): story[a] == story[b] for a, b in pairs}

    text_jaccard = {(a, b): shingle_jaccard(shingles[a], shingles[b]) for a, b in pairs}
    exact = {(a, b): is_same_story(text_jaccard[(a, b)], jaccard(titles[a], titles[b])) for a, b in pairs}
    estimated = {
        (a, b): is_same_story(
            estimated_jaccard(prints[a].signature, prints[b].signature), jaccard(titles[a], titles[b])
        )
        for a, b in pairs
    }
    print(f"pairs: {len(pairs)}, same-story pairs: {sum(gold.values())}")
    print("MinHash rule, exact Jaccard:     P={:.3f} R={:.3f}".format(*score(exact, gold)))
    print("MinHash rule, estimated Jaccard: P={:.3f} R={:.3f}".format(*score(estimated, gold)))
    distance = {(a, b): bin(hashes[a] ^ hashes[b]).count("1") for a, b in pairs}
    for limit in (3, 6, 10, 14, 18):
        same = {pair: distance[pair] <= limit for pair in pairs}
        precision, recall = score(same, gold)
        print(f"SimHash 64-bit, hamming <= {limit:2d}:  P={precision:.3f} R={recall:.3f}")
    true_text = [text_jaccard[pair] for pair in pairs if gold[pair]]
    false_text = [text_jaccard[pair] for pair in pairs if not gold[pair]]
    true_bits = [distance[pair] for pair in pairs if gold[pair]]
    false_bits = [distance[pair] for pair in pairs if not gold[pair]]
    print(f"Jaccard: weakest true pair {min(true_text):.3f}, strongest false pair {max(false_text):.3f}")
    print(f"SimHash: farthest true pair {max(true_bits)} bits, nearest false pair {min(false_bits)} bits")


if __name__ == "__main__":
    main()
