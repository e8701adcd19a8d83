"""Finding the items a query matches, tier by tier, as groups of slots.

Tiers, strictest first; a looser one is only consulted when the stricter ones found
little, so an exact query is not drowned in near misses and a query that matches
nothing returns nothing:

1. characters, full pinyin, initials and any mix of them in the title (the whole
   query side by side, then — when that found fewer than `WORDS_BELOW` — every
   space-separated word somewhere), and the query in the tags;
2. homophones, when tier 1 found fewer than `HOMOPHONE_BELOW` items and the query
   has at least two characters;
3. pinyin typos, when nothing at all was found.

Per term, each reading (`query.term_variants`) asks the postings for the titles
holding its keys side by side. A reading of one or two units is answered by the
keys alone; a longer one gives candidates, checked in bulk (`Tables`, `Probe`).
A term with more than VERIFY_MAX candidates is checked on its most popular ones;
when nearly all of those matched, the rest are counted as matches, ranked after
them, and the result says `partial` (its total is then an estimate).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from .matcher import Matcher, Probe, probe
from .model import MatchKind
from .normalize import is_han, is_latin
from .postings import iter_bits, to_bitmap
from .query import Unit, pair_keys, term_variants, triple_keys
from .ranking import Group, settle, union
from .tables import Tables

HOMOPHONE_BELOW: Final = 3
WORDS_BELOW: Final = 10
VERIFY_MAX: Final = 3_000  # candidates checked for one term (the most popular); more: partial
UNCHECKED: Final = 1_000  # the order of a broad term's unchecked candidates within its kind
MAX_CORRECTIONS: Final = 4
MAX_WORDS: Final = 24  # words told apart when two initials or syllables spell several
WORDS_APART: Final = 256  # checked titles told apart by the word they matched, at most


class Spans:
    """Per search: where checked titles matched, and one matcher per term and tier."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, int], tuple[int, int]] = {}
        self._matchers: dict[tuple[str, bool], Matcher] = {}

    def matcher(self, term: str, *, homophone: bool) -> Matcher:
        key = (term, homophone)
        found = self._matchers.get(key)
        if found is None:
            variants, _ = term_variants(term, homophone=homophone)
            found = self._matchers[key] = Matcher(term, variants)
        return found


@dataclass(slots=True)
class Outcome:
    groups: list[Group]
    total: int
    spans: Spans = field(default_factory=Spans)
    corrections: list[str] = field(default_factory=list)
    partial: bool = False


def find(tables: Tables, terms: list[str], allowed: int) -> Outcome:
    phrase = "".join(terms)
    search = _Search(tables, allowed)
    search.collect(phrase, terms, homophone=False)
    groups, total = settle(search.found)
    if total < HOMOPHONE_BELOW and sum(map(is_han, phrase)) >= 2:
        search.collect(phrase, terms, homophone=True)
        groups, total = settle(search.found)
    corrections: list[str] = []
    if total == 0:
        for rank, fixed in enumerate(_corrected(phrase, tables.typos.corrections)):
            if settle(search.found)[1] >= HOMOPHONE_BELOW:
                break  # the likelier spellings found enough
            corrections.append(fixed)
            before = len(search.found)
            search.collect(fixed, [fixed], homophone=False)
            search.found[before:] = [
                (MatchKind.TYPO, 2 * rank + (sub & 1), bits)
                for _, sub, bits in search.found[before:]
            ]
        groups, total = settle(search.found)
    return Outcome(groups, total, search.spans, corrections, search.partial)


