"""Search that forgives (DESIGN §7 catalog; seed 000 asks for a global fuzzy search).

Pure and in memory: the catalog read model feeds it published items and asks it
questions. Chinese substrings and words, full pinyin with or without spaces,
pinyin initials, characters mixed with pinyin, homophones, pinyin typos and
traditional characters all find the item; filters and visibility apply before
paging. `matching` has the tiers, `ranking` the order, `normalize` what a query
is reduced to (at most 64 characters, never a pattern), `hot` the week's top
search terms.
"""

from .hot import HotTerms, Week
from .index import SearchIndex
from .model import MATCH_LABELS, Hit, MatchKind, SearchDoc, SearchResult
from .normalize import MAX_QUERY_CHARS, normalize

__all__ = [
    "MATCH_LABELS",
    "MAX_QUERY_CHARS",
    "Hit",
    "HotTerms",
    "MatchKind",
    "SearchDoc",
    "SearchIndex",
    "SearchResult",
    "Week",
    "normalize",
]
