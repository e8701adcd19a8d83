"""The in-memory search index: add, remove, search, suggest.

How a query is read and matched is in `matching`; how hits are ordered in
`ranking`. Filters (section, kind, source level) and visibility (the item's scope
must be one of the viewer's ancestor paths) are bitmaps intersected with the
candidates before anything is checked, ranked or paged. Hits are ordered by
`MatchKind`, then (for the same letters spelling several words) by how common
the word is, then by whether the match starts the title or a part of it, then
by popularity, shorter title and id.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Final

from services.contracts.catalog import ContentKind, Section

from .entries import Entry
from .matching import Outcome, find
from .model import MATCH_LABELS, Hit, MatchKind, SearchDoc, SearchResult
from .normalize import normalize
from .ranking import score
from .tables import Tables

MAX_LIMIT: Final = 100
MAX_OFFSET: Final = 10_000


class SearchIndex:
    """Published content, searchable the moment it is added (and gone when removed)."""

    def __init__(self) -> None:
        self._tables = Tables()

    def __len__(self) -> int:
        return len(self._tables.slots)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._tables.slots

    def add(self, doc: SearchDoc) -> None:
        """Index `doc`, replacing an earlier version with the same id."""
        self._tables.put(doc)

    def add_many(self, docs: Iterable[SearchDoc]) -> None:
        """Index many items (a service starting up): like `add` each, ranked in one go."""
        self._tables.put_many(docs)

    def remove(self, doc_id: str) -> bool:
        """Forget `doc_id` (retired or unpublished); False when it was not indexed."""
        return self._tables.drop(doc_id)

    def set_popularity(self, doc_id: str, popularity: float) -> None:
        """Re-rank one item (plays counted since); a no-op for an unknown id."""
        self._tables.set_popularity(doc_id, popularity)

    def search(
        self,
        query: str,
        *,
        section: Section | None = None,
        kind: ContentKind | None = None,
        source_level: str | None = None,
        visible_scopes: Collection[str] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchResult:
        """Hits for `query` among the items passing every filter given.

        `visible_scopes` is the set of the viewer's ancestor site paths (None: no
        visibility filter, for internal callers). `limit` is capped at MAX_LIMIT and
        `offset` at MAX_OFFSET.
        """
        norm = normalize(query)
        allowed = self._allowed(section, kind, source_level, visible_scopes)
        if not norm.text:
            return SearchResult.empty(notes=norm.notes)
        outcome = find(self._tables, norm.terms, allowed) if allowed else Outcome([], 0)
        limit = max(0, min(limit, MAX_LIMIT))
        offset = max(0, min(offset, MAX_OFFSET))
        items = tuple(
            self._hit(slot, kind_, sub, norm.terms, outcome)
            for slot, kind_, sub in self._tables.ranking.page(outcome.groups, offset, limit)
        )
        top = items[0] if items and offset == 0 else None
        return SearchResult(
            items=items,
            total=outcome.total,
            query=norm.text,
            term=_canonical(top, norm.text),
            notes=norm.notes,
            partial=outcome.partial,
        )

    def suggest(
        self,
        prefix: str,
        *,
        limit: int = 8,
        section: Section | None = None,
        visible_scopes: Collection[str] | None = None,
    ) -> list[str]:
        """Titles for what has been typed so far: those it starts first, then the rest.

        Visibility applies as in `search`: a viewer is never offered a title it
        could not open.
        """
        norm = normalize(prefix)
        allowed = self._allowed(section, None, None, visible_scopes)
        if not norm.text or not allowed:
            return []
        outcome = find(self._tables, norm.terms, allowed)
        starting = sorted(outcome.groups, key=lambda group: (group[1] & 1, group[0], group[1]))
        want = max(0, min(limit, MAX_LIMIT))
        titles: dict[str, None] = {}
        for slot, _, _ in self._tables.ranking.page(starting, 0, want * 2):
            titles.setdefault(self._tables.entry(slot).doc.title, None)
        return list(titles)[:want]

    def _allowed(
        self,
        section: Section | None,
        kind: ContentKind | None,
        source_level: str | None,
        visible_scopes: Collection[str] | None,
    ) -> int:
        postings = self._tables.postings
        allowed = self._tables.live
        if section is not None:
            allowed &= postings.bitmap(f"S:{section}")
        if kind is not None:
            allowed &= postings.bitmap(f"K:{kind}")
        if source_level is not None:
            allowed &= postings.bitmap(f"L:{source_level}")
        if visible_scopes is not None:
            allowed &= postings.any_of(f"V:{scope}" for scope in visible_scopes)
        return allowed

    def _hit(self, slot: int, kind: MatchKind, sub: int, terms: list[str], outcome: Outcome) -> Hit:
        entry = self._tables.entry(slot)
        return Hit(entry.doc.id, score(kind, sub), _why(slot, entry, kind, terms, outcome), kind)


def _why(slot: int, entry: Entry, kind: MatchKind, terms: list[str], outcome: Outcome) -> str:
    """The label of the match and the words of the title it matched: "拼音首字母：柔力球"."""
    label = MATCH_LABELS[kind]
    if kind is MatchKind.TITLE_EXACT:
        return label
    if kind is MatchKind.BODY:
        return f"{label}：{'、'.join(terms)}"
    homophone = kind >= MatchKind.HOMOPHONE
    spans = outcome.spans
    if kind is MatchKind.TYPO:
        tries = [[fixed] for fixed in outcome.corrections]
    else:
        tries = [["".join(terms)], terms]
    for words in tries:
        parts = []
        for word in words:
            where = spans.known.get((word, slot))
            if where is None:
                if entry.chars.find(word) >= 0:
                    at = entry.chars.find(word)
                    where = at, at + len(word)
                else:
                    found = spans.matcher(word, homophone=homophone).match(entry.rendered)
                    if found is None:
                        break
                    where = found[1], found[2]
            parts.append(entry.chars[where[0] : where[1]])
        else:
            return f"{label}：{'、'.join(parts)}"
    return label


def _canonical(top: Hit | None, text: str) -> str:
    """What the resident meant: the matched words of the top hit for pinyin or sounds."""
    if top is None or top.kind < MatchKind.PINYIN:
        return text
    _, _, span = top.why.partition("：")
    return span.split("、")[0] or text