class _Search:
    def __init__(self, tables: Tables, allowed: int) -> None:
        self.tables = tables
        self.postings = tables.postings
        self.allowed = allowed
        self.found: list[Group] = []
        self.spans = Spans()
        self.partial = False

    def collect(self, phrase: str, terms: list[str], *, homophone: bool) -> None:
        """Groups for `phrase` and, for several words found too rarely together, words apart."""
        self.found.extend(self.term(phrase, homophone=homophone))
        if len(terms) < 2 or settle(self.found)[1] >= WORDS_BELOW:
            return
        per_term = [self.term(term, homophone=homophone) for term in terms]
        reached = self.allowed
        for level in MatchKind:
            within = self.allowed
            for groups in per_term:
                within &= union(bits for kind, _, bits in groups if kind <= level)
            fresh = within & reached
            if fresh:
                kind = MatchKind.TITLE_WORDS if level <= MatchKind.TITLE_WORDS else level
                self.found.append((kind, 1, fresh))
                reached &= ~fresh

    def term(self, term: str, *, homophone: bool) -> list[Group]:
        """The groups for one term matched side by side."""
        found: list[Group] = []
        if homophone and sum(map(is_han, term)) < 2:
            return found  # one character by its sound alone matches half the catalog
        if not homophone:
            exact = self.postings.bitmap(f"={term}") & self.allowed
            found.append((MatchKind.TITLE_EXACT, 0, exact))
            found.append((MatchKind.BODY, 1, self._body(term)))
        pending: list[tuple[MatchKind, tuple[Unit, ...], int]] = []
        settled = 0
        variants, _ = term_variants(term, homophone=homophone)
        for units in variants:
            bits, start_keys = self._variant(units)
            if not bits:
                continue
            kind = max(unit.kind for unit in units)
            if start_keys is None or homophone:
                pending.append((kind, units, bits))
                continue
            first = bits & self.postings.any_of(start_keys)
            settled |= bits
            if len(units) == 2 and kind >= MatchKind.PINYIN:
                found.extend(self._by_word(kind, units, bits, first))
            else:
                whole_first, whole = self._whole_syllable(units)
                found.append((kind, 0, first & whole_first))
                found.append((kind, 1, bits & whole))
                found.append((kind, 2, first))
                found.append((kind, 3, bits))
        if pending:
            found.extend(self._check(term, pending, settled, homophone=homophone))
        return found

    def _check(
        self,
        term: str,
        pending: list[tuple[MatchKind, tuple[Unit, ...], int]],
        settled: int,
        *,
        homophone: bool,
    ) -> list[Group]:
        """Check the candidates of the readings the keys could not prove, in bulk.

        First the term as a plain substring of the title, then each reading's pattern
        on that reading's own candidates, best kind first — both run in C. Per-title
        work in Python is left for telling words apart (below WORDS_APART titles).
        """
        tables = self.tables
        candidates = union(bits for _, _, bits in pending) & ~settled
        unchecked = 0
        if candidates.bit_count() > VERIFY_MAX:
            self.partial = True
            checked = to_bitmap(tables.ranking.best(candidates, VERIFY_MAX))
            unchecked, candidates = candidates & ~checked, checked
        found: list[Group] = []
        done = settled
        if not homophone:
            chars = tables.chars
            misses = to_bitmap(s for s in iter_bits(candidates) if term not in chars[s])
            literal = candidates & ~misses
            first = literal & self._starting(term)
            found += [(MatchKind.TITLE, 0, first), (MatchKind.TITLE, 1, literal)]
            done |= literal
        rendered = tables.rendered
        for kind, units, bits in sorted(pending, key=lambda p: p[0]):
            if not homophone and all(unit.code in "cl" for unit in units):
                continue  # the term's own characters: the substring test above
            checking = bits & candidates & ~done
            if not checking:
                continue
            check = probe(units)
            search = check.anywhere.search
            slots = list(iter_bits(checking))
            failed = [s for s in slots if not search(rendered[s])]
            if len(failed) == len(slots):
                continue
            matched = checking & ~to_bitmap(failed)
            if len(slots) - len(failed) <= WORDS_APART:
                found.extend(self._words_apart(term, check, list(iter_bits(matched))))
            else:
                first = matched & self.postings.any_of(_start_keys(units))
                found += [(kind, 0, first), (kind, 1, matched)]
            done |= matched
        if unchecked and (done & candidates).bit_count() >= 0.9 * VERIFY_MAX:
            # A very broad term: its most popular candidates nearly all matched, so the
            # rest are counted as matches too, ranked after every checked one.
            kind = max(kind for kind, _, _ in pending)
            found.append((kind, UNCHECKED, unchecked))
        return found

    def _starting(self, term: str) -> int:
        """Slots with a part of the title starting with the term's first two characters
        (a cheap stand-in for "the match starts a part", good enough to rank by)."""
        return self.postings.bitmap(f"^c{term[:2]}") if len(term) >= 2 else 0

    def _words_apart(self, term: str, check: Probe, matched: list[int]) -> list[Group]:
        """The same letters or sounds spell several words (jz: 剪纸, 讲座; tjq: 太极拳,
        构图技巧): the word more titles use comes first, as an input method guesses."""
        chars, rendered, known = self.tables.chars, self.tables.rendered, self.spans.known
        words: dict[str, tuple[list[int], list[int]]] = {}
        for slot in matched:
            where = check.find(rendered[slot])
            if where is None:  # not expected: `matched` passed the same pattern
                continue
            _, first, last, head = where
            known[(term, slot)] = (first, last)
            words.setdefault(chars[slot][first:last], ([], []))[0 if head else 1].append(slot)
        ranked = sorted(words.items(), key=lambda w: (-len(w[1][0]) - len(w[1][1]), w[0]))
        found: list[Group] = []
        for rank, (_, (heads, others)) in enumerate(ranked):
            found.append((check.kind, 2 * rank, to_bitmap(heads)))
            found.append((check.kind, 2 * rank + 1, to_bitmap(others)))
        return found

    def _by_word(
        self, kind: MatchKind, units: tuple[Unit, ...], bits: int, first: int
    ) -> list[Group]:
        """Two initials or syllables: the words they spell, the commonest first (jz: 讲座…)."""
        counts: dict[str, int] = {}
        for key in pair_keys(units[0], units[1])[0]:
            for word, count in self.tables.words.get(key, {}).items():
                counts[word] = max(counts.get(word, 0), count)
        ranked = sorted(counts, key=lambda word: (-counts[word], word))[:MAX_WORDS]
        found: list[Group] = []
        for rank, word in enumerate(ranked):
            spelled = bits & self.postings.bitmap(f"c{word}")
            if spelled:
                found.append((kind, 2 * rank, spelled & first))
                found.append((kind, 2 * rank + 1, spelled))
                bits &= ~spelled
        found.append((kind, 2 * len(ranked), bits & first))
        found.append((kind, 2 * len(ranked) + 1, bits))
        return found

    def _whole_syllable(self, units: tuple[Unit, ...]) -> tuple[int, int]:
        """For "ji" typed alone: titles with the syllable ji itself before jia, jian, jing…

        The slots holding the whole syllable at the start of a part, and anywhere
        (-1, every slot, when the distinction does not apply).
        """
        last = units[-1]
        if len(units) == 1 and last.code == "p" and last.kind is MatchKind.PINYIN:
            return self.postings.bitmap(f"^s{last.text}"), self.postings.bitmap(f"s{last.text}")
        return -1, -1

    def _variant(self, units: tuple[Unit, ...]) -> tuple[int, list[str] | None]:
        """Slots holding the reading's keys, and its start keys when the keys prove a match."""
        postings = self.postings
        if len(units) == 1:
            return postings.any_of(units[0].keys()) & self.allowed, units[0].keys("^")
        bits = self.allowed
        proven = [False] * len(units)
        for at in range(len(units) - 1):
            keys, exact = pair_keys(units[at], units[at + 1])
            if keys:
                bits &= postings.any_of(keys)
                if not bits:
                    return 0, None
            proven[at] = proven[at] or exact
            proven[at + 1] = proven[at + 1] or exact
        for at in range(len(units) - 2):
            if all(unit.code == "i" for unit in units[at : at + 3]):
                bits &= postings.any_of(triple_keys(units[at : at + 3]))
                if not bits:
                    return 0, None
        for unit, done in zip(units, proven, strict=True):
            if not done and unit.code in "clsh":
                bits &= postings.any_of(unit.keys())
                if not bits:
                    return 0, None
        if len(units) == 2 and proven[0]:
            return bits, pair_keys(units[0], units[1], "^")[0]
        return bits, None

    def _body(self, term: str) -> int:
        """Slots whose tags contain `term` (two characters at least)."""
        if len(term) < 2:
            return 0
        bits = self.allowed
        for at in range(len(term) - 1):
            bits &= self.postings.bitmap(f"b{term[at : at + 2]}")
            if not bits:
                return 0
        if len(term) > 2:
            bits = to_bitmap(s for s in iter_bits(bits) if term in self.tables.entry(s).body)
        return bits


def _start_keys(units: tuple[Unit, ...]) -> list[str]:
    """Keys held by titles where a part starts with the reading's first two units."""
    if len(units) < 2:
        return units[0].keys("^")
    return pair_keys(units[0], units[1], "^")[0]


def _corrected(phrase: str, corrections: Callable[[str], list[str]]) -> list[str]:
    """The phrase with one of its letter runs replaced by a likely intended spelling."""
    out: list[str] = []
    at = 0
    while at < len(phrase):
        if not is_latin(phrase[at]):
            at += 1
            continue
        end = at
        while end < len(phrase) and is_latin(phrase[end]):
            end += 1
        for fixed in corrections(phrase[at:end]):
            out.append(phrase[:at] + fixed + phrase[end:])
        at = end
    return out[:MAX_CORRECTIONS]
