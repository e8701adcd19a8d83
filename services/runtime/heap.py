"""Keeping the collector off the start-up heap of a long-running process."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Move everything built at start-up (imports, read models, the search index) out of
    the garbage collector's reach: otherwise each full collection walks all of it, and
    those pauses were the tail of the read latency."""
    gc.collect()
    gc.freeze()
