"""What goes into the search index and what comes out of it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from services.contracts.catalog import ContentKind, Section


class MatchKind(IntEnum):
    """How a hit matched, best first; the ranking follows this order, then popularity."""

    TITLE_EXACT = 0  # the whole title is the query
    TITLE = 1  # the query is a piece of the title (柔力球 in 柔力球入门教学)
    TITLE_WORDS = 2  # every word of the query is in the title, not side by side
    BODY = 3  # found in the tags
    PINYIN = 4  # full pinyin, also mixed with characters (rouliqiu, 柔力qiu)
    INITIALS = 5  # pinyin initials (rlqjx for 柔力球教学)
    HOMOPHONE = 6  # a character with the same sound (柔丽球 for 柔力球)
    TYPO = 7  # pinyin with a letter wrong (rouliqoi)


# What the UI shows next to a hit (the matched text follows after "：").
MATCH_LABELS: Final = {
    MatchKind.TITLE_EXACT: "标题完全匹配",
    MatchKind.TITLE: "标题包含",
    MatchKind.TITLE_WORDS: "标题包含全部关键词",
    MatchKind.BODY: "标签包含",
    MatchKind.PINYIN: "拼音匹配",
    MatchKind.INITIALS: "拼音首字母",
    MatchKind.HOMOPHONE: "同音字",
    MatchKind.TYPO: "拼音纠错",
}


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One published content item as the index sees it.

    `source_level` is the level of the publishing site (province / city / center /
    institute / station); `scope` is the site path the item was published to.
    `popularity` breaks ties between equally good matches (higher first). `tags`
    are extra words searched as exact text (speaker, series, topic words); the
    title alone is searched by pinyin, initials and sound.
    """

    id: str
    title: str
    section: Section
    kind: ContentKind
    source_level: str
    scope: str
    popularity: float = 0.0
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float  # higher is better; equal scores are ordered by popularity
    why: str  # Chinese, for the UI: "拼音首字母：柔力球教学"
    kind: MatchKind


@dataclass(frozen=True, slots=True)
class SearchResult:
    items: tuple[Hit, ...]
    total: int  # hits over all pages (filters and visibility applied)
    query: str  # the query as searched, after normalisation ("" when nothing was left)
    term: str  # what the resident meant, for the hot list: "柔力球" for "rlq" or "柔丽球"
    notes: tuple[str, ...] = ()  # e.g. traditional characters converted, query cut short
    partial: bool = False  # a very broad fuzzy query was checked on its most popular part

    @staticmethod
    def empty(query: str = "", notes: tuple[str, ...] = ()) -> SearchResult:
        return SearchResult(items=(), total=0, query=query, term=query, notes=notes)
