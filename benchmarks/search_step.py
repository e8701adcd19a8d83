"""C1 inside `make bench`: `benchmarks.search_bench` at 50,000 items, in a child process.

The child has its own heap (the index's memory is not mixed with the harness's) and
ends with one `SEARCH_RESULT {json}` line; this module holds that line's shape.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field

from benchmarks.machine import CpuWindow

MARKER = "SEARCH_RESULT "


@dataclass
class SearchFigures:
    """C1 as `make bench` reports it (milliseconds unless named otherwise)."""

    docs: int
    queries: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float
    index_wall_s: float
    index_cpu_s: float
    rss_growth_mib: float
    add_ms: float
    remove_ms: float
    traced_mib: float | None = None
    # Wall-clock p99 per query kind.
    p99_by_kind: dict[str, float] = field(default_factory=dict)
    # Cores other processes on the machine used while it ran (filled by `measure`).
    other_cores: float = 0.0
    elapsed_s: float = 0.0


def measure(docs: int = 50_000) -> SearchFigures:
    """Run `benchmarks.search_bench` in a child process and read its JSON line."""
    argv = [sys.executable, "-m", "benchmarks.search_bench", "--docs", str(docs)]
    argv += ["--no-memory", "--json"]
    started = time.monotonic()
    with CpuWindow() as window:
        out = subprocess.run(argv, capture_output=True, text=True, check=False)
        cpu = window.cores()
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith(MARKER)), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"search_bench failed ({out.returncode}): {out.stderr[-2000:]}")
    figures = SearchFigures(**json.loads(line.removeprefix(MARKER)))
    figures.other_cores = cpu.get("other", 0.0)
    figures.elapsed_s = time.monotonic() - started
    return figures
