"""Markdown tables for stdout and for the generated block of benchmarks/README.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.catalog_load import Freshness
from benchmarks.profiling import Summary
from benchmarks.results import Measurement
from benchmarks.search_step import SearchFigures
from benchmarks.stack import Memory
from benchmarks.trace_ingest import Ingest

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- BEGIN GENERATED: `make bench` rewrites everything down to END GENERATED -->"
END = "<!-- END GENERATED -->"

TITLES = {
    "a": "(a) NATS request/reply, bare (nats-py ⇄ nats-py)",
    "b": "(b) bare FastAPI handler (uvicorn)",
    "c": "(c) GET /api/v1/content/{id} (catalog read model)",
    "d": "(d) GET /api/v1/content/{id}/fresh (MongoDB)",
    "e": "(e) POST /api/v1/content → evaluation count",
    "g1-bare": "(G1) bare FastAPI `GET /ping` (uvicorn, no middleware)",
    "g1-on": "(G1) `GET /api/v1/auth/ping`, full gateway, tracing on",
    "g1-off": "(G1) `GET /api/v1/auth/ping`, full gateway, tracing off",
    "c2-search": "(C2) `GET /api/v1/catalog/search?q=…` (query mix)",
    "c2-hot": "(C2) `GET /api/v1/catalog/hot?site=…`",
    "g2-plain": "(G2) (e) again, no exporter",
    "g2-export": "(G2) (e) with every process exporting to ops",
}
# Row order of the results table.
ORDER = ("a", "b", "g1-bare", "c", "d", "g1-on", "g1-off", "c2-search", "c2-hot", "e")
GOAL_C_RATIO = 0.45
GOAL_C_P99_MS = 15.0
GOAL_E_PER_S = 300.0
GOAL_READY_S = 10.0
GOAL_RSS_BYTES = 2**30
GOAL_G1_TRACED = 0.7
GOAL_G1_UNTRACED = 0.85
GOAL_G2_SHARE = 0.10
GOAL_C1_P99_MS = 5.0
GOAL_C2_SEARCH = 0.35
GOAL_C2_HOT = 0.45
GOAL_C3_P99_MS = 1000.0


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
    search: SearchFigures | None = None
    catalog_data: str = ""  # how C2's data was loaded
    freshness: Freshness | None = None
    ingest: Ingest | None = None
    phases: list[tuple[str, float]] = field(default_factory=list)  # (phase, seconds)

    def at(self, scenario: str, clients: int) -> Measurement | None:
        return next((m for m in self.results.get(scenario, []) if m.clients == clients), None)

    def ratio(self, scenario: str, clients: int, base: str = "b") -> float | None:
        top, under = self.at(scenario, clients), self.at(base, clients)
        if top is None or under is None or under.headline <= 0:
            return None
        return top.headline / under.headline

    def worst_ratio(self, scenario: str, base: str) -> tuple[float, str] | None:
        """The lowest ratio over the levels measured, and all of them as text."""
        ratios = {
            m.clients: r
            for m in self.results.get(scenario, [])
            if (r := self.ratio(scenario, m.clients, base)) is not None
        }
        if not ratios:
            return None
        return min(ratios.values()), ", ".join(f"{r:.2f} @{n}" for n, r in ratios.items())

    def goals(self) -> list[Goal]:
        return self.platform_goals() + self.issue_goals()

    def issue_goals(self) -> list[Goal]:
        """The front-door (G1, G2) and catalog (C1–C3) issues' goals."""
        goals: list[Goal] = []
        for scenario, goal, label in (
            ("g1-on", GOAL_G1_TRACED, "(G1) gateway ping ÷ bare ping, tracing on (worst level)"),
            (
                "g1-off",
                GOAL_G1_UNTRACED,
                "(G1) gateway ping ÷ bare ping, tracing off (worst level)",
            ),
        ):
            worst = self.worst_ratio(scenario, "g1-bare")
            if worst is not None:
                goals.append(Goal(label, worst[1], f"≥ {goal}", worst[0] >= goal))
        if self.ingest is not None:
            ing = self.ingest
            goals.append(
                Goal(
                    "(G2) CPU of the trace store (ops + its nx-27017) during (e), "
                    "share of the machine",
                    f"{ing.store_share * 100:.1f} % (ops {ing.share('ops') * 100:.1f} %, "
                    f"mongo-ops {ing.share('mongo-ops') * 100:.1f} %) at "
                    f"{ing.spans_per_s:,.0f} spans/s",
                    f"< {GOAL_G2_SHARE * 100:.0f} %",
                    ing.store_share < GOAL_G2_SHARE,
                )
            )
        if self.search is not None:
            found = self.search
            goals.append(
                Goal(
                    f"(C1) search p99 in the service, {found.docs:,} items",
                    f"{found.p99_ms:.2f} ms wall ({found.cpu_p99_ms:.2f} ms CPU)",
                    f"< {GOAL_C1_P99_MS:.0f} ms",
                    found.p99_ms < GOAL_C1_P99_MS,
                )
            )
        for scenario, goal, label in (
            ("c2-search", GOAL_C2_SEARCH, "(C2) search through the gateway ÷ (b)"),
            ("c2-hot", GOAL_C2_HOT, "(C2) hot list through the gateway ÷ (b)"),
        ):
            for m in self.results.get(scenario, []):
                r = self.ratio(scenario, m.clients)
                if r is not None:
                    goals.append(
                        Goal(
                            f"{label} at {m.clients} clients",
                            f"{r:.3f} ({m.rps:,.0f} req/s)",
                            f"≥ {goal}",
                            r >= goal,
                        )
                    )
        if self.freshness is not None and self.freshness.latencies_ms:
            fresh = self.freshness
            goals.append(
                Goal(
                    f"(C3) publish → searchable, p99 of {len(fresh.latencies_ms)} items",
                    f"{fresh.p99_ms:.0f} ms (p50 {fresh.p50_ms:.0f} ms"
                    + (f"; {fresh.missing} never found" if fresh.missing else "")
                    + ")",
                    f"< {GOAL_C3_P99_MS / 1000:.0f} s",
                    fresh.p99_ms < GOAL_C3_P99_MS and not fresh.missing,
                )
            )
        return goals

    def platform_goals(self) -> list[Goal]:
        goals: list[Goal] = []
        ratios = {n: self.ratio("c", n) for n in self.levels}
        if all(r is not None for r in ratios.values()) and ratios:
            worst = min(r for r in ratios.values() if r is not None)
            shown = ", ".join(f"{r:.2f} @{n}" for n, r in ratios.items() if r is not None)
            goals.append(
                Goal("(c) / (b) throughput", shown, f"≥ {GOAL_C_RATIO}", worst >= GOAL_C_RATIO)
            )
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
    rows = [(scenario, m) for scenario in ORDER for m in run.results.get(scenario, [])]
    if run.ingest is not None:
        rows += [("g2-plain", run.ingest.plain), ("g2-export", run.ingest.exported)]
    for scenario, m in rows:
        rate = f"{m.rps:,.0f}"
        notes = list(m.notes)
        if m.end_to_end_per_s is not None:
            rate = f"**{m.end_to_end_per_s:,.0f}** e2e ({m.rps:,.0f} HTTP)"
        lines.append(
            f"| {TITLES[scenario]} | {m.clients} | {rate} | {m.p50_ms:.2f} | "
            f"{m.p99_ms:.2f} | {m.errors} | {_cpu(m, 4 if scenario == 'g2-export' else 3)} "
            f"| {'; '.join(notes)} |"
        )
    return "\n".join(lines)


