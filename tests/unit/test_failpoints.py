"""Failpoints: armed only by WENMING_FAILPOINTS, read once per process (cached)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from services.runtime import failpoints


@pytest.fixture
def arm(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set WENMING_FAILPOINTS for one test; `_armed` is cached, so clear it both ways."""
    monkeypatch.delenv("WENMING_FAILPOINTS", raising=False)
    failpoints._armed.cache_clear()
    yield monkeypatch
    failpoints._armed.cache_clear()


def test_unarmed_hit_is_a_no_op(arm: pytest.MonkeyPatch) -> None:
    failpoints.hit("outbox.after_commit")
    failpoints.hit("inbox.effect")
    assert failpoints._armed() == {}


def test_raise_action_raises_injected_fault(arm: pytest.MonkeyPatch) -> None:
    arm.setenv("WENMING_FAILPOINTS", "inbox.effect:raise")
    with pytest.raises(failpoints.InjectedFault, match=r"^inbox\.effect$"):
        failpoints.hit("inbox.effect")
    failpoints.hit("outbox.after_commit")  # another point stays a no-op


def test_a_point_without_action_raises(arm: pytest.MonkeyPatch) -> None:
    arm.setenv("WENMING_FAILPOINTS", " outbox.after_commit , ,inbox.effect:raise")
    assert failpoints._armed() == {"outbox.after_commit": "raise", "inbox.effect": "raise"}
    with pytest.raises(failpoints.InjectedFault):
        failpoints.hit("outbox.after_commit")


def test_injected_fault_is_a_runtime_error() -> None:
    assert issubclass(failpoints.InjectedFault, RuntimeError)


def test_kill_action_sends_sigkill_to_this_process(arm: pytest.MonkeyPatch) -> None:
    sent: list[tuple[int, int]] = []
    arm.setattr(os, "kill", lambda pid, sig: sent.append((pid, sig)))
    arm.setenv("WENMING_FAILPOINTS", "outbox.after_commit:kill")
    failpoints.hit("inbox.effect")
    assert sent == []
    failpoints.hit("outbox.after_commit")
    assert sent == [(os.getpid(), signal.SIGKILL)]


def test_unknown_action_is_a_no_op(arm: pytest.MonkeyPatch) -> None:
    arm.setenv("WENMING_FAILPOINTS", "inbox.effect:explode")
    failpoints.hit("inbox.effect")


def test_the_spec_is_read_once(arm: pytest.MonkeyPatch) -> None:
    failpoints.hit("inbox.effect")  # caches the empty spec
    arm.setenv("WENMING_FAILPOINTS", "inbox.effect:raise")
    failpoints.hit("inbox.effect")  # still cached: armed only at process start
    failpoints._armed.cache_clear()
    with pytest.raises(failpoints.InjectedFault):
        failpoints.hit("inbox.effect")
