"""One index over the quality corpus, shared by the tests of this package (read-only)."""

from __future__ import annotations

import pytest

from services.catalog.domain.search import SearchDoc, SearchIndex
from tests.data.catalog_titles import TITLES


def corpus_docs() -> list[SearchDoc]:
    return [
        SearchDoc(
            id=t.id,
            title=t.title,
            section=t.section,
            kind=t.kind,
            source_level=t.source_level,
            scope=t.scope,
            popularity=t.popularity,
        )
        for t in TITLES
    ]


@pytest.fixture(scope="package")
def corpus() -> SearchIndex:
    index = SearchIndex()
    index.add_many(corpus_docs())
    return index
