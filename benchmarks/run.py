"""`make bench`: every figure of benchmarks/README.md in one run (about eight minutes).

    .venv/bin/python -m benchmarks.run [--seconds 8] [--warmup 2] [--levels 1,16,64]
                                       [--profile auto|always|never] [--no-readme] [--keep]
                                       [--only GROUP,GROUP…]

Order: the two baselines (a) and (b) with the bare ping (G1), the in-process search
benchmark (C1), then a fresh stack (timed to ready, idle memory), (c), (d), the
gateway's ping with tracing on and off (G1), the catalog filled with realistic items
and plays, freshness (C3), search and hot list (C2), (e), memory after load, then —
when a goal is missed, or always with `--profile always` — pyinstrument profiles of the
processes behind (c), (e) and the missed G1/C2 scenarios, what-if runs ((d) on the
catalog (e) filled, (c) with tracing off, sampled, exported), and last the trace store
under (e) with every process exporting (G2).

`--only` runs some groups (and prints, never rewrites the README): baselines ((a),
(b)), search (C1), reads ((c), (d)), gateway (G1), catalog (C2, C3), creates ((e)),
profile, whatif, ingest (G2). The bare app runs when a group needs its ratio.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    baselines,
    catalog_load,
    front_door,
    gateway_load,
    machine,
    profiling,
    report,
    search_step,
    trace_ingest,
    wrk,
)
from benchmarks.results import Measurement
from benchmarks.stack import BenchStack
from deploy.processes import BUS_SERVICES, binary

ROOT = Path(__file__).resolve().parent.parent
README = Path(__file__).with_name("README.md")
PROFILE_DIR = ROOT / ".data" / "bench" / "profiles"


BEGAN = time.monotonic()
GROUPS = (
    "baselines",
    "search",
    "reads",
    "gateway",
    "catalog",
    "creates",
    "profile",
    "whatif",
    "ingest",
)
STACK_GROUPS = frozenset(GROUPS) - {"baselines", "search"}
SEARCH_DOCS = 50_000
FRESH_ITEMS = 50
C2_CLIENTS = 64
INGEST_CLIENTS = 16
PROFILE_S = 5.0  # load per profile (pyinstrument samples plenty in that time)


def say(text: str) -> None:
    print(text, flush=True)


def phase(title: str) -> None:
    say(f"\n==> {title}  [{time.monotonic() - BEGAN:.0f} s]")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--warmup", type=float, default=2.0, help="per scenario")
    parser.add_argument("--levels", default="1,16,64", help="concurrent clients")
    parser.add_argument("--profile", choices=["auto", "always", "never"], default="auto")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    parser.add_argument("--keep", action="store_true", help="keep the stack's data directory")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated groups of {', '.join(GROUPS)} (implies --no-readme)",
    )
    args = parser.parse_args(argv)
    unknown = {g for g in args.only.split(",") if g} - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s) {', '.join(sorted(unknown))}; choose from {GROUPS}")
    return args


@dataclass
class Loads:
    """What the profiles and what-if runs load the stack with."""

    reads: gateway_load.Reads
    ping: wrk.HttpLoad | None = None
    search: wrk.HttpLoad | None = None


@dataclass
class ProfileTask:
    tag: str
    scenario: str
    names: list[str]
    load: Callable[[], object]
    env: dict[str, str] = field(default_factory=dict)


def show(m: Measurement) -> None:
    rate = f"{m.rps:9,.0f} req/s"
    if m.end_to_end_per_s is not None:
        rate = f"{m.end_to_end_per_s:9,.0f} creates/s e2e ({m.rps:,.0f} HTTP req/s)"
    extra = f"  errors {m.errors}" if m.errors else ""
    notes = f"  [{'; '.join(m.notes)}]" if m.notes else ""
    say(
        f"  ({m.scenario}) {m.clients:>3} clients {rate}  p50 {m.p50_ms:7.2f} ms  "
        f"p99 {m.p99_ms:7.2f} ms  other CPU {m.cpu.get('other', 0.0):.2f}{extra}{notes}"
    )


def step_group(step: Callable[..., None]) -> str:
    return "profile" if step is profile else "whatif"


def missed(run: report.Run, prefix: str) -> bool:
    return any(not g.met for g in run.goals() if g.name.startswith(prefix))


def profile(bench: BenchStack, run: report.Run, loads: Loads, seconds: float) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = PROFILE_DIR / stamp
    out.mkdir(parents=True, exist_ok=True)
    phase(f"profiling with pyinstrument (sessions in {out.relative_to(ROOT)})")
    seconds = min(seconds, PROFILE_S)

    def load_at(scenario: str, load: wrk.HttpLoad, clients: int) -> Callable[[], object]:
        def go() -> None:
            wrk.run(scenario, load, clients, 1)
            wrk.run(scenario, load, clients, seconds)

        return go

    # nx-27017 does its SQLite work in worker threads, which pyinstrument does not
    # sample; its share shows in the CPU column instead. Consecutive tasks share
    # processes, so a process is restarted plainly only when the next task does not
    # restart it under the profiler anyway.
    tasks = [
        ProfileTask(
            "read",
            "(c) at 16 clients",
            ["catalog", "gateway"],
            load_at("c", loads.reads.cached, 16),
        )
    ]
    if loads.search is not None and missed(run, "(C2) search"):
        tasks.append(
            ProfileTask(
                "search",
                f"C2 search at {C2_CLIENTS} clients",
                ["catalog", "gateway"],
                load_at("c2-search", loads.search, C2_CLIENTS),
            )
        )
    tasks.append(
        ProfileTask(
            "create",
            "(e) at 16 clients",
            ["catalog", "evaluation", "gateway"],
            lambda: gateway_load.creates(bench, [16], seconds, warmup_s=1),
        )
    )
    if loads.ping is not None and missed(run, "(G1)"):
        tasks.append(
            ProfileTask(
                "ping",
                "G1 ping at 16 clients, tracing on",
                ["gateway"],
                load_at("g1-on", loads.ping, 16),
            )
        )
    for n, task in enumerate(tasks):
        say(f"  {task.scenario}: {', '.join(task.names)} under pyinstrument")
        paths = profiling.start_profiled(bench, task.names, out, task.tag, task.env)
        task.load()
        profiling.stop_profiled(bench, list(reversed(task.names)))
        for name in task.names:
            try:
                run.profiles.append(profiling.summarise(paths[name], name, task.scenario))
            except Exception as exc:  # a profile that did not write is reported, not fatal
                say(f"  no profile for {name}: {exc}")
        following = tasks[n + 1].names if n + 1 < len(tasks) else []
        for name in task.names:  # services first, the gateway last (its readiness)
            if name not in following:
                bench.restart(name)


def what_if(bench: BenchStack, run: report.Run, loads: Loads, seconds: float) -> None:
    """Diagnostics at 16 clients: (d) on a full catalog, and what tracing costs.

    The telemetry rows restart the catalog and the gateway, so they are compared with a
    stock row taken after the same restart (same catalog size, warm-up done).
    """
    phase("what-if runs at 16 clients (diagnostics, not goals)")
    seconds = min(seconds, 6.0)
    reads = loads.reads

    def measure(label: str, scenario: str) -> None:
        load = reads.cached if scenario == "c" else reads.fresh
        wrk.run(scenario, load, 16, 1)
        m = wrk.run_windows(scenario, load, 16, seconds)
        m.scenario = f"({scenario}) {label}"
        run.what_if.append(m)
        show(m)

    def restart(env: dict[str, str], names: tuple[str, ...] = ("catalog", "gateway")) -> None:
        bench.restart_together(names, env)
        bench.settle(names)

    measure(f"stock, after (e): {bench.catalog_total():,} items in the catalog", "d")
    restart({})
    measure("stock, catalog and gateway just restarted (baseline of the rows below)", "c")
    restart({"WENMING_TRACING": "false"}, ("gateway",))
    measure("gateway tracing off (WENMING_TRACING=false)", "c")
    restart({"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"})
    measure("10 % of traces sampled (OTEL_TRACES_SAMPLER=parentbased_traceidratio)", "c")
    otlp_url = getattr(bench.stack, "otlp_url", None)
    if otlp_url is not None and "ops" in bench.stack.procs:
        restart({"OTEL_EXPORTER_OTLP_ENDPOINT": str(otlp_url)})
        measure("every trace exported to the ops trace store, as `make up`", "c")
    bench.restart_together(("catalog", "gateway"), {})


def catalog_scenarios(
    bench: BenchStack, run: report.Run, loads: Loads, seconds: float, warmup: float
) -> None:
    phase("(C2) filling the catalog: realistic items through the gateway, then plays")
    data = catalog_load.prepare(bench)
    run.catalog_data = data.describe()
    say(f"  {run.catalog_data}")
    loads.search = data.search
    phase(f"(C3) freshness: {FRESH_ITEMS} items published one by one, searched until found")
    run.freshness = catalog_load.freshness(bench, FRESH_ITEMS)
    fresh = run.freshness
    say(
        f"  publish → searchable p50 {fresh.p50_ms:.0f} ms, p99 {fresh.p99_ms:.0f} ms, "
        f"max {fresh.max_ms:.0f} ms; POST alone p50 {fresh.publish_p50_ms:.0f} ms; "
        f"never found {fresh.missing}"
    )
    clients = C2_CLIENTS if C2_CLIENTS in run.levels else max(run.levels)
    for key, load in (("c2-search", data.search), ("c2-hot", data.hot)):
        phase(f"{report.TITLES[key]} at {clients} clients")
        if warmup > 0:
            wrk.run(key, load, 16, warmup)
        run.results[key] = [wrk.run_windows(key, load, clients, seconds)]
        show(run.results[key][0])


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    # deploy.health probes with short NATS connect timeouts; on a loaded machine nats-py
    # would print each timed-out probe's traceback into the table.
    logging.getLogger("nats.aio.client").setLevel(logging.CRITICAL)
    levels = [int(n) for n in args.levels.split(",")]
    only = {g for g in args.only.split(",") if g} or set(GROUPS)
    try:
        wrk_version = wrk.wrk_version()
    except wrk.WrkMissing as exc:
        say(str(exc))
        return 2
    began = time.monotonic()
    other = machine.busy_elsewhere()
    cli = sys.argv[1:] if argv is None else argv
    command = (
        "make bench" if not cli else shlex.join([".venv/bin/python", "-m", "benchmarks.run", *cli])
    )
    run = report.Run(
        command=command,
        machine=machine.describe(),
        versions=", ".join(
            [
                machine.tool_version([binary("nats-server"), "--version"]),
                wrk_version,
                "OTEL_EXPORTER_OTLP_ENDPOINT unset (spans created, not exported) except in "
                "(G2) and the exported what-if row",
            ]
        ),
        started_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        code=machine.code_version(ROOT),
        seconds=args.seconds,
        levels=levels,
        other_before=other,
    )

    @contextmanager
    def timed(name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            run.phases.append((name, time.monotonic() - started))

    say(f"==> {run.machine}")
    say(f"    {run.versions}")
    if other > 0.25:
        say(f"    ⚠ other processes use {other:.2f} cores right now: figures will suffer")
    workdir = Path(tempfile.mkdtemp(prefix="wenming-bench-"))
    seconds, warmup = args.seconds, args.warmup
    try:
        if "baselines" in only:
            phase("(a) bare NATS request/reply (nats-py load client ⇄ nats-py responder)")
            with timed("(a)"):
                run.results["a"] = baselines.nats_request_reply(
                    workdir, levels, seconds, warmup / 4
                )
            for m in run.results["a"]:
                show(m)
        routes = {}
        if only & {"baselines", "reads", "catalog"}:
            routes["b"] = "/bare"
        if "gateway" in only:
            routes["g1-bare"] = front_door.BARE_PATH
        if routes:
            phase(f"bare FastAPI under uvicorn (gateway settings): {', '.join(routes.values())}")
            with timed("(b) + G1 bare"):
                run.results.update(baselines.bare_fastapi(workdir, levels, seconds, warmup, routes))
            for key in routes:
                for m in run.results[key]:
                    show(m)
        if "search" in only:
            phase(f"(C1) search inside the service: {SEARCH_DOCS:,} items (child process)")
            with timed("C1"):
                run.search = search_step.measure(SEARCH_DOCS)
            found = run.search
            say(
                f"  p50 {found.p50_ms:.2f} ms, p99 {found.p99_ms:.2f} ms wall "
                f"({found.cpu_p99_ms:.2f} ms CPU); indexed in {found.index_wall_s:.1f} s "
                f"({found.index_cpu_s:.1f} s CPU); +{found.rss_growth_mib:.0f} MiB"
            )
        if only & STACK_GROUPS:
            stack_scenarios(run, only, workdir, seconds, warmup, args.profile, timed)
    finally:
        if args.keep:
            say(f"\ndata kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    run.total_s = time.monotonic() - began
    generated = report.render(run)
    say("\n" + generated)
    if not args.no_readme and not args.only:
        report.write_readme(README, generated)
        say(f"wrote {README.relative_to(ROOT)}")
    return 0


def stack_scenarios(
    run: report.Run,
    only: set[str],
    workdir: Path,
    seconds: float,
    warmup: float,
    profile_mode: str,
    timed: Callable[[str], AbstractContextManager[None]],
) -> None:
    levels = run.levels
    phase(
        f"starting the stack (nats-server, {len(BUS_SERVICES)} × nx-27017, "
        f"{', '.join(BUS_SERVICES)}, gateway)"
    )
    bench = BenchStack(workdir / "stack")
    try:
        with timed("stack start"):
            run.ready_s = bench.start()
            say(f"  ready in {run.ready_s:.1f} s")
            time.sleep(3.0)
            run.idle_memory = bench.memory()
        say(
            f"  idle RSS {run.idle_memory.rss_bytes / 2**20:.0f} MiB "
            f"({run.idle_memory.processes} processes)"
        )
        loads = Loads(reads=gateway_load.prepare_reads(bench))
        if "reads" in only:
            with timed("(c), (d)"):
                phase("(c) gateway → catalog read model")
                run.results["c"] = gateway_load.reads(
                    bench, "c", loads.reads.cached, levels, seconds, warmup
                )
                for m in run.results["c"]:
                    show(m)
                phase("(d) gateway → catalog → MongoDB read")
                run.results["d"] = gateway_load.reads(
                    bench, "d", loads.reads.fresh, levels, seconds, warmup
                )
                for m in run.results["d"]:
                    show(m)
        if "gateway" in only:
            phase("(G1) GET /api/v1/auth/ping through the gateway, tracing on, then off")
            with timed("G1 gateway"):
                run.results.update(front_door.measure(bench, levels, seconds, warmup))
                loads.ping = front_door.ping_load(bench)
            for key in (front_door.TRACED, front_door.UNTRACED):
                for m in run.results[key]:
                    show(m)
        if "catalog" in only:
            with timed("C2 + C3"):
                catalog_scenarios(bench, run, loads, seconds, warmup)
        if "creates" in only:
            phase("(e) creates, until the evaluation count caught up")
            with timed("(e)"):
                run.results["e"] = gateway_load.creates(bench, levels, seconds, warmup)
            for m in run.results["e"]:
                show(m)
            run.loaded_memory = bench.memory()
        missed_any = any(not goal.met for goal in run.goals())
        diagnose = profile_mode == "always" or (profile_mode == "auto" and missed_any)
        steps = [step for step in (profile, what_if) if diagnose and step_group(step) in only]
        for step in steps:
            try:
                with timed(step.__name__.replace("_", "-")):
                    step(bench, run, loads, seconds)
            except Exception as exc:  # the figures above are still worth writing
                say(f"  {step.__name__} failed: {exc!r}")
        if "ingest" in only:
            phase(
                f"(G2) (e) at {INGEST_CLIENTS} clients, stock then with every process "
                "exporting its spans to the ops trace store"
            )
            try:
                with timed("G2"):
                    run.ingest = trace_ingest.measure(bench, INGEST_CLIENTS, seconds, restore=False)
                ing = run.ingest
                show(ing.plain)
                show(ing.exported)
                say(
                    f"  {ing.spans_per_s:,.0f} spans/s stored during the load, "
                    f"{ing.spans_per_create:.1f} spans per create; trace store "
                    f"{ing.store_share * 100:.1f} % of the machine's CPU"
                )
            except Exception as exc:
                say(f"  G2 failed: {exc!r}")
    finally:
        bench.stop()


if __name__ == "__main__":
    sys.exit(main())
