"""In-process read model of what residents can see, kept fresh by the service's own
writes: published items, the search index over them, series episodes, and heat.

Hot reads (open an item, browse a section, search, hot list) are answered from
memory; a miss reads through to MongoDB. Replicas learn of each other's writes from
the catalog's own events (a plain subscription: every replica sees every event).
"""

from __future__ import annotations

from collections import defaultdict

from services.contracts.identity import Caller
from services.runtime import sites

from .domain.content import Content, visible_to, visible_to_public
from .domain.hot import HotBoard
from .domain.search import SearchDoc, SearchIndex


def search_doc(item: Content, popularity: float = 0.0) -> SearchDoc:
    return SearchDoc(
        id=item.id,
        title=item.title,
        section=item.section,
        kind=item.kind,
        source_level=item.source_level.value,
        scope=item.scope,
        popularity=popularity,
        tags=item.tags,
    )


class PublishedContent:
    def __init__(self) -> None:
        self._items: dict[str, Content] = {}
        self._episodes: dict[str, dict[int, str]] = defaultdict(dict)
        self.index = SearchIndex()
        self.hot = HotBoard()

    def __len__(self) -> int:
        return len(self._items)

    def load(self, items: list[Content]) -> None:
        """Start-up: index every published item at once (ranked once, not per item)."""
        visible = [item for item in items if visible_to_public(item)]
        for item in visible:
            self._items[item.id] = item
            if item.series_id is not None and item.episode is not None:
                self._episodes[item.series_id][item.episode] = item.id
        self.index.add_many(search_doc(item) for item in visible)

    def heat_changed(self, content_id: str, heat: float) -> None:
        """Ties between equally good search matches go to what people play."""
        if content_id in self._items:
            self.index.set_popularity(content_id, heat)

    def put(self, item: Content) -> None:
        """Apply the latest state of an item (published or not)."""
        self.remove(item.id)
        if not visible_to_public(item):
            return
        self._items[item.id] = item
        self.index.add(search_doc(item))
        if item.series_id is not None and item.episode is not None:
            self._episodes[item.series_id][item.episode] = item.id

    def remove(self, content_id: str) -> None:
        old = self._items.pop(content_id, None)
        if old is None:
            return
        self.index.remove(content_id)
        if old.series_id is not None and old.episode is not None:
            self._episodes[old.series_id].pop(old.episode, None)

    def has(self, content_id: str) -> bool:
        return content_id in self._items

    def get(self, content_id: str) -> Content | None:
        return self._items.get(content_id)

    def get_visible(self, content_id: str, caller: Caller) -> Content | None:
        item = self._items.get(content_id)
        return item if item is not None and visible_to(item, caller) else None

    def visible_items(self, site: str) -> list[Content]:
        scopes = set(sites.ancestors(site))
        return [item for item in self._items.values() if item.scope in scopes]

    def episodes(self, series_id: str) -> list[Content]:
        """The series' published episodes in order."""
        numbers = self._episodes.get(series_id, {})
        return [self._items[numbers[n]] for n in sorted(numbers) if numbers[n] in self._items]

    def episode_count(self, series_id: str) -> int:
        return len(self._episodes.get(series_id, {}))

    def next_episode(self, item: Content) -> Content | None:
        """Continuous play: the following published episode of the same series."""
        if item.series_id is None or item.episode is None:
            return None
        later = sorted(n for n in self._episodes.get(item.series_id, {}) if n > item.episode)
        return self._items.get(self._episodes[item.series_id][later[0]]) if later else None
