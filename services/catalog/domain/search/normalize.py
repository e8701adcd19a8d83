"""Turning what a resident typed (or a title) into plain searchable text.

The rules, in order:

1. Only the first `MAX_INPUT_CHARS` (256) code points of the raw input are looked
   at, so a 10,000-character paste costs no more than a short one.
2. NFKC folds full-width letters and digits (ｒｌｑ, １２０) and compatibility
   ideographs into their ordinary forms.
3. Latin letters lose their accents and tone marks (róu → rou); ü becomes v, as
   on every pinyin keyboard (lü → lv).
4. Letters are lower-cased; traditional characters become simplified ones (OpenCC
   `t2s`, phrase-aware: 養生 → 养生, 講座 → 讲座).
5. Everything that is not a Chinese character, an ASCII letter or a digit is a
   separator: punctuation, symbols, regex metacharacters, JSON/Mongo operators,
   emoji, control characters. A query is plain text and never a pattern.
6. Runs of separators become one space; the ends are trimmed.
7. A query keeps at most `MAX_QUERY_CHARS` (64) characters of the result; the rest
   is dropped and the search says so in its notes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Final

import opencc

MAX_INPUT_CHARS: Final = 256
MAX_QUERY_CHARS: Final = 64

NOTE_TRADITIONAL: Final = "已将繁体字转换为简体字"
NOTE_TRUNCATED: Final = f"搜索词过长，只使用前{MAX_QUERY_CHARS}个字"


def is_han(ch: str) -> bool:
    """A Chinese character (the CJK unified ideograph blocks and their extensions)."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x3134F
        or 0xF900 <= code <= 0xFAFF
        or code == 0x3007  # 〇
    )


def is_latin(ch: str) -> bool:
    return "a" <= ch <= "z"


def is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _fold_char(ch: str) -> str:
    """One NFKC character → its searchable form, or a space for a separator."""
    if ch.isascii():
        return ch.lower() if ch.isalnum() else " "
    if is_han(ch):
        return ch
    if ch in "üÜǖǘǚǜǕǗǙǛ":
        return "v"
    if ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii())
        return base.lower() if base.isalpha() else " "
    return " "


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str  # the searchable text: terms separated by single spaces
    notes: tuple[str, ...]  # what was changed that a resident should be told

    @property
    def terms(self) -> list[str]:
        return self.text.split()


def normalize(raw: str, *, limit: int | None = MAX_QUERY_CHARS) -> Normalized:
    """Fold `raw` into searchable text (see the module docstring); `limit=None` for titles."""
    head = raw[:MAX_INPUT_CHARS] if limit is not None else raw
    folded = "".join(_fold_char(ch) for ch in unicodedata.normalize("NFKC", head))
    notes: list[str] = []
    if any(is_han(ch) for ch in folded):
        simplified = _converter().convert(folded)
        if simplified != folded:
            notes.append(NOTE_TRADITIONAL)
            folded = simplified
    text = " ".join(folded.split())
    if limit is not None and len(text) > limit:
        text = text[:limit].rstrip()
        notes.append(NOTE_TRUNCATED)
    return Normalized(text, tuple(notes))


def fold(text: str) -> str:
    """Index-side normalisation: the same folding, no length cap, spaces removed."""
    return normalize(text, limit=None).text.replace(" ", "")
