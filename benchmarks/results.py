"""What one measurement is, and the percentile helper the Python load clients share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Measurement:
    """One scenario at one concurrency: throughput and latency over the measured window."""

    scenario: str
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    notes: list[str] = field(default_factory=list)
    # (e) only: creates/s end to end (until the evaluation count caught up).
    end_to_end_per_s: float | None = None
    # Cores used during the window: each process under test, the load generator, others.
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def headline(self) -> float:
        """The figure goals and ratios use: end-to-end rate for (e), else req/s."""
        return self.end_to_end_per_s if self.end_to_end_per_s is not None else self.rps


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]
