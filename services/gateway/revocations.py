"""Sessions ended before their access tokens expire (logout, revoked kiosk, reset password).

Every gateway replica keeps the set in memory: it loads the recent ones at start and
hears each new one on the accounts service's `session_revoked` event, so a revoked
token is refused at once without a bus call per request.
"""

from __future__ import annotations

import time


class Revocations:
    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def add(self, session_id: str, until: float) -> None:
        self._until[session_id] = max(until, self._until.get(session_id, 0.0))
        if len(self._until) > 1000:
            self.prune()

    def revoked(self, session_id: str | None) -> bool:
        return session_id is not None and session_id in self._until

    def prune(self, now: float | None = None) -> None:
        now = now if now is not None else time.time()
        self._until = {sid: until for sid, until in self._until.items() if until > now}

    def __len__(self) -> int:
        return len(self._until)
