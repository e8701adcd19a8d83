"""What every catalog use case needs: host (outbox, events), stores, read model, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.catalog.read_model import PublishedContent
from services.catalog.store import ContentStore
from services.runtime import clock
from services.runtime.service import ServiceHost


@dataclass
class Context:
    host: ServiceHost
    store: ContentStore
    read: PublishedContent
    retire_notice: timedelta
    clock: Callable[[], datetime] = field(default=clock.now)

    def now(self) -> datetime:
        return self.clock()
