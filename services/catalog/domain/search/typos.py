"""Pinyin typo correction against the words that titles actually contain.

The vocabulary holds the toneless pinyin of every run of one to four consecutive
characters of every indexed title ("rou", "rouli", "rouliqiu", …), counted so a
retired title takes its words away. A mistyped run of letters is corrected two
ways, both only to words some title contains:

1. by sound, as a southern accent blurs it (the Wu speakers of Zhangjiagang):
   zh/z, ch/c, sh/s, l/n and -ng/-n are told apart by nobody's ear, so "sufa"
   finds 书法, "zongqiujie" 中秋节 and "naonianren" 老年人;
2. by spelling, against entries of about its length that start with the same
   letter (the first letter is rarely the wrong one), using optimal string
   alignment distance — a swap of two letters counts as one edit — through
   rapidfuzz. How many edits are forgiven grows with the length of what was
   typed: none below four letters (too many words are one edit apart), one up to
   seven, two from eight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

K = TypeVar("K")

MAX_NGRAM: Final = 4
MIN_TYPO_LETTERS: Final = 4


def allowed_edits(length: int) -> int:
    if length < MIN_TYPO_LETTERS:
        return 0
    return 1 if length < 8 else 2


def blurred(letters: str) -> str:
    """The pinyin as a southern ear hears it: zh→z, ch→c, sh→s, ng→n, l→n."""
    return (
        letters.replace("zh", "z")
        .replace("ch", "c")
        .replace("sh", "s")
        .replace("ng", "n")
        .replace("l", "n")
    )


class TypoVocabulary:
    def __init__(self) -> None:
        # (first letter, length) → word → how many title n-grams spell it
        self._buckets: dict[tuple[str, int], dict[str, int]] = {}
        self._sounds: dict[str, dict[str, int]] = {}  # blurred word → words → count

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._buckets.values())

    def add(self, spoken: Sequence[str]) -> None:
        for word in _ngrams(spoken):
            _count(self._buckets.setdefault((word[0], len(word)), {}), word, 1)
            if len(word) >= MIN_TYPO_LETTERS:
                _count(self._sounds.setdefault(blurred(word), {}), word, 1)

    def remove(self, spoken: Sequence[str]) -> None:
        for word in _ngrams(spoken):
            _forget(self._buckets, (word[0], len(word)), word)
            if len(word) >= MIN_TYPO_LETTERS:
                _forget(self._sounds, blurred(word), word)

    def corrections(self, letters: str, *, limit: int = 3) -> list[str]:
        """Vocabulary words the letters were likely meant as, the likeliest first."""
        edits = allowed_edits(len(letters))
        if not edits:
            return []
        same_sound = self._sounds.get(blurred(letters), {})
        found: list[tuple[int, int, str]] = [
            (0, -count, word) for word, count in same_sound.items() if word != letters
        ]
        for size in range(len(letters) - edits, len(letters) + edits + 1):
            bucket = self._buckets.get((letters[0], size))
            if not bucket:
                continue
            for word, distance, _ in process.extract(
                letters, list(bucket), scorer=OSA.distance, score_cutoff=edits, limit=limit
            ):
                if distance and word not in same_sound:
                    found.append((int(distance), -bucket[word], word))
        found.sort()
        return [word for _, _, word in found[:limit]]


def _count(counts: dict[str, int], word: str, by: int) -> None:
    counts[word] = counts.get(word, 0) + by


def _forget(table: dict[K, dict[str, int]], key: K, word: str) -> None:
    counts = table.get(key)
    if counts is None or word not in counts:
        return
    if counts[word] > 1:
        counts[word] -= 1
    else:
        del counts[word]
        if not counts:
            del table[key]


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
