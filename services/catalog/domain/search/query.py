"""Reading a query term as units, and the index keys a title holds for each.

A term ("柔力qiu", "rlqjx", "rouliqiu") is read as a sequence of units, each
covering one character of a title:

    c  a Chinese character, itself            l  a letter or digit, itself
    h  a Chinese character, by its sound      s  a full pinyin syllable
    i  one pinyin initial letter              p  a syllable prefix (the last thing
                                                 typed, or zh/ch/sh)

A run of letters can be read in several ways (xian: xian | xi·an | x·i·a·n), so a
term has several variants; each variant asks the index for the titles holding its
units' keys side by side. A variant of one or two units is answered by the keys
alone; a longer one gives candidates that `matcher.Matcher` checks.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from .model import MatchKind
from .normalize import is_digit, is_han
from .phonetics import DOUBLE_INITIALS, MAX_SYLLABLE, SYLLABLES, SYLLABLES_BY_PREFIX, readings

MAX_VARIANTS: Final = 24
MAX_SYLLABIC: Final = 16  # whole-syllable readings of one run of letters
NOT_INITIALS: Final = frozenset("iuv")  # no syllable starts with these letters


@dataclass(frozen=True, slots=True)
class Unit:
    code: str  # c h l s i p (see the module docstring)
    text: str

    @property
    def kind(self) -> MatchKind:
        if self.code in "cl":
            return MatchKind.TITLE
        if self.code == "h":
            return MatchKind.HOMOPHONE
        if self.code == "s" or (self.code == "p" and self.text not in DOUBLE_INITIALS):
            return MatchKind.PINYIN
        return MatchKind.INITIALS

    def syllables(self) -> tuple[str, ...]:
        """The syllables this unit stands for (empty for literal units and initials)."""
        if self.code == "s":
            return (self.text,)
        if self.code in "hc":
            return readings(self.text)
        if self.code == "p":
            return SYLLABLES_BY_PREFIX.get(self.text, ())
        return ()

    def initials(self) -> frozenset[str]:
        if self.code in "spi":
            return frozenset(self.text[0])
        if self.code in "ch":
            return frozenset(r[0] for r in readings(self.text))
        return frozenset()

    def keys(self, mark: str = "") -> list[str]:
        """Index keys any one of which a title position must hold to match this unit."""
        if self.code in "cl" or (self.code == "h" and not readings(self.text)):
            return [f"{mark}c{self.text}"]
        if self.code == "i" or (self.code == "p" and len(self.text) == 1):
            return [f"{mark}i{self.text}"]
        return [f"{mark}s{s}" for s in self.syllables()]


def triple_keys(units: Sequence[Unit]) -> list[str]:
    """Keys for three initials side by side (rlq), which pairs alone pin down poorly."""
    first, second, third = (unit.text for unit in units)
    return [f"t{first}{second}{third}"]


def pair_keys(left: Unit, right: Unit, mark: str = "") -> tuple[list[str], bool]:
    """Keys for two units side by side, and whether holding one proves the pair matches."""
    if (left.code in "cl" and right.code in "cl") or _literal_han(left, right):
        return [f"{mark}c{left.text}{right.text}"], True
    if _sounded(left) and _sounded(right):
        keys = [f"{mark}s{a} {b}" for a in left.syllables() for b in right.syllables()]
        if keys:
            return keys, True
    if _sounded(left) and right.code in "ip":  # a syllable, then what starts the next one
        parts = [right.text] + ([right.text + "h"] if right.text in ("z", "c", "s") else [])
        keys = [f"{mark}m{a} {b}" for a in left.syllables() for b in parts]
        if keys:
            return keys, True
    left_initials, right_initials = left.initials(), right.initials()
    if left_initials and right_initials:
        keys = [f"{mark}i{a}{b}" for a in sorted(left_initials) for b in sorted(right_initials)]
        return keys, left.code == "i" and right.code == "i"
    return [], False


def onset(syllable: str) -> str:
    """What a syllable starts with, as typed for it alone: zh/ch/sh or one letter."""
    return syllable[:2] if syllable[:2] in DOUBLE_INITIALS else syllable[0]


def _sounded(unit: Unit) -> bool:
    """A unit standing for whole syllables (not a bare initial, not a literal)."""
    return unit.code in "sh" or (unit.code == "p" and unit.text not in DOUBLE_INITIALS)


def _literal_han(left: Unit, right: Unit) -> bool:
    """A homophone unit without readings is matched as the character itself."""
    return all(u.code in "clh" and (u.code != "h" or not readings(u.text)) for u in (left, right))


def index_keys(chars: str, reads: Sequence[tuple[str, ...]], heads: str) -> set[str]:
    """Every key a title contributes (the same scheme as `Unit.keys` and `pair_keys`).

    `heads` has "1" where a part of the title begins (after punctuation or a space):
    sounds and initials never pair across it, characters do.
    """
    keys: set[str] = set()
    for at, ch in enumerate(chars):
        mine = reads[at]
        here = [f"c{ch}", *(f"s{r}" for r in mine), *{f"i{r[0]}" for r in mine}]
        if at + 1 < len(chars):
            here.append(f"c{ch}{chars[at + 1]}")
            if heads[at + 1] != "1":
                nxt = reads[at + 1]
                here.extend(f"s{a} {b}" for a in mine for b in nxt)
                here.extend({f"i{a[0]}{b[0]}" for a in mine for b in nxt})
                here.extend({f"m{a} {onset(b)}" for a in mine for b in nxt})
                if at + 2 < len(chars) and heads[at + 2] != "1":
                    third = reads[at + 2]
                    keys.update({f"t{a[0]}{b[0]}{c[0]}" for a in mine for b in nxt for c in third})
        keys.update(here)
        if heads[at] == "1":
            keys.update(f"^{k}" for k in here)
    return keys


def term_variants(term: str, *, homophone: bool) -> tuple[tuple[tuple[Unit, ...], ...], bool]:
    """The ways to read `term` as units (at most MAX_VARIANTS), and whether some were cut."""
    return _variants(term, homophone)


@lru_cache(maxsize=2048)
def _variants(term: str, homophone: bool) -> tuple[tuple[tuple[Unit, ...], ...], bool]:
    options: list[list[tuple[Unit, ...]]] = []
    for start, end in _segments(term):
        piece = term[start:end]
        if is_han(piece[0]):
            code = "h" if homophone else "c"
            options.append([tuple(Unit(code, ch) for ch in piece)])
        elif is_digit(piece[0]):
            options.append([tuple(Unit("l", ch) for ch in piece)])
        else:
            spelled = _spellings(piece, last=end == len(term))
            options.append([*spelled, tuple(Unit("l", ch) for ch in piece)])
    variants: list[tuple[Unit, ...]] = []
    for combo in itertools.product(*options):
        variants.append(tuple(unit for part in combo for unit in part))
        if len(variants) > MAX_VARIANTS:
            return tuple(variants[:MAX_VARIANTS]), True
    return tuple(variants), False


def _segments(term: str) -> Iterator[tuple[int, int]]:
    start = 0
    for at in range(1, len(term) + 1):
        if at == len(term) or _cls(term[at]) != _cls(term[start]):
            yield start, at
            start = at


def _cls(ch: str) -> int:
    return 0 if is_han(ch) else 1 if is_digit(ch) else 2


def _spellings(run: str, *, last: bool) -> list[tuple[Unit, ...]]:
    """The plausible pinyin readings of a run of letters, as a pinyin keyboard reads them.

    Whole syllables (xian → xian | xi·an; the last may be cut short as one types),
    initials only (rlqjx), and the greedy mix of both (rlqiu, rouliqjx). Readings
    mixing them otherwise (s·hao for shao) are left out: nobody types them, and
    they would bring back half the catalog to check.
    """
    found: dict[tuple[Unit, ...], None] = dict.fromkeys(
        itertools.islice(_syllabic(run, last), MAX_SYLLABIC)
    )
    for units in (_greedy(run, last), _initials_only(run)):
        if units:
            found[units] = None
    return list(found)


def _syllabic(run: str, last: bool) -> Iterator[tuple[Unit, ...]]:
    size = len(run)
    viable = [False] * (size + 1)  # viable[i]: run[i:] can be read to the end
    viable[size] = True
    for at in range(size - 1, -1, -1):
        viable[at] = any(viable[nxt] for _, nxt in _syllable_steps(run, at, last))

    def walk(at: int) -> Iterator[tuple[Unit, ...]]:
        if at == size:
            yield ()
            return
        for unit, nxt in _syllable_steps(run, at, last):
            if viable[nxt]:
                for rest in walk(nxt):
                    yield (unit, *rest)

    if viable[0]:
        yield from walk(0)


def _syllable_steps(run: str, at: int, last: bool) -> Iterator[tuple[Unit, int]]:
    """Whole syllables from `at`, longest first; a last syllable may be cut short."""
    size = len(run)
    rest = run[at:]
    if last and len(rest) >= 2 and rest in SYLLABLES_BY_PREFIX:
        yield Unit("p", rest), size
    if len(rest) == 1 and rest not in NOT_INITIALS:
        yield Unit("i", rest), size
    for end in range(min(size, at + MAX_SYLLABLE), at + 1, -1):
        piece = run[at:end]
        if piece in SYLLABLES and not (last and end == size):
            yield Unit("s", piece), end


def _greedy(run: str, last: bool) -> tuple[Unit, ...] | None:
    """The longest syllable at each point, else an initial (zh, ch, sh or one letter)."""
    units: list[Unit] = []
    at = 0
    while at < len(run):
        step = next(_syllable_steps(run, at, last), None)
        if step is not None:
            units.append(step[0])
            at = step[1]
        elif run[at : at + 2] in DOUBLE_INITIALS:
            units.append(Unit("p", run[at : at + 2]))
            at += 2
        elif run[at] not in NOT_INITIALS:
            units.append(Unit("i", run[at]))
            at += 1
        else:
            return None
    return tuple(units)


def _initials_only(run: str) -> tuple[Unit, ...] | None:
    if any(ch in NOT_INITIALS for ch in run):
        return None
    return tuple(Unit("i", ch) for ch in run)
