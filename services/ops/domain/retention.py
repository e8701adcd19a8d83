"""Retention: spans older than the age limit go, and the store never keeps more than the cap.

When the cap is exceeded the oldest spans go down to a low watermark (90 % of the cap
by default), so a busy store purges in occasional chunks instead of on every pass.
"""

from __future__ import annotations

from dataclasses import dataclass

MICROS_PER_HOUR = 3_600_000_000


@dataclass(frozen=True)
class RetentionPolicy:
    max_spans: int
    max_age_hours: float
    low_watermark: float = 0.9

    def __post_init__(self) -> None:
        if self.max_spans < 1:
            raise ValueError("max_spans must be at least 1")
        if self.max_age_hours <= 0:
            raise ValueError("max_age_hours must be positive")
        if not 0 < self.low_watermark <= 1:
            raise ValueError("low_watermark must be in (0, 1]")

    @property
    def keep_after_trim(self) -> int:
        return max(1, int(self.max_spans * self.low_watermark))


def age_cutoff_us(now_us: int, policy: RetentionPolicy) -> int:
    """Spans that started before this instant (epoch µs) are past the age limit."""
    return now_us - int(policy.max_age_hours * MICROS_PER_HOUR)


def excess_spans(count: int, policy: RetentionPolicy) -> int:
    """How many of the oldest spans to delete: none until the cap is passed."""
    if count <= policy.max_spans:
        return 0
    return count - policy.keep_after_trim
