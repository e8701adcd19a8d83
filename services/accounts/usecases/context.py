"""What every accounts use case needs: the store, the host (events), keys and a clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.accounts.sms import SmsSender
from services.accounts.store import AccountsStore
from services.runtime.pii import PiiCipher
from services.runtime.service import ServiceHost


@dataclass
class Context:
    host: ServiceHost
    store: AccountsStore
    cipher: PiiCipher
    code_secret: bytes
    sms: SmsSender
    root_site: str
    clock: Callable[[], float] = field(default=time.time)

    def now(self) -> float:
        return self.clock()

    def now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)
