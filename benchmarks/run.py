"""`make bench`: every figure of benchmarks/README.md in one run (about five minutes).

    .venv/bin/python -m benchmarks.run [--seconds 8] [--warmup 2] [--levels 1,16,64]
                                       [--profile auto|always|never] [--no-readme] [--keep]

Order: the two baselines (a) and (b), then a fresh stack (timed to ready, idle memory),
(c), (d), (e), memory after load, then — when a goal is missed, or always with
`--profile always` — pyinstrument profiles of the processes behind (c) and (e), and
what-if runs: (d) on the catalog (e) filled, (c) with tracing off, sampled, exported.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import baselines, gateway_load, machine, profiling, report, wrk
from benchmarks.results import Measurement
from benchmarks.stack import BenchStack
from deploy.processes import BUS_SERVICES, binary

ROOT = Path(__file__).resolve().parent.parent
README = Path(__file__).with_name("README.md")
PROFILE_DIR = ROOT / ".data" / "bench" / "profiles"


BEGAN = time.monotonic()


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
    return parser.parse_args(argv)


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


def profile(bench: BenchStack, run: report.Run, reads: gateway_load.Reads, seconds: float) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = PROFILE_DIR / stamp
    out.mkdir(parents=True, exist_ok=True)
    phase(f"profiling with pyinstrument (sessions in {out.relative_to(ROOT)})")
    # nx-27017 does its SQLite work in worker threads, which pyinstrument does not
    # sample; its share shows in the CPU column instead.
    for tag, scenario, names in (
        ("read", "(c) at 16 clients", ["catalog", "gateway"]),
        ("create", "(e) at 16 clients", ["catalog", "evaluation", "gateway"]),
    ):
        say(f"  {scenario}: {', '.join(names)} under pyinstrument")
        paths = profiling.start_profiled(bench, names, out, tag)
        if tag == "read":
            wrk.run("c", reads.cached, 16, 1)
            wrk.run("c", reads.cached, 16, seconds)
        else:
            gateway_load.creates(bench, [16], seconds, warmup_s=1)
        profiling.stop_profiled(bench, list(reversed(names)))
        for name in names:
            try:
                run.profiles.append(profiling.summarise(paths[name], name, scenario))
            except Exception as exc:  # a profile that did not write is reported, not fatal
                say(f"  no profile for {name}: {exc}")
    for name in ("catalog", "evaluation", "gateway"):
        bench.restart(name)


def what_if(bench: BenchStack, run: report.Run, reads: gateway_load.Reads, seconds: float) -> None:
    """Diagnostics at 16 clients: (d) on a full catalog, and what tracing costs.

    The telemetry rows restart the catalog and the gateway, so they are compared with a
    stock row taken after the same restart (same catalog size, warm-up done).
    """
    phase("what-if runs at 16 clients (diagnostics, not goals)")
    seconds = min(seconds, 6.0)

    def measure(label: str, scenario: str) -> None:
        load = reads.cached if scenario == "c" else reads.fresh
        wrk.run(scenario, load, 16, 1)
        m = wrk.run_windows(scenario, load, 16, seconds)
        m.scenario = f"({scenario}) {label}"
        run.what_if.append(m)
        show(m)

    def restart(env: dict[str, str], names: tuple[str, ...] = ("catalog", "gateway")) -> None:
        for name in names:
            bench.restart(name, env=env)
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
    for name in ("catalog", "gateway"):
        bench.restart(name)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    # deploy.health probes with short NATS connect timeouts; on a loaded machine nats-py
    # would print each timed-out probe's traceback into the table.
    logging.getLogger("nats.aio.client").setLevel(logging.CRITICAL)
    levels = [int(n) for n in args.levels.split(",")]
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
                "OTEL_EXPORTER_OTLP_ENDPOINT unset (spans created, not exported)",
            ]
        ),
        started_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        code=machine.code_version(ROOT),
        seconds=args.seconds,
        levels=levels,
        other_before=other,
    )
    say(f"==> {run.machine}")
    say(f"    {run.versions}")
    if other > 0.25:
        say(f"    ⚠ other processes use {other:.2f} cores right now: figures will suffer")
    workdir = Path(tempfile.mkdtemp(prefix="wenming-bench-"))
    seconds, warmup = args.seconds, args.warmup
    try:
        phase("(a) bare NATS request/reply (nats-py load client ⇄ nats-py responder)")
        run.results["a"] = baselines.nats_request_reply(workdir, levels, seconds, warmup / 4)
        for m in run.results["a"]:
            show(m)
        phase("(b) bare FastAPI handler under uvicorn (gateway settings)")
        run.results["b"] = baselines.bare_fastapi(workdir, levels, seconds, warmup)
        for m in run.results["b"]:
            show(m)

        phase(
            f"starting the stack (nats-server, {len(BUS_SERVICES)} × nx-27017, "
            f"{', '.join(BUS_SERVICES)}, gateway)"
        )
        bench = BenchStack(workdir / "stack")
        try:
            run.ready_s = bench.start()
            say(f"  ready in {run.ready_s:.1f} s")
            time.sleep(3.0)
            run.idle_memory = bench.memory()
            say(
                f"  idle RSS {run.idle_memory.rss_bytes / 2**20:.0f} MiB "
                f"({run.idle_memory.processes} processes)"
            )
            reads = gateway_load.prepare_reads(bench)
            phase("(c) gateway → catalog read model")
            run.results["c"] = gateway_load.reads(bench, "c", reads.cached, levels, seconds, warmup)
            for m in run.results["c"]:
                show(m)
            phase("(d) gateway → catalog → MongoDB read")
            run.results["d"] = gateway_load.reads(bench, "d", reads.fresh, levels, seconds, warmup)
            for m in run.results["d"]:
                show(m)
            phase("(e) creates, until the evaluation count caught up")
            run.results["e"] = gateway_load.creates(bench, levels, seconds, warmup)
            for m in run.results["e"]:
                show(m)
            run.loaded_memory = bench.memory()
            missed = any(not goal.met for goal in run.goals())
            if args.profile == "always" or (args.profile == "auto" and missed):
                for step in (profile, what_if):
                    try:
                        step(bench, run, reads, seconds)
                    except Exception as exc:  # the figures above are still worth writing
                        say(f"  {step.__name__} failed: {exc!r}")
        finally:
            bench.stop()
    finally:
        if args.keep:
            say(f"\ndata kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    run.total_s = time.monotonic() - began
    generated = report.render(run)
    say("\n" + generated)
    if not args.no_readme:
        report.write_readme(README, generated)
        say(f"wrote {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
