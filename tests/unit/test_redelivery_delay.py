"""Backoff of a failed event delivery (services.runtime.inbox.redelivery_delay)."""

from __future__ import annotations

import pytest

from services.runtime.inbox import redelivery_delay


@pytest.mark.parametrize(
    ("deliveries", "expected"),
    [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (7, 32.0)],
)
def test_doubles_from_the_base(deliveries: int, expected: float) -> None:
    assert redelivery_delay(deliveries, base_s=0.5) == expected


def test_first_delivery_waits_the_base_even_when_the_count_is_zero() -> None:
    assert redelivery_delay(0, base_s=0.25) == 0.25
    assert redelivery_delay(-3, base_s=0.25) == 0.25


def test_capped() -> None:
    assert redelivery_delay(8, base_s=0.5) == 60.0  # 64 s capped to the default 60
    assert redelivery_delay(5, base_s=1.0, cap_s=10.0) == 10.0
    assert redelivery_delay(4, base_s=1.0, cap_s=10.0) == 8.0


def test_capped_for_every_allowed_max_deliver() -> None:
    # ServiceSettings.max_deliver is at most 100.
    assert all(redelivery_delay(n, base_s=0.5) == 60.0 for n in range(8, 101))


def test_is_a_float_and_grows_monotonically() -> None:
    delays = [redelivery_delay(n, base_s=0.3, cap_s=20.0) for n in range(1, 12)]
    assert all(isinstance(delay, float) for delay in delays)
    assert delays == sorted(delays)
    assert delays[-1] == 20.0


def test_capped_for_any_delivery_count() -> None:
    assert redelivery_delay(2000, base_s=0.5) == 60.0
