"""Pinyin typo correction against the words that titles actually contain.

The vocabulary holds the toneless pinyin of every run of one to four consecutive
characters of every indexed title ("rou", "rouli", "rouliqiu", …), counted so a
retired title takes its words away. A mistyped run of letters is compared only
with vocabulary entries of about its length that start with the same letter
(the first letter is rarely the wrong one), using optimal string alignment
distance — a swap of two letters counts as one edit — through rapidfuzz.

How many edits are forgiven grows with the length of what was typed: none below
four letters (too many words are one edit apart), one up to seven, two from eight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_NGRAM: Final = 4
MIN_TYPO_LETTERS: Final = 4


def allowed_edits(length: int) -> int:
    if length < MIN_TYPO_LETTERS:
        return 0
    return 1 if length < 8 else 2


class TypoVocabulary:
    def __init__(self) -> None:
        # (first letter, length) → word → how many title n-grams spell it
        self._buckets: dict[tuple[str, int], dict[str, int]] = {}

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._buckets.values())

    def add(self, spoken: Sequence[str]) -> None:
        for word in _ngrams(spoken):
            bucket = self._buckets.setdefault((word[0], len(word)), {})
            bucket[word] = bucket.get(word, 0) + 1

    def remove(self, spoken: Sequence[str]) -> None:
        for word in _ngrams(spoken):
            key = (word[0], len(word))
            bucket = self._buckets.get(key)
            if bucket is None or word not in bucket:
                continue
            if bucket[word] <= 1:
                del bucket[word]
                if not bucket:
                    del self._buckets[key]
            else:
                bucket[word] -= 1

    def corrections(self, letters: str, *, limit: int = 3) -> list[str]:
        """Vocabulary words within the allowed edits of `letters`, closest and commonest first."""
        edits = allowed_edits(len(letters))
        if not edits:
            return []
        found: list[tuple[int, int, str]] = []
        for size in range(len(letters) - edits, len(letters) + edits + 1):
            bucket = self._buckets.get((letters[0], size))
            if not bucket:
                continue
            for word, distance, _ in process.extract(
                letters, list(bucket), scorer=OSA.distance, score_cutoff=edits, limit=limit
            ):
                if distance:
                    found.append((int(distance), -bucket[word], word))
        found.sort()
        return [word for _, _, word in found[:limit]]


def _ngrams(spoken: Sequence[str]) -> set[str]:
    """Pinyin of each run of 1..MAX_NGRAM consecutive characters ("" breaks a run)."""
    words: set[str] = set()
    for start in range(len(spoken)):
        word = ""
        for part in spoken[start : start + MAX_NGRAM]:
            if not part:
                break
            word += part
            words.add(word)
    return words
