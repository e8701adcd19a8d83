"""The index's state and the writes to it: every item is searchable once `put` returns.

Items live in slots (small integers, reused after removal) so that every posting
can be a bitmap; per-slot columns keep what checking a candidate needs within one
list lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .entries import Entry, analyse, keys_of, spellings
from .model import SearchDoc
from .postings import Postings
from .ranking import Ranking
from .typos import TypoVocabulary


class Tables:
    def __init__(self) -> None:
        self.postings = Postings()
        self.entries: list[Entry | None] = []
        self.chars: list[str] = []  # per slot ("" when free)
        self.heads: list[str] = []
        self.rendered: list[str] = []
        self.slots: dict[str, int] = {}
        self.ranking = Ranking()
        self.live = 0  # bitmap of the slots in use
        self.typos = TypoVocabulary()
        # pinyin pair key (syllables or initials) → two-character word → titles using it
        self.words: dict[str, dict[str, int]] = {}
        self._free: list[int] = []

    def entry(self, slot: int) -> Entry:
        entry = self.entries[slot]
        assert entry is not None
        return entry

    def put_many(self, docs: Iterable[SearchDoc]) -> None:
        try:
            for doc in docs:
                self.put(doc, batch=True)
        finally:
            self.ranking.finish_batch()

    def put(self, doc: SearchDoc, *, batch: bool = False) -> None:
        self.drop(doc.id)
        entry = analyse(doc)
        if self._free:
            slot = self._free.pop()
        else:
            slot = len(self.entries)
            self.entries.append(None)
            self.chars.append("")
            self.heads.append("")
            self.rendered.append("")
        self._fill(slot, entry)
        self.slots[doc.id] = slot
        for key in keys_of(entry):
            self.postings.add(key, slot)
        self.ranking.put(slot, entry.rank, batch=batch)
        self.live |= 1 << slot
        self.typos.add(entry.spoken)
        for key, word in spellings(entry):
            words = self.words.setdefault(key, {})
            words[word] = words.get(word, 0) + 1

    def drop(self, doc_id: str) -> bool:
        slot = self.slots.pop(doc_id, None)
        if slot is None:
            return False
        entry = self.entry(slot)
        for key in keys_of(entry):
            self.postings.discard(key, slot)
        self.ranking.drop(slot)
        self.live &= ~(1 << slot)
        self.typos.remove(entry.spoken)
        for key, word in spellings(entry):
            words = self.words[key]
            if words[word] > 1:
                words[word] -= 1
            elif len(words) > 1:
                del words[word]
            else:
                del self.words[key]
        self._fill(slot, None)
        self._free.append(slot)
        return True

    def set_popularity(self, doc_id: str, popularity: float) -> None:
        slot = self.slots.get(doc_id)
        if slot is None or self.entry(slot).doc.popularity == popularity:
            return
        entry = self.entry(slot)
        self.ranking.drop(slot)
        entry.doc = replace(entry.doc, popularity=popularity)
        entry.rank = (-popularity, entry.rank[1], entry.rank[2])
        self.ranking.put(slot, entry.rank)

    def _fill(self, slot: int, entry: Entry | None) -> None:
        self.entries[slot] = entry
        self.chars[slot] = entry.chars if entry else ""
        self.heads[slot] = entry.heads if entry else ""
        self.rendered[slot] = entry.rendered if entry else ""
