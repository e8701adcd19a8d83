"""Sessions behind the tokens: refresh rotates, a reused refresh token ends the session
(it was stolen or replayed), logout and revocation end it at once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Final

SESSION_TTL_S: Final = 30 * 24 * 3600
KIOSK_SESSION_TTL_S: Final = 7 * 24 * 3600


@dataclass(frozen=True)
class Session:
    id: str
    account_id: str
    refresh_id: str
    expires_at: float
    revoked: bool = False


def start(account_id: str, now: float, ttl_s: float = SESSION_TTL_S) -> Session:
    return Session(str(uuid.uuid4()), account_id, str(uuid.uuid4()), now + ttl_s)


class RefreshRefused(Exception):
    def __init__(self, reason: str, *, revoke: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.revoke = revoke


def rotate(session: Session, presented_refresh_id: str, now: float) -> Session:
    if session.revoked:
        raise RefreshRefused("revoked")
    if now > session.expires_at:
        raise RefreshRefused("expired")
    if presented_refresh_id != session.refresh_id:
        raise RefreshRefused("reused", revoke=True)
    return replace(session, refresh_id=str(uuid.uuid4()))


def revoke(session: Session) -> Session:
    return replace(session, revoked=True)
