"""Ordering hits: groups by how they matched, then popularity inside a group.

A group is (kind, order within the kind, slot bitmap); the order is even when the
match starts a part of the title. Groups are settled once per search: each slot
stays only in the best group holding it. Inside a group the best `count` slots are
found without sorting the group: a dense group walks the global popularity order
and keeps its members; a sparse one is sorted.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Iterator

from .entries import Rank
from .model import MatchKind
from .postings import Membership, iter_bits

Group = tuple[MatchKind, int, int]


class Ranking:
    def __init__(self) -> None:
        self._order: list[tuple[float, int, str, int]] = []  # rank + slot, best first
        self._ranks: list[Rank] = []  # per slot
        self._unsorted = False  # inside a batch

    def put(self, slot: int, rank: Rank, *, batch: bool = False) -> None:
        """Rank one slot; in a `batch`, `finish_batch` orders them all at once."""
        while len(self._ranks) <= slot:
            self._ranks.append((0.0, 0, ""))
        self._ranks[slot] = rank
        if batch:
            self._order.append((*rank, slot))
            self._unsorted = True
        else:
            bisect.insort(self._order, (*rank, slot))

    def finish_batch(self) -> None:
        self._order.sort()
        self._unsorted = False

    def drop(self, slot: int) -> None:
        item = (*self._ranks[slot], slot)
        if self._unsorted:
            self._order.remove(item)
        else:
            del self._order[bisect.bisect_left(self._order, item)]

    def best(self, bits: int, count: int) -> list[int]:
        """The `count` best-ranked slots of `bits`, best first."""
        size = bits.bit_count()
        if not size or count <= 0:
            return []
        if size * size >= 2 * count * len(self._order):  # dense: walk the global order
            member = Membership(bits)
            picked: list[int] = []
            for *_, slot in self._order:
                if slot in member:
                    picked.append(slot)
                    if len(picked) == count:
                        break
            return picked
        if count * 4 >= size:
            return sorted(iter_bits(bits), key=self._ranks.__getitem__)[:count]
        return heapq.nsmallest(count, iter_bits(bits), key=self._ranks.__getitem__)

    def page(
        self, groups: list[Group], offset: int, limit: int
    ) -> Iterator[tuple[int, MatchKind, int]]:
        """(slot, kind, order) for the hits from `offset` on, at most `limit` of them."""
        for kind, sub, bits in groups:
            if limit <= 0:
                return
            size = bits.bit_count()
            if offset >= size:
                offset -= size
                continue
            chosen = self.best(bits, offset + limit)[offset:]
            offset = 0
            limit -= len(chosen)
            for slot in chosen:
                yield slot, kind, sub


def settle(found: list[Group]) -> tuple[list[Group], int]:
    """Groups in ranking order, each slot only in the best group that holds it."""
    merged: dict[tuple[MatchKind, int], int] = {}
    for kind, sub, bits in found:
        if bits:
            merged[(kind, sub)] = merged.get((kind, sub), 0) | bits
    seen = 0
    groups: list[Group] = []
    for (kind, sub), bits in sorted(merged.items()):
        fresh = bits & ~seen
        if fresh:
            groups.append((kind, sub, fresh))
            seen |= fresh
    return groups, seen.bit_count()


def union(parts: Iterable[int]) -> int:
    result = 0
    for bits in parts:
        result |= bits
    return result


def score(kind: MatchKind, sub: int) -> float:
    """From 1.0 (the whole title) down; never higher for a hit ranked lower."""
    return round((8 - kind) / 8 - min(sub, 63) / 512, 4)  # 63: the rest share the lowest
