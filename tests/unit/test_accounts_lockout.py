"""Password lock-out with explicit times: 5 failures in 15 minutes lock for 15 minutes."""

from __future__ import annotations

from services.accounts.domain import lockout

T0 = 1_750_000_000.0  # a real epoch time: the window is measured from real clocks


def fail(times: list[float], state: lockout.Attempts | None = None) -> lockout.Attempts:
    state = state or lockout.Attempts()
    for now in times:
        state = lockout.failed(state, now)
    return state


def test_a_fresh_account_is_not_locked() -> None:
    assert not lockout.is_locked(lockout.Attempts(), T0)


def test_four_failures_do_not_lock() -> None:
    state = fail([T0, T0 + 1, T0 + 2, T0 + 3])
    assert state.failures == 4
    assert state.first_failure_at == T0
    assert not lockout.is_locked(state, T0 + 3)


def test_the_fifth_failure_in_the_window_locks_for_fifteen_minutes() -> None:
    state = fail([T0 + i * 60 for i in range(5)])
    locked_at = T0 + 4 * 60
    assert state.locked_until == locked_at + lockout.LOCK_S
    assert lockout.is_locked(state, locked_at)
    assert lockout.is_locked(state, locked_at + lockout.LOCK_S - 1)
    assert not lockout.is_locked(state, locked_at + lockout.LOCK_S)


def test_the_count_starts_over_once_locked() -> None:
    state = fail([T0 + i for i in range(5)])
    assert state.failures == 0
    assert state.first_failure_at == 0.0


def test_failures_spread_beyond_the_window_do_not_lock() -> None:
    # Four early failures, then the window (15 min from the first) passes.
    state = fail([T0, T0 + 10, T0 + 20, T0 + 30])
    state = lockout.failed(state, T0 + lockout.WINDOW_S + 1)
    assert state.failures == 1
    assert state.first_failure_at == T0 + lockout.WINDOW_S + 1
    assert not lockout.is_locked(state, T0 + lockout.WINDOW_S + 1)


def test_the_window_edge_still_counts() -> None:
    state = fail([T0, T0 + 1, T0 + 2, T0 + 3, T0 + lockout.WINDOW_S])
    assert lockout.is_locked(state, T0 + lockout.WINDOW_S)


def test_after_the_lock_expires_one_failure_does_not_relock() -> None:
    state = fail([T0 + i for i in range(5)])
    after = state.locked_until + 1
    state = lockout.failed(state, after)
    assert not lockout.is_locked(state, after)
    assert state.failures == 1


def test_after_the_lock_expires_five_more_failures_lock_again() -> None:
    state = fail([T0 + i for i in range(5)])
    again = state.locked_until + 1
    state = fail([again + i for i in range(5)], state)
    assert lockout.is_locked(state, again + 4)
    assert state.locked_until == again + 4 + lockout.LOCK_S


def test_success_clears_failures_and_the_lock() -> None:
    assert lockout.succeeded() == lockout.Attempts()
    assert not lockout.is_locked(lockout.succeeded(), T0)


def test_an_unlock_is_a_reset_to_nothing() -> None:
    locked = fail([T0 + i for i in range(5)])
    assert lockout.is_locked(locked, T0 + 10)
    unlocked = lockout.succeeded()
    assert not lockout.is_locked(unlocked, T0 + 10)
    # And the next failures count from zero again.
    assert lockout.failed(unlocked, T0 + 11).failures == 1
