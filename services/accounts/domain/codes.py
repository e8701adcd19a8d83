"""One-time sign-in codes by SMS: short-lived, single-use, few tries, rate-limited per
phone and per client address so nobody can flood a number or guess a code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from typing import Final

CODE_TTL_S: Final = 5 * 60
RESEND_AFTER_S: Final = 60
MAX_TRIES: Final = 5
PER_PHONE_PER_DAY: Final = 10
PER_CLIENT_PER_HOUR: Final = 20


@dataclass(frozen=True)
class IssuedCode:
    code_hash: str
    issued_at: float
    expires_at: float
    tries: int = 0
    used: bool = False


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def hash_code(secret: bytes, phone_index: str, code: str) -> str:
    return hmac.new(secret, f"{phone_index}:{code}".encode(), hashlib.sha256).hexdigest()


def issue(secret: bytes, phone_index: str, code: str, now: float) -> IssuedCode:
    return IssuedCode(hash_code(secret, phone_index, code), now, now + CODE_TTL_S)


def retry_after(
    last_issued_at: float | None, sent_today: int, sent_by_client: int, now: float
) -> int:
    """Seconds until another code may be sent (0 = now)."""
    if sent_today >= PER_PHONE_PER_DAY or sent_by_client >= PER_CLIENT_PER_HOUR:
        return 3600
    if last_issued_at is not None and now - last_issued_at < RESEND_AFTER_S:
        return int(RESEND_AFTER_S - (now - last_issued_at)) + 1
    return 0


class CodeRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check(issued: IssuedCode, presented_hash: str, now: float) -> IssuedCode:
    """The code after one attempt; raises CodeRefused (expired, used, too many, wrong)."""
    if issued.used:
        raise CodeRefused("used")
    if now > issued.expires_at:
        raise CodeRefused("expired")
    if issued.tries >= MAX_TRIES:
        raise CodeRefused("too_many_tries")
    if not hmac.compare_digest(issued.code_hash, presented_hash):
        raise CodeRefused("wrong")
    return replace(issued, used=True, tries=issued.tries + 1)


def tried(issued: IssuedCode) -> IssuedCode:
    return replace(issued, tries=issued.tries + 1)
