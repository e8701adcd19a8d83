"""Inverted lists keyed by string, each a set while small and a bitmap once large.

Documents are numbered by small slots (freed slots are reused), so a bitmap is a
Python int with bit `slot` set. Query algebra is done on bitmaps: `&`, `|` and
`int.bit_count` run in C, whatever the number of documents. A rare key (a
two-character word found in three titles) stays a small tuple of slots (8 bytes
a slot, a set would take 30-60), which keeps memory in proportion to what is
indexed instead of keys × documents.

A Python int cannot change in place, so setting one bit copies the whole bitmap;
slots added to a large list therefore wait in a small buffer, merged in one step
when the list is next read or the buffer fills up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

PROMOTE_AT: Final = 128  # a tuple holding more slots than this becomes a bitmap
MERGE_AT: Final = 64  # buffered additions to a bitmap merged at once


def to_bitmap(slots: Iterable[int]) -> int:
    every = slots if isinstance(slots, list | set | tuple) else list(slots)
    if not every:
        return 0
    buffer = bytearray((max(every) >> 3) + 1)
    for slot in every:
        buffer[slot >> 3] |= 1 << (slot & 7)
    return int.from_bytes(buffer, "little")


def iter_bits(bitmap: int) -> Iterator[int]:
    """The slots set in `bitmap`, ascending."""
    digits = bin(bitmap)
    top = len(digits) - 1
    at = digits.rfind("1")
    while at > 1:
        yield top - at
        at = digits.rfind("1", 0, at)


class Membership:
    """O(1) `slot in bitmap` for a bitmap scanned many times (`bin` once, index per test)."""

    __slots__ = ("_digits", "_top")

    def __init__(self, bitmap: int) -> None:
        self._digits = bin(bitmap)
        self._top = len(self._digits) - 1

    def __contains__(self, slot: int) -> bool:
        at = self._top - slot
        return at > 1 and self._digits[at] == "1"


class Postings:
    def __init__(self) -> None:
        self._small: dict[str, tuple[int, ...]] = {}
        self._large: dict[str, int] = {}
        self._waiting: dict[str, set[int]] = {}  # slots not yet merged into a large list

    def __len__(self) -> int:
        return len(self._small) + len(self._large)

    def add(self, key: str, slot: int) -> None:
        if key in self._large:
            waiting = self._waiting.setdefault(key, set())
            waiting.add(slot)
            if len(waiting) >= MERGE_AT:
                self._merge(key)
            return
        small = self._small.get(key, ())
        if slot in small:
            return
        if len(small) >= PROMOTE_AT:
            self._large[key] = to_bitmap((*small, slot))
            del self._small[key]
        else:
            self._small[key] = (*small, slot)

    def discard(self, key: str, slot: int) -> None:
        if key in self._large:
            waiting = self._waiting.get(key)
            if waiting is not None and slot in waiting:
                waiting.discard(slot)
                return
            large = self._large[key] & ~(1 << slot)
            if large or self._waiting.get(key):
                self._large[key] = large
            else:
                del self._large[key]
            return
        small = self._small.get(key)
        if small is not None and slot in small:
            rest = tuple(s for s in small if s != slot)
            if rest:
                self._small[key] = rest
            else:
                del self._small[key]

    def bitmap(self, key: str) -> int:
        if key in self._waiting:
            self._merge(key)
        large = self._large.get(key)
        if large is not None:
            return large
        small = self._small.get(key)
        return to_bitmap(small) if small else 0

    def any_of(self, keys: Iterable[str]) -> int:
        result = 0
        for key in keys:
            result |= self.bitmap(key)
        return result

    def _merge(self, key: str) -> None:
        waiting = self._waiting.pop(key)
        if waiting:
            self._large[key] |= to_bitmap(waiting)