def ratio_table(run: Run) -> str:
    head = " | ".join(f"{n} clients" for n in run.levels)
    lines = [f"| ratio | {head} | goal |", "|---|" + "---:|" * len(run.levels) + "---|"]
    rows = (
        ("c", "b", "(c) / (b)", f"≥ {GOAL_C_RATIO}"),
        ("d", "b", "(d) / (b)", "—"),
        ("e", "b", "(e) / (b)", "— (e2e creates/s ÷ bare req/s)"),
        ("g1-on", "g1-bare", "(G1) gateway ping, tracing on / bare ping", f"≥ {GOAL_G1_TRACED}"),
        (
            "g1-off",
            "g1-bare",
            "(G1) gateway ping, tracing off / bare ping",
            f"≥ {GOAL_G1_UNTRACED}",
        ),
        ("c2-search", "b", "(C2) search / (b)", f"≥ {GOAL_C2_SEARCH} at 64"),
        ("c2-hot", "b", "(C2) hot list / (b)", f"≥ {GOAL_C2_HOT} at 64"),
    )
    for scenario, base, label, goal in rows:
        if scenario not in run.results:
            continue
        cells = []
        for n in run.levels:
            r = run.ratio(scenario, n, base)
            cells.append("—" if r is None else f"{r:.3f}")
        lines.append(f"| {label} | {' | '.join(cells)} | {goal} |")
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
    pss_after = f"{loaded.pss_bytes / 2**20:.0f}" if loaded else "—"
    lines.append(
        f"| PSS sum (shared pages counted once) | {idle.pss_bytes / 2**20:.0f} | {pss_after} |"
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


def _per_request_ms(m: Measurement | None, process: str) -> str:
    """Milliseconds of `process` CPU per request (cores used ÷ requests per second)."""
    if m is None or m.rps <= 0 or process not in m.cpu:
        return "—"
    return f"{m.cpu[process] / m.rps * 1000:.2f}"


def front_door_section(run: Run) -> list[str]:
    if "g1-on" not in run.results and "g1-bare" not in run.results:
        return []
    lines = [
        "",
        "### Front door (G1): the gateway's own cost on a local route",
        "",
        "`GET /api/v1/auth/ping` (JWT with the verified-token cache, revocation, rate "
        "limits, request id, security headers, body limit, timeout, tracing) in the real "
        "gateway process, against the same answer from a bare FastAPI route under the "
        "same uvicorn settings. CPU per request = cores used ÷ req/s.",
        "",
        "| clients | bare req/s | tracing on req/s | tracing off req/s | on ÷ bare | off ÷ bare "
        "| CPU ms/req bare | gateway CPU ms/req on | gateway CPU ms/req off |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in run.levels:
        bare, on, off = run.at("g1-bare", n), run.at("g1-on", n), run.at("g1-off", n)
        r_on, r_off = run.ratio("g1-on", n, "g1-bare"), run.ratio("g1-off", n, "g1-bare")
        lines.append(
            f"| {n} | {f'{bare.rps:,.0f}' if bare else '—'} | {f'{on.rps:,.0f}' if on else '—'} "
            f"| {f'{off.rps:,.0f}' if off else '—'} | {'—' if r_on is None else f'{r_on:.2f}'} "
            f"| {'—' if r_off is None else f'{r_off:.2f}'} | {_per_request_ms(bare, 'uvicorn')} "
            f"| {_per_request_ms(on, 'gateway')} | {_per_request_ms(off, 'gateway')} |"
        )
    return lines


def ingest_section(run: Run) -> list[str]:
    ing = run.ingest
    if ing is None:
        return []
    ratio = ing.creates_ratio
    mentions = ", ".join(f"{k}: {v}" for k, v in ing.log_mentions.items())
    return [
        "",
        "### Trace ingest (G2): (e) with every span exported to the ops trace store",
        "",
        f"(e) at {ing.exported.clients} clients twice on the same stack: stock, then with "
        "the gateway and every bus service but ops restarted with "
        "`OTEL_EXPORTER_OTLP_ENDPOINT` = the stack's ops receiver (as `deploy/runner.py`). "
        "Spans counted in the ops database; CPU share = cores ÷ the machine's "
        f"{os.cpu_count()} cores during the load.",
        "",
        "| | value |",
        "|---|---:|",
        f"| creates/s e2e, no exporter | {ing.plain.headline:,.0f} |",
        f"| creates/s e2e, exporting | {ing.exported.headline:,.0f} |",
        f"| exporting ÷ not exporting | {'—' if ratio is None else f'{ratio:.2f}'} |",
        f"| spans stored during the load ÷ load seconds | **{ing.spans_per_s:,.0f} spans/s** |",
        f"| spans stored in all (until the count settled, {ing.ingest_s:.1f} s after the "
        f"load began) | {ing.spans:,} |",
        f"| spans per create (less the idle background of {ing.background_per_s:.0f} "
        "spans/s; includes the harness's catch-up polls) | "
        f"{ing.spans_per_create:.1f} |",
        f"| ops CPU during the load | {ing.exported.cpu.get('ops', 0.0):.2f} cores "
        f"({ing.share('ops') * 100:.1f} %) |",
        f"| mongo-ops (nx-27017) CPU during the load | "
        f"{ing.exported.cpu.get('mongo-ops', 0.0):.2f} cores "
        f"({ing.share('mongo-ops') * 100:.1f} %) |",
        f"| trace store CPU per 1,000 spans (whole ingest) | {ing.cpu_ms_per_1000_spans:.0f} ms |",
        f"| exporters' log lines | {mentions} |",
    ]


def search_section(run: Run) -> list[str]:
    found = run.search
    if found is None:
        return []
    kinds = ", ".join(f"{k} {v:.2f}" for k, v in found.p99_by_kind.items())
    return [
        "",
        "### Catalog search in the service (C1)",
        "",
        f"`benchmarks/search_bench.py` in a child process: {found.docs:,} generated titles "
        f"indexed in one pass, then {found.queries} queries of every kind, once each "
        f"({found.elapsed_s:.0f} s in all; other processes used {found.other_cores:.2f} "
        "cores meanwhile). Wall clock is what a caller waits; CPU time is what a search "
        "costs.",
        "",
        "| | value |",
        "|---|---:|",
        f"| p50 / p99 / max wall | {found.p50_ms:.2f} / **{found.p99_ms:.2f}** / "
        f"{found.max_ms:.2f} ms |",
        f"| p50 / p99 CPU | {found.cpu_p50_ms:.2f} / {found.cpu_p99_ms:.2f} ms |",
        f"| time to index {found.docs:,} items | {found.index_wall_s:.1f} s wall, "
        f"{found.index_cpu_s:.1f} s CPU ({found.index_cpu_s / found.docs * 1e6:.0f} µs each) |",
        f"| index memory (RSS growth while indexing, after gc) | "
        f"{found.rss_growth_mib:.0f} MiB ({found.rss_growth_mib * 2**20 / found.docs:,.0f} B "
        "per item) |",
        f"| add / remove one item on the full index | {found.add_ms:.2f} / "
        f"{found.remove_ms:.2f} ms |",
        f"| p99 wall by query kind, ms | {kinds} |",
    ]


def catalog_section(run: Run) -> list[str]:
    lines: list[str] = []
    if run.catalog_data:
        lines += [
            "",
            "### Catalog through the gateway (C2) and freshness (C3)",
            "",
            f"C2 data: {run.catalog_data}. Search as a resident, rotating through the "
            "corpus's Chinese, pinyin, initials, homophone and typo queries; hot list "
            "anonymously, rotating sites, this week / decayed, with and without a section.",
        ]
    fresh = run.freshness
    if fresh is not None and fresh.latencies_ms:
        polls = sum(fresh.polls) / len(fresh.polls)
        lines += [
            "",
            f"C3: {len(fresh.latencies_ms)} items published one by one by a center admin; "
            "for each, from the POST until a resident's search for its title lists it: "
            f"p50 **{fresh.p50_ms:.0f} ms**, p99 **{fresh.p99_ms:.0f} ms**, max "
            f"{fresh.max_ms:.0f} ms; the POST alone p50 {fresh.publish_p50_ms:.0f} ms; "
            f"{polls:.1f} searches per item on average"
            + (f"; **{fresh.missing} never found**" if fresh.missing else "")
            + ".",
        ]
    return lines


def issue_sections(run: Run) -> str:
    lines = front_door_section(run) + ingest_section(run)
    lines += search_section(run) + catalog_section(run)
    return "\n".join(lines)


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
        "### Ratios to the bare FastAPI handler, same number of clients",
        "",
        ratio_table(run),
        "",
        "### Goals",
        "",
        goals_table(run),
        issue_sections(run),
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
    if run.phases:
        parts += [
            "",
            "Time per phase: "
            + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in run.phases)
            + ".",
        ]
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
