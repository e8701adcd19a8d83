"""Search that forgives, suggestions as you type, and the week's hot search terms.

Everything is answered from the read model's index: an item published a moment ago
is searchable at once, a retired one disappears at once. Queries are plain text.
"""

from __future__ import annotations

from services.catalog.domain.search import HotTerms
from services.catalog.usecases.context import Context
from services.catalog.usecases.views import to_view
from services.contracts import catalog as c
from services.contracts.identity import Caller
from services.runtime import sites


def search(ctx: Context, terms: HotTerms, caller: Caller, query: c.SearchQuery) -> c.SearchPage:
    result = ctx.read.index.search(
        query.q,
        section=query.section,
        kind=query.kind,
        source_level=query.level.value if query.level else None,
        visible_scopes=frozenset(sites.ancestors(caller.site)),
        limit=query.limit,
        offset=query.offset,
    )
    if query.offset == 0 and query.record:
        terms.record(result.term, found=result.total > 0)
    hits = []
    for hit in result.items:
        item = ctx.read.get(hit.id)
        if item is not None:
            hits.append(c.SearchHit(content=to_view(item, ctx.read), why=hit.why))
    return c.SearchPage(
        items=hits, total=result.total, query=result.query, notes=list(result.notes)
    )


def suggest(ctx: Context, caller: Caller, query: c.SuggestQuery) -> c.Suggestions:
    items = ctx.read.index.suggest(
        query.prefix, limit=query.limit, visible_scopes=frozenset(sites.ancestors(caller.site))
    )
    return c.Suggestions(items=items)


def hot_terms(terms: HotTerms, query: c.HotTermsQuery) -> c.HotTerms:
    week = terms.this_week()
    return c.HotTerms(
        week=f"{week.year}-W{week.week:02d}",
        items=[c.HotTerm(term=t, count=n) for t, n in terms.top(query.limit)],
    )
