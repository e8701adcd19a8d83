"""Checking one title against a term's readings, with regular expressions run in C.

A title is rendered once, when indexed, as a string listing every position with
its character and all its readings, parts separated by "#":

    柔力球教学：基本功  →  #|柔rou|力li|球qiu|教jiao|学xue#|基ji|本ben|功gong#
    音乐 (heteronym)    →  #|音yin|乐yue/le#
    5G手机              →  #|5|g|手shou|机ji#

Each reading of a term (see `query.term_variants`) becomes one regular
expression, unit by unit; the term's own text never reaches a pattern unescaped,
and its letters are only ever a-z. A unit must start a position ("|"), so no
match straddles a "#" (initials never cross "：" or a space), and a position
chooses any one of its readings (乐 matches yue or le).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from .model import MatchKind
from .query import Unit

_HAN: Final = r"\|[^\x00-\x7f](?:[a-z]+/)*"  # a position holding a character, at a reading
_REST: Final = r"[a-z/]*"  # the rest of that position's readings


def render(chars: str, reads: Sequence[tuple[str, ...]], heads: str) -> str:
    """The searchable rendering of a folded title (see the module docstring)."""
    out = ["#"]
    for at, ch in enumerate(chars):
        if at and heads[at] == "1":
            out.append("#")
        out.append(f"|{ch}{'/'.join(reads[at])}")
    out.append("#")
    return "".join(out)


def _unit_pattern(unit: Unit) -> str:
    text = unit.text
    if unit.code == "l":
        return rf"\|{re.escape(text)}(?=[|#])"
    if unit.code == "c" or (unit.code == "h" and not unit.syllables()):
        return rf"\|{re.escape(text)}{_REST}"
    if unit.code in "sh":
        sounds = "|".join(unit.syllables())
        return rf"{_HAN}(?:{sounds})(?=[/|#]){_REST}"
    return rf"{_HAN}{text}{_REST}"  # p, i: a reading starting with these letters


Found = tuple[MatchKind, int, int, bool]  # kind, first position, end position, starts a part


class Probe:
    """One reading of a term as a pattern, and the same pattern at the start of a part."""

    __slots__ = ("anywhere", "at_head", "kind")

    def __init__(self, units: tuple[Unit, ...]) -> None:
        self.kind = max(unit.kind for unit in units)
        self.anywhere, self.at_head = _compiled("".join(_unit_pattern(u) for u in units))

    def find(self, rendered: str) -> Found | None:
        found = self.anywhere.search(rendered)
        if found is None:
            return None
        start = found.start()
        head = rendered[start - 1] == "#"
        if not head:
            better = self.at_head.search(rendered, start)
            if better is not None:
                found, start, head = better, better.start() + 1, True
        return self.kind, rendered.count("|", 0, start), rendered.count("|", 0, found.end()), head


@lru_cache(maxsize=4096)
def probe(units: tuple[Unit, ...]) -> Probe:
    return Probe(units)


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(pattern), re.compile(f"#{pattern}")


class Matcher:
    """All the readings of one term, tried best kind first (compiled as they are needed)."""

    __slots__ = ("_variants", "text")

    def __init__(self, text: str, variants: Sequence[tuple[Unit, ...]]) -> None:
        self.text = text
        self._variants = sorted(
            (units for units in variants if units), key=lambda units: max(u.kind for u in units)
        )

    def match(self, rendered: str) -> Found | None:
        for units in self._variants:
            found = probe(units).find(rendered)
            if found is not None:
                return found
        return None
