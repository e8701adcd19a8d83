"""G2: the embedded trace store under the create load, as `make up` runs it.

Two (e) runs at the same number of clients, one after the other on the same stack
(each split into three windows; the one other processes disturbed least counts):
first stock (no exporter, as every other figure here), then with every process that
exports (the gateway and every bus service but ops itself, which never exports)
restarted with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at the stack's ops receiver —
what `deploy/runner.py` does. The ops store's span count (`estimated_document_count`
on its own nx-27017) is read right before and after the load, and again once it grows
no faster than the idle stack's background (≈5 spans/s: every service's outbox poll is
a traced MongoDB command); the CPU of `ops` and `mongo-ops` comes from the load window
(the same psutil accounting as every CPU column), plus the CPU they spent per 1,000
spans over the whole ingest (load start until the count settled). Export failures and
full exporter queues are counted from the processes' logs.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from benchmarks import gateway_load, wrk
from benchmarks.machine import CpuWindow
from benchmarks.results import Measurement
from benchmarks.stack import BenchStack
from deploy.processes import BUS_SERVICES

PLAIN, EXPORTED = "g2-plain", "g2-export"
EXPORTERS = (*(s for s in BUS_SERVICES if s != "ops"), "gateway")
STORE = ("ops", "mongo-ops")
STABLE_S = 1.0
SETTLE_TIMEOUT_S = 30.0
# What the OpenTelemetry SDK logs when an export fails or its queue overflows.
LOG_NEEDLES = {
    "export failures": "Failed to export",
    "exporter queue full (spans dropped)": "Queue full, dropping",
    "exporter retries": "Transient error",
}


@dataclass
class Ingest:
    plain: Measurement
    exported: Measurement
    creates_plain: int
    creates_exported: int
    spans: int  # stored from the load's start until the count settled
    spans_in_load: int  # stored between the load's start and end
    load_s: float
    ingest_s: float  # load start → count settled
    store_cpu_s: dict[str, float]  # CPU seconds over the whole ingest, per process
    background_per_s: float = 0.0  # spans/s of the idle stack (outbox polls, probes)
    log_mentions: dict[str, int] = field(default_factory=dict)

    @property
    def spans_per_s(self) -> float:
        return self.spans_in_load / self.load_s if self.load_s > 0 else 0.0

    @property
    def spans_per_create(self) -> float:
        """Spans of the run less the idle background, per item created."""
        own = self.spans - self.background_per_s * self.ingest_s
        return own / self.creates_exported if self.creates_exported else 0.0

    def share(self, name: str) -> float:
        """Share of the machine's CPU `name` used during the load window (0–1)."""
        return self.exported.cpu.get(name, 0.0) / (os.cpu_count() or 1)

    @property
    def store_share(self) -> float:
        return sum(self.share(name) for name in STORE)

    @property
    def cpu_ms_per_1000_spans(self) -> float:
        spent = sum(self.store_cpu_s.values())
        return spent / self.spans * 1e6 if self.spans else 0.0

    @property
    def creates_ratio(self) -> float | None:
        base = self.plain.headline
        return self.exported.headline / base if base > 0 else None


def _log_sizes(bench: BenchStack) -> dict[str, int]:
    sizes = {}
    for name in EXPORTERS:
        path = bench.stack.procs[name].log_path
        sizes[name] = path.stat().st_size if path.exists() else 0
    return sizes


def _mentions(bench: BenchStack, since: dict[str, int]) -> dict[str, int]:
    counts = dict.fromkeys(LOG_NEEDLES, 0)
    for name in EXPORTERS:
        path = bench.stack.procs[name].log_path
        if not path.exists():
            continue
        with path.open("rb") as log:
            log.seek(since.get(name, 0))
            text = log.read().decode(errors="replace")
        for label, needle in LOG_NEEDLES.items():
            counts[label] += text.count(needle)
    return counts


def idle_rate(bench: BenchStack, seconds: float = 2.0) -> float:
    """Spans/s the idle stack exports (outbox polls, health checks): the background."""
    before = bench.spans_stored()
    time.sleep(seconds)
    return (bench.spans_stored() - before) / seconds


def _wait_stable(bench: BenchStack, background: float) -> tuple[int, float]:
    """(count, when) once the count grows no faster than the idle background again."""
    seen = [(time.monotonic(), bench.spans_stored())]
    deadline = seen[0][0] + SETTLE_TIMEOUT_S
    allowed = background * STABLE_S + 10
    while time.monotonic() < deadline:
        time.sleep(0.25)
        seen.append((time.monotonic(), bench.spans_stored()))
        now, count = seen[-1]
        old = [(t, n) for t, n in seen if now - t >= STABLE_S]
        if old and count - old[-1][1] <= allowed:
            return count, old[-1][0]
    return seen[-1][1], seen[-1][0]


@dataclass
class _Window:
    measured: Measurement
    creates: int
    spans: int
    spans_in_load: int
    load_s: float
    ingest_s: float
    store_cpu_s: dict[str, float]


def _exported_window(bench: BenchStack, clients: int, seconds: float, background: float) -> _Window:
    marks: dict[str, tuple[float, int]] = {}

    def mark(label: str) -> None:
        marks[label] = (time.monotonic(), bench.spans_stored())

    with CpuWindow() as window:
        measured, creates = gateway_load.create_once(bench, clients, seconds, EXPORTED, mark)
        stored, settled = _wait_stable(bench, background)
        cores = window.cores()
        window_s = time.monotonic() - window.started
    (t0, before), (t1, at_end) = marks["start"], marks["end"]
    return _Window(
        measured=measured,
        creates=creates,
        spans=stored - before,
        spans_in_load=at_end - before,
        load_s=t1 - t0,
        ingest_s=settled - t0,
        store_cpu_s={name: cores.get(name, 0.0) * window_s for name in STORE},
    )


def measure(
    bench: BenchStack, clients: int, seconds: float, windows: int = 3, restore: bool = True
) -> Ingest:
    """Both runs, each `seconds` split into `windows` (the least disturbed one counts).

    With `restore`, the exporting processes are restarted stock afterwards.
    """
    each = max(2.0, seconds / windows)
    plains = [gateway_load.create_once(bench, clients, each, PLAIN) for _ in range(windows)]
    plain = wrk.least_disturbed([m for m, _ in plains])
    creates_plain = next(n for m, n in plains if m is plain)
    otlp_url = bench.stack.otlp_url
    bench.restart_together(EXPORTERS, {"OTEL_EXPORTER_OTLP_ENDPOINT": otlp_url})
    try:
        bench.settle(EXPORTERS)
        logs = _log_sizes(bench)
        # Start-up spans (health probes, warm-ups) land before the load, not in it.
        _wait_stable(bench, 50.0)
        background = idle_rate(bench)
        runs = [_exported_window(bench, clients, each, background) for _ in range(windows)]
        best = wrk.least_disturbed([r.measured for r in runs])
        chosen = next(r for r in runs if r.measured is best)
        result = Ingest(
            plain=plain,
            exported=chosen.measured,
            creates_plain=creates_plain,
            creates_exported=chosen.creates,
            spans=chosen.spans,
            spans_in_load=chosen.spans_in_load,
            load_s=chosen.load_s,
            ingest_s=chosen.ingest_s,
            store_cpu_s=chosen.store_cpu_s,
            background_per_s=background,
            log_mentions=_mentions(bench, logs),
        )
    finally:
        if restore:
            bench.restart_together(EXPORTERS, {})
    return result
