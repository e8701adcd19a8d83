"""In-process read model of published content, kept fresh by the service's own writes.

Hot reads (a resident opening an item) are answered from memory; a miss reads
through to MongoDB. Replicas learn of each other's writes from the catalog's own
events (a plain, non-durable subscription: every replica sees every event).
"""

from __future__ import annotations

from services.contracts.catalog import ContentStatus
from services.contracts.identity import Caller

from .domain.content import Content, visible_to


class PublishedContent:
    def __init__(self) -> None:
        self._items: dict[str, Content] = {}

    def __len__(self) -> int:
        return len(self._items)

    def load(self, items: list[Content]) -> None:
        self._items = {item.id: item for item in items if item.status is ContentStatus.published}

    def put(self, item: Content) -> None:
        if item.status is ContentStatus.published:
            self._items[item.id] = item
        else:
            self._items.pop(item.id, None)

    def has(self, content_id: str) -> bool:
        return content_id in self._items

    def get_visible(self, content_id: str, caller: Caller) -> Content | None:
        item = self._items.get(content_id)
        return item if item is not None and visible_to(item, caller) else None
