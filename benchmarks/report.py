"""Markdown tables for stdout and for the generated block of benchmarks/README.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.profiling import Summary
from benchmarks.results import Measurement
from benchmarks.stack import Memory

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- BEGIN GENERATED: `make bench` rewrites everything down to END GENERATED -->"
END = "<!-- END GENERATED -->"

TITLES = {
    "a": "(a) NATS request/reply, bare (nats-py ⇄ nats-py)",
    "b": "(b) bare FastAPI handler (uvicorn)",
    "c": "(c) GET /api/v1/content/{id} (catalog read model)",
    "d": "(d) GET /api/v1/content/{id}/fresh (MongoDB)",
    "e": "(e) POST /api/v1/content → evaluation count",
}
GOAL_C_RATIO = 0.45
GOAL_C_P99_MS = 15.0
GOAL_E_PER_S = 300.0
GOAL_READY_S = 10.0
GOAL_RSS_BYTES = 2**30


@dataclass
class Goal:
    name: str
    measured: str
    target: str
    met: bool


@dataclass
class Run:
    command: str
    machine: str
    versions: str
    started_at: str
    code: str
    seconds: float
    levels: list[int]
    results: dict[str, list[Measurement]] = field(default_factory=dict)
    ready_s: float | None = None
    idle_memory: Memory | None = None
    loaded_memory: Memory | None = None
    other_before: float = 0.0
    profiles: list[Summary] = field(default_factory=list)
    what_if: list[Measurement] = field(default_factory=list)
    total_s: float = 0.0

    def at(self, scenario: str, clients: int) -> Measurement | None:
        return next((m for m in self.results.get(scenario, []) if m.clients == clients), None)

    def ratio(self, scenario: str, clients: int) -> float | None:
        top, base = self.at(scenario, clients), self.at("b", clients)
        if top is None or base is None or base.headline <= 0:
            return None
        return top.headline / base.headline

    def goals(self) -> list[Goal]:
        goals: list[Goal] = []
        ratios = {n: self.ratio("c", n) for n in self.levels}
        if all(r is not None for r in ratios.values()) and ratios:
            worst = min(r for r in ratios.values() if r is not None)
            shown = ", ".join(f"{r:.2f} @{n}" for n, r in ratios.items() if r is not None)
            goals.append(Goal("(c) / (b) throughput", shown, f"≥ {GOAL_C_RATIO}", worst >= 0.45))
        c16 = self.at("c", 16)
        if c16 is not None:
            goals.append(
                Goal(
                    "(c) p99 at 16 clients",
                    f"{c16.p99_ms:.1f} ms",
                    f"≤ {GOAL_C_P99_MS:.0f} ms",
                    c16.p99_ms <= GOAL_C_P99_MS,
                )
            )
        creates = self.results.get("e", [])
        if creates:
            best = max(creates, key=lambda m: m.headline)
            goals.append(
                Goal(
                    "(e) creates/s end to end (best level)",
                    f"{best.headline:.0f} @{best.clients}",
                    f"≥ {GOAL_E_PER_S:.0f}",
                    best.headline >= GOAL_E_PER_S,
                )
            )
        if self.ready_s is not None:
            goals.append(
                Goal(
                    "time to ready (`make up`-style)",
                    f"{self.ready_s:.1f} s",
                    f"< {GOAL_READY_S:.0f} s",
                    self.ready_s < GOAL_READY_S,
                )
            )
        if self.idle_memory is not None:
            goals.append(
                Goal(
                    "RSS of the idle stack",
                    f"{self.idle_memory.rss_bytes / 2**20:.0f} MiB",
                    "< 1024 MiB",
                    self.idle_memory.rss_bytes < GOAL_RSS_BYTES,
                )
            )
        return goals


def _cpu(m: Measurement, top: int = 3) -> str:
    named = {k: v for k, v in m.cpu.items() if k not in ("load generator", "other")}
    busiest = sorted(named.items(), key=lambda kv: kv[1], reverse=True)[:top]
    parts = [f"{k} {v:.2f}" for k, v in busiest if v >= 0.01]
    parts.append(f"loadgen {m.cpu.get('load generator', 0.0):.2f}")
    other = m.cpu.get("other", 0.0)
    parts.append(f"other {other:.2f}{' ⚠' if other > 0.25 else ''}")
    return ", ".join(parts)


def results_table(run: Run) -> str:
    lines = [
        "| scenario | clients | req/s | p50 ms | p99 ms | errors | CPU during run (cores) "
        "| notes |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for scenario in "abcde":
        for m in run.results.get(scenario, []):
            rate = f"{m.rps:,.0f}"
            notes = list(m.notes)
            if m.end_to_end_per_s is not None:
                rate = f"**{m.end_to_end_per_s:,.0f}** e2e ({m.rps:,.0f} HTTP)"
            lines.append(
                f"| {TITLES[scenario]} | {m.clients} | {rate} | {m.p50_ms:.2f} | "
                f"{m.p99_ms:.2f} | {m.errors} | {_cpu(m)} | {'; '.join(notes)} |"
            )
    return "\n".join(lines)


def ratio_table(run: Run) -> str:
    head = " | ".join(f"{n} clients" for n in run.levels)
    lines = [f"| ratio | {head} | goal |", "|---|" + "---:|" * len(run.levels) + "---|"]
    goals = {"c": f"≥ {GOAL_C_RATIO}", "d": "—", "e": "— (e2e creates/s ÷ bare req/s)"}
    for scenario in "cde":
        cells = []
        for n in run.levels:
            r = run.ratio(scenario, n)
            cells.append("—" if r is None else f"{r:.3f}")
        lines.append(f"| ({scenario}) / (b) | {' | '.join(cells)} | {goals[scenario]} |")
    return "\n".join(lines)


def goals_table(run: Run) -> str:
    lines = ["| goal | measured | target | |", "|---|---|---|---|"]
    for goal in run.goals():
        mark = "met ✅" if goal.met else "**missed** ❌"
        lines.append(f"| {goal.name} | {goal.measured} | {goal.target} | {mark} |")
    return "\n".join(lines)


def memory_table(run: Run) -> str:
    if run.idle_memory is None:
        return ""
    idle, loaded = run.idle_memory, run.loaded_memory
    lines = ["| process | RSS idle MiB | RSS after load MiB |", "|---|---:|---:|"]
    for name, rss in idle.by_name.items():
        after = loaded.by_name.get(name) if loaded else None
        after_s = f"{after / 2**20:.0f}" if after is not None else "—"
        lines.append(f"| {name} | {rss / 2**20:.0f} | {after_s} |")
    total_after = f"{loaded.rss_bytes / 2**20:.0f}" if loaded else "—"
    lines.append(
        f"| **sum ({idle.processes} processes)** | **{idle.rss_bytes / 2**20:.0f}** | "
        f"{total_after} |"
    )
    lines.append(
        f"| PSS sum (shared pages counted once) | {idle.pss_bytes / 2**20:.0f} | "
        f"{loaded.pss_bytes / 2**20 if loaded else 0:.0f} |"
    )
    return "\n".join(lines)


def profile_block(summary: Summary) -> str:
    out = [
        f"**{summary.process}** during {summary.scenario}: {summary.wall_s:.1f} s in the event "
        f"loop: start-up {summary.startup_s:.2f} s (imports, start hooks such as warm-ups; "
        f"left out), busy {summary.busy_s:.2f} s, the rest waiting in epoll; percentages "
        "are of busy time",
        "",
        "| self time by package | % busy | | top functions by self time | % busy |",
        "|---|---:|---|---|---:|",
    ]
    rows = max(len(summary.by_package), len(summary.top_self))
    for i in range(rows):
        pkg = summary.by_package[i] if i < len(summary.by_package) else None
        fn = summary.top_self[i] if i < len(summary.top_self) else None
        left = f"{pkg.name} | {pkg.share * 100:.1f}" if pkg else " | "
        right = f"`{fn.name}` | {fn.share * 100:.1f}" if fn else " | "
        out.append(f"| {left} | | {right} |")
    out += [
        "",
        "| heaviest frames (inclusive, under the request dispatch) | % busy |",
        "|---|---:|",
    ]
    out += [f"| `{r.name}` | {r.share * 100:.1f} |" for r in summary.top_inclusive]
    if summary.html is not None:
        shown = os.path.relpath(summary.html, ROOT)
        out += ["", f"Full profile: `{shown}` (HTML), `.pyisession` beside it."]
    return "\n".join(out)


def render(run: Run) -> str:
    parts = [
        f"Last run: {run.started_at}, {run.total_s:.0f} s in all, "
        f"{run.seconds:.0f} s per measurement, {run.code}. Command: `{run.command}`",
        "",
        f"Machine: {run.machine}. {run.versions}. Load generator and servers share the "
        "same cores. CPU used by other processes on the machine before the run: "
        f"{run.other_before:.2f} cores (⚠ in the table marks > 0.25 cores during a run; "
        "those figures are pessimistic).",
        "",
        "### Throughput and latency",
        "",
        results_table(run),
        "",
        "### Ratios to the bare FastAPI handler (b), same number of clients",
        "",
        ratio_table(run),
        "",
        "### Goals",
        "",
        goals_table(run),
        "",
        "### Start-up and memory",
        "",
        f"Time to ready: **{run.ready_s:.1f} s** from the first process start (nats-server) "
        "to every service answering its health RPC ready and the gateway's `/readyz` "
        "answering 200 (fresh data directory, as `deploy/runner.py` `_start` does it)."
        if run.ready_s is not None
        else "",
        "",
        memory_table(run),
    ]
    if run.what_if:
        parts += [
            "",
            "### What-if runs (diagnostics, not goals)",
            "",
            "Same stack, 16 clients, after the goals, 6 s each: (d) again on the catalog "
            "that (e) filled; then (c) with the catalog and the gateway restarted — first "
            "stock (the baseline for the rows below it, same catalog size), then with the "
            "telemetry settings shown.",
            "",
        ]
        lines = [
            "| run | clients | req/s | p50 ms | p99 ms | CPU (cores) |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for m in run.what_if:
            rate = f"{m.rps:,.0f}"
            if m.end_to_end_per_s is not None:
                rate = f"**{m.end_to_end_per_s:,.0f}** e2e ({m.rps:,.0f} HTTP)"
            lines.append(
                f"| {m.scenario} | {m.clients} | {rate} | {m.p50_ms:.2f} | "
                f"{m.p99_ms:.2f} | {_cpu(m)} |"
            )
        parts.append("\n".join(lines))
    if run.profiles:
        parts += ["", "### Profiles (pyinstrument, this run)", ""]
        for summary in run.profiles:
            parts += [profile_block(summary), ""]
    return "\n".join(parts).rstrip() + "\n"


def write_readme(path: Path, generated: str) -> None:
    block = f"{BEGIN}\n\n{generated}\n{END}"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
