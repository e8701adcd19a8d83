"""Password lock-out: five wrong passwords within 15 minutes lock the account for 15
minutes, or until a higher-level admin unlocks it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

MAX_FAILURES: Final = 5
WINDOW_S: Final = 15 * 60
LOCK_S: Final = 15 * 60


@dataclass(frozen=True)
class Attempts:
    failures: int = 0
    first_failure_at: float = 0.0
    locked_until: float = 0.0


def is_locked(state: Attempts, now: float) -> bool:
    return state.locked_until > now


def failed(state: Attempts, now: float) -> Attempts:
    if now - state.first_failure_at > WINDOW_S:
        state = Attempts(failures=0, first_failure_at=now)
    state = replace(state, failures=state.failures + 1)
    if state.failures >= MAX_FAILURES:
        return Attempts(failures=0, first_failure_at=0.0, locked_until=now + LOCK_S)
    return state


def succeeded() -> Attempts:
    return Attempts()
