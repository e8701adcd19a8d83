"""What the index keeps per title, and the keys it files the title under."""

from __future__ import annotations

from dataclasses import dataclass

from .matcher import render
from .model import SearchDoc
from .normalize import fold, normalize
from .phonetics import title_readings
from .query import index_keys, onset

Rank = tuple[float, int, str]  # -popularity, title length, id: smaller ranks first


@dataclass(slots=True)
class Entry:
    doc: SearchDoc
    chars: str  # folded title without separators: one character per position
    heads: str  # "1" where a part of the title begins (the start, after punctuation)
    reads: tuple[tuple[str, ...], ...]  # readings per position, () for letters and digits
    rendered: str  # see `matcher.render`
    body: str  # folded tags, "|"-separated
    rank: Rank

    @property
    def spoken(self) -> list[str]:
        """The usual reading of each position ("" for letters and digits)."""
        return [r[0] if r else "" for r in self.reads]


def analyse(doc: SearchDoc) -> Entry:
    parts = normalize(doc.title, limit=None).text.split()
    chars = "".join(parts)
    heads = "".join("1" + "0" * (len(part) - 1) for part in parts)
    reads = tuple(r for part in parts for r in title_readings(part))
    return Entry(
        doc=doc,
        chars=chars,
        heads=heads,
        reads=reads,
        rendered=render(chars, reads, heads),
        body="|".join(p for p in (fold(tag) for tag in doc.tags) if p),
        rank=(-doc.popularity, len(chars), doc.id),
    )


def keys_of(entry: Entry) -> set[str]:
    """Every posting key of the title: pinyin and character keys, tags, filters."""
    doc = entry.doc
    keys = index_keys(entry.chars, entry.reads, entry.heads)
    keys.add(f"={entry.chars}")
    for piece in entry.body.split("|"):
        keys.update(f"b{piece[at : at + 2]}" for at in range(len(piece) - 1))
    keys.update((f"S:{doc.section}", f"K:{doc.kind}", f"L:{doc.source_level}", f"V:{doc.scope}"))
    return keys


def spellings(entry: Entry) -> set[tuple[str, str]]:
    """(pinyin pair key, the two characters spelling it) for each pair inside a part."""
    out: set[tuple[str, str]] = set()
    chars, reads, heads = entry.chars, entry.reads, entry.heads
    for at in range(len(chars) - 1):
        left, right = reads[at], reads[at + 1]
        if left and right and heads[at + 1] != "1":
            word = chars[at : at + 2]
            out.update((f"s{a} {b}", word) for a in left for b in right)
            out.update((f"i{a[0]}{b[0]}", word) for a in left for b in right)
            out.update((f"m{a} {onset(b)}", word) for a in left for b in right)
    return out
