"""Search quality over the hand-written corpus: precision@3 per kind of query.

P@3 of one query = relevant hits among the first three / min(3, relevant titles),
so a query with one relevant title scores 1.0 when that title is in the top three.
A query that must find nothing scores 1.0 when it finds nothing and 0.0 otherwise.
`pytest -s` prints the table. Last run (235 titles, 140 queries):

| kind        | queries | P@3   | first hit relevant |
|-------------|---------|-------|--------------------|
| chinese     |      17 | 1.000 | 17/17 |
| pinyin      |      23 | 1.000 | 23/23 |
| initials    |      16 | 1.000 | 16/16 |
| mixed       |      12 | 1.000 | 12/12 |
| homophone   |      14 | 1.000 | 14/14 |
| typo        |      12 | 1.000 | 12/12 |
| traditional |      12 | 1.000 | 12/12 |
| filters     |      10 | 1.000 | 10/10 |
| none        |      14 | 1.000 | 14/14 |
| stretch     |      10 | 0.800 | 8/10 |
| overall     |     130 | 1.000 | (stretch not included) |

Stretch misses: "xouliqiu" (the first letter wrong) and "jz" (讲座 outnumbers 剪纸).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from services.catalog.domain.search import SearchIndex, SearchResult
from services.catalog.domain.search.normalize import fold, normalize
from tests.data.catalog_titles import KINDS, QUERIES, TITLES, Query

OVERALL_MIN = 0.9
KIND_MIN = 0.8


def relevant(query: Query) -> set[str]:
    """Titles with one of the query's words inside one part (not across "：")."""
    words = [fold(w) for w in query.about]
    return {
        t.id
        for t in TITLES
        if any(w in part for w in words for part in normalize(t.title, limit=None).terms)
        and all(str(getattr(t, name)) == value for name, value in query.filters.items())
    }


def run(index: SearchIndex, query: Query) -> SearchResult:
    filters: dict[str, Any] = dict(query.filters)
    return index.search(query.text, **filters)


def precision_at_3(found: list[str], wanted: set[str]) -> float:
    if not wanted:
        return 1.0 if not found else 0.0
    return sum(1 for doc_id in found[:3] if doc_id in wanted) / min(3, len(wanted))


def test_corpus_is_big_enough() -> None:
    assert len(TITLES) >= 200
    assert len({t.id for t in TITLES}) == len(TITLES)
    assert len(QUERIES) >= 60
    assert {query.kind for query in QUERIES} == set(KINDS)
    for query in QUERIES:
        assert query.kind == "none" or relevant(query), query


def test_precision_at_3_per_kind(corpus: SearchIndex) -> None:
    scores: dict[str, list[float]] = defaultdict(list)
    first_ok: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    for query in QUERIES:
        wanted = relevant(query)
        found = [hit.id for hit in run(corpus, query).items]
        score = precision_at_3(found, wanted)
        scores[query.kind].append(score)
        first_ok[query.kind].append(
            (not wanted and not found) or (bool(found) and found[0] in wanted)
        )
        if score < 1:
            misses.append(f"{query.kind:<11} {query.text[:20]!r:<24} P@3={score:.2f} {found[:3]}")
    rows = [
        f"| {kind:<11} | {len(scores[kind]):>7} | {mean(scores[kind]):.3f} | "
        f"{sum(first_ok[kind])}/{len(first_ok[kind])} |"
        for kind in KINDS
    ]
    every = [s for kind in KINDS if kind != "stretch" for s in scores[kind]]
    print("\n| kind        | queries | P@3   | first hit relevant |")
    print("|-------------|---------|-------|--------------------|")
    print("\n".join(rows))
    print(f"| overall     | {len(every):>7} | {mean(every):.3f} | (stretch not included) |")
    print("\n".join(misses) or "no misses")
    assert mean(every) >= OVERALL_MIN
    for kind in KINDS:
        if kind != "stretch":
            assert mean(scores[kind]) >= KIND_MIN, kind
            assert all(first_ok[kind]), (kind, misses)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


@pytest.mark.parametrize("query", [q for q in QUERIES if q.kind == "none"], ids=repr)
def test_nothing_to_find_finds_nothing(corpus: SearchIndex, query: Query) -> None:
    result = run(corpus, query)
    assert result.total == 0
    assert result.items == ()
