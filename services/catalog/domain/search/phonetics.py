"""Pinyin for titles and queries, through pypinyin, without tones.

A character keeps every reading it has (重: zhong/chong, 乐: le/yue, 行: xing/hang),
so "yinyue" finds 音乐 and "kuaile" finds 快乐 whatever pypinyin guesses. The reading
pypinyin picks from the phrase around the character comes first; it is the one used
for the quick checks and the typo vocabulary.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from .normalize import is_han

# Initials that are two letters; a resident may type "zh" or just "z".
DOUBLE_INITIALS: Final = frozenset({"zh", "ch", "sh"})
MAX_SYLLABLE: Final = 6  # chuang, shuang, zhuang
MIN_PHRASES: Final = 3


_TONES: Final = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěè", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("üǖǘǚǜ", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        "ḿ": "m",
    }
)


def toneless(reading: str) -> str | None:
    """`lǜ` → `lv`; None for readings that no keyboard types (ê̄, m̀)."""
    plain = reading.translate(_TONES)
    return plain if plain.isascii() and plain.isalpha() else None


def _dict_readings(ch: str) -> list[str]:
    found = PINYIN_DICT.get(ord(ch))
    if not found:
        return []
    return [p for p in (toneless(r) for r in found.split(",")) if p]


@cache
def _phrase_readings() -> dict[str, frozenset[str]]:
    """Per character, the readings that phrases in pypinyin's phrase list really use.

    A reading counts when at least `MIN_PHRASES` phrases use it and they are at
    least 1% of the character's phrases: 乐 yue, 行 hang, 重 chong, 觉 jiao, 会 kuai
    count; 食 yi (郦食其), 大 tai, 机 wei, 说 yue do not — they would only turn up
    titles nobody meant.
    """
    counts: dict[str, dict[str, int]] = {}
    for phrase, per_char in PHRASES_DICT.items():
        if len(phrase) != len(per_char):
            continue
        for ch, options in zip(phrase, per_char, strict=True):
            plain = toneless(options[0]) if options else None
            if plain:
                mine = counts.setdefault(ch, {})
                mine[plain] = mine.get(plain, 0) + 1
    return {
        ch: frozenset(
            r for r, n in mine.items() if n >= MIN_PHRASES and n * 100 >= sum(mine.values())
        )
        for ch, mine in counts.items()
    }


@cache
def readings(ch: str) -> tuple[str, ...]:
    """The toneless readings of one character, the most common first; () if none."""
    if not is_han(ch):
        return ()
    every = _dict_readings(ch)
    if not every:
        return ()
    used = _phrase_readings().get(ch)
    if used is None:
        return tuple(dict.fromkeys(every))
    return tuple(dict.fromkeys([every[0], *sorted(used)]))


@cache
def _ordered(ch: str, first: str | None) -> tuple[str, ...]:
    """The readings of `ch` with `first` moved to the front (interned per pair)."""
    every = readings(ch)
    if first is None or first not in every or every[0] == first:
        return every
    return (first, *(r for r in every if r != first))


def title_readings(chars: str) -> tuple[tuple[str, ...], ...]:
    """One tuple of readings per character of `chars` (folded text, no spaces)."""
    out: list[tuple[str, ...]] = []
    start = 0
    while start < len(chars):
        if not readings(chars[start]):
            out.append(())
            start += 1
            continue
        end = start
        while end < len(chars) and readings(chars[end]):
            end += 1
        run = chars[start:end]
        if all(len(readings(ch)) == 1 for ch in run):  # nothing to guess: skip pypinyin
            out.extend(readings(ch) for ch in run)
        else:
            guessed = lazy_pinyin(run, style=Style.TONE)
            if len(guessed) != len(run):  # not expected; keep positions aligned regardless
                guessed = [""] * len(run)
            out.extend(
                _ordered(ch, toneless(first)) for ch, first in zip(run, guessed, strict=True)
            )
        start = end
    return tuple(out)


def _syllables() -> frozenset[str]:
    """Toneless syllables a title can be read with; the vowel-less interjections
    (嗯 ng, 呣 m, 哼 hng) are left out: as parts of typed pinyin they only split
    real syllables wrongly (wang → wa·ng)."""
    found: set[str] = set()
    for value in PINYIN_DICT.values():
        found.update(p for p in (toneless(r) for r in value.split(",")) if p)
    return frozenset(s for s in found if len(s) <= MAX_SYLLABLE and any(v in s for v in "aeiouv"))


SYLLABLES: Final = _syllables()


def _by_prefix() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for syllable in sorted(SYLLABLES):
        for cut in range(1, len(syllable) + 1):
            table.setdefault(syllable[:cut], []).append(syllable)
    return {prefix: tuple(found) for prefix, found in table.items()}


# prefix → every syllable starting with it ("zh" → zha, zhai, …; "qi" → qi, qia, …, qiu)
SYLLABLES_BY_PREFIX: Final = _by_prefix()
