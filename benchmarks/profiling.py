"""Where the time goes: pyinstrument on the gateway and the services under load.

Each profiled process is restarted under `python -m pyinstrument -r pyisession`, loaded
for a while, then stopped with SIGINT (uvicorn re-raises SIGTERM after its shutdown,
which would kill the process before pyinstrument writes its session; SIGINT ends in a
KeyboardInterrupt that pyinstrument catches). The sessions are summarised as:

- busy time: wall time minus the event loop waiting in epoll (idle);
- self time by package (built-ins are charged to the package that called them);
- the functions with the most self time;
- the heaviest frames by inclusive time (wrappers that cover nearly everything left out).

The raw sessions and an HTML rendering stay in the run's profile directory.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyinstrument.frame import Frame
from pyinstrument.renderers import HTMLRenderer
from pyinstrument.session import Session

from benchmarks.stack import BenchStack

# Where an event loop waits: epoll under asyncio's own loop; under uvloop (the gateway)
# the C loop is invisible, so its waiting shows as self time of asyncio's `Runner.run`.
IDLE_BUILTINS = {"epoll.poll", "poll", "select", "kqueue.control"}
# Start-up work that runs inside the event loop (imports, FastStream's start hooks such
# as the catalog's read-model warm-up, uvicorn's lifespan start) is not per-request cost.
STARTUP = {"_find_and_load", "_start_hooks_context", "_startup", "startup"}
_PKG = re.compile(r"site-packages/([A-Za-z0-9_]+)")
_STDLIB = re.compile(r"python3\.\d+/([A-Za-z0-9_]+)")
_OWN = re.compile(r"/(services|deploy|benchmarks)/")


@dataclass
class Row:
    name: str
    seconds: float
    share: float  # of busy time


@dataclass
class Summary:
    process: str
    scenario: str
    wall_s: float  # inside the event loop
    busy_s: float
    startup_s: float
    by_package: list[Row] = field(default_factory=list)
    top_self: list[Row] = field(default_factory=list)
    top_inclusive: list[Row] = field(default_factory=list)
    html: Path | None = None


def package(frame: Frame) -> str | None:
    path = frame.file_path or ""
    if not path or path.startswith("<"):
        return None
    if own := _OWN.search(path):
        return own.group(1)
    if pkg := _PKG.search(path):
        return pkg.group(1)
    if std := _STDLIB.search(path):
        return f"stdlib {std.group(1)}"
    return path


def label(frame: Frame) -> str:
    path = frame.file_path or ""
    if not path or path.startswith("<"):
        return f"{frame.function} [built-in]"
    short = re.sub(r".*site-packages/", "", path)
    short = re.sub(r".*/python3\.\d+/", "", short)
    short = re.sub(r".*/(?=(services|deploy|benchmarks)/)", "", short)
    return f"{frame.function} ({short}:{frame.line_no})"


def is_builtin(frame: Frame) -> bool:
    return not frame.file_path or frame.file_path.startswith("<")


def is_idle(frame: Frame) -> bool:
    if is_builtin(frame):
        return frame.function in IDLE_BUILTINS
    return frame.function == "select" and (frame.file_path or "").endswith("selectors.py")


def is_loop_runner(frame: Frame) -> bool:
    return frame.function == "run" and (frame.file_path or "").endswith("asyncio/runners.py")


def _loop_frames(frame: Frame) -> list[Frame]:
    if is_loop_runner(frame):
        return [frame]
    found: list[Frame] = []
    for child in frame.children:
        found += _loop_frames(child)
    return found


def summarise(path: Path, process: str, scenario: str, top: int = 12) -> Summary:
    session = Session.load(str(path))
    root = session.root_frame()
    if root is None:
        raise RuntimeError(f"{path}: empty profile")
    self_by_fn: dict[str, float] = defaultdict(float)
    self_by_pkg: dict[str, float] = defaultdict(float)
    incl_by_fn: dict[str, float] = defaultdict(float)
    idle = startup = 0.0

    def walk(frame: Frame, owner: str, seen: frozenset[str]) -> None:
        nonlocal idle, startup
        if is_idle(frame):
            idle += frame.time
            return
        if frame.function in STARTUP:
            startup += frame.time
            return
        pkg = package(frame) or owner
        name = label(frame)
        real = [child for child in frame.children if not child.is_synthetic]
        own = frame.time - sum(child.time for child in real)
        if is_loop_runner(frame):
            idle += own
            own = 0.0
        if name not in seen:
            incl_by_fn[name] += frame.time
            seen = seen | {name}
        if own > 0:
            self_by_fn[name] += own
            self_by_pkg[pkg] += own
        for child in real:
            walk(child, pkg, seen)

    # Only what runs inside the event loop: set-up before it (imports, create_app,
    # instrumentation) is start-up cost, not per-request cost.
    loops = list(_loop_frames(root))
    for loop in loops:
        walk(loop, "?", frozenset())
    busy = max(sum(loop.time for loop in loops) - idle - startup, 1e-9)

    def rows(table: dict[str, float], limit: int, cap: float = 1.01) -> list[Row]:
        ordered = sorted(table.items(), key=lambda kv: kv[1], reverse=True)
        picked = [(k, v) for k, v in ordered if v / busy < cap][:limit]
        return [Row(k, v, v / busy) for k, v in picked]

    html = path.with_suffix(".html")
    html.write_text(HTMLRenderer().render(session))
    return Summary(
        process=process,
        scenario=scenario,
        wall_s=sum(loop.time for loop in loops),
        busy_s=busy,
        startup_s=startup,
        by_package=rows(self_by_pkg, 10),
        top_self=rows(self_by_fn, top),
        # Wrappers around (nearly) everything say nothing; keep what is below them.
        top_inclusive=rows(incl_by_fn, top, cap=0.6),
        html=html,
    )


def start_profiled(
    bench: BenchStack,
    names: list[str],
    out_dir: Path,
    tag: str,
    env: dict[str, str] | None = None,
) -> dict[str, Path]:
    paths = {name: out_dir / f"{name}-{tag}.pyisession" for name in names}
    for name in names:  # services first, the gateway last: its readiness needs them
        bench.restart(name, profile_to=paths[name], env=env)
    return paths


def stop_profiled(bench: BenchStack, names: list[str]) -> None:
    for name in names:
        bench.stack.signal(name, signal.SIGINT)
    for name in names:
        popen = bench.stack.procs[name].popen
        if popen is None:
            continue
        try:
            popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            bench.stack.kill(name)
