"""The machine the figures came from, and where its CPU went during each measurement.

`CpuWindow` charges CPU time over a measured window to: each watched process (the
servers under test, with their children), the load generator (children of this
process that were reaped in the window: wrk, the NATS load client), and everything
else on the machine ("other"): a busy neighbour makes every figure worse, so it is
reported next to them.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

# name → pid of the processes under test; set by whoever starts them.
WATCHED: dict[str, int] = {}


def _cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system)


def _own_family() -> set[int]:
    me = psutil.Process()
    return {me.pid, *(child.pid for child in me.children(recursive=True))}


def _snapshot() -> dict[int, float]:
    seen: dict[int, float] = {}
    for proc in psutil.process_iter():
        try:
            seen[proc.pid] = _cpu_seconds(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return seen


def _family(pid: int) -> set[int]:
    try:
        root = psutil.Process(pid)
        return {pid, *(child.pid for child in root.children(recursive=True))}
    except psutil.NoSuchProcess:
        return set()


@dataclass
class CpuWindow:
    started: float = 0.0
    before: dict[int, float] = field(default_factory=dict)
    reaped_before: float = 0.0

    def __enter__(self) -> CpuWindow:
        self.before = _snapshot()
        times = os.times()
        self.reaped_before = times.children_user + times.children_system
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def cores(self) -> dict[str, float]:
        """Cores used per watched name, by the load generator and by other processes."""
        wall = max(time.monotonic() - self.started, 1e-9)
        after = _snapshot()
        times = os.times()
        reaped = times.children_user + times.children_system - self.reaped_before
        ours = _own_family()
        used: dict[str, float] = {}
        for name, pid in WATCHED.items():
            members = _family(pid)
            ours |= members
            spent = sum(after.get(p, 0.0) - self.before.get(p, 0.0) for p in members)
            used[name] = max(spent, 0.0) / wall
        used["load generator"] = reaped / wall
        other = sum(
            seconds - self.before.get(pid, 0.0) for pid, seconds in after.items() if pid not in ours
        )
        used["other"] = max(other, 0.0) / wall
        return used


def busy_elsewhere(seconds: float = 1.0) -> float:
    """Cores used by processes other than this one and its children, over `seconds`."""
    with CpuWindow() as window:
        time.sleep(seconds)
    return window.cores()["other"]


def describe() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    distro = ""
    try:
        distro = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:
        distro = platform.system()
    return (
        f"{os.cpu_count()} × {model}, {memory:.0f} GiB RAM, {distro}, "
        f"kernel {platform.release()}, Python {platform.python_version()}"
    )


def code_version(root: Path) -> str:
    """The commit the figures belong to, and whether the work tree differed from it.

    BENCH_CODE_VERSION overrides it (a run from an exported snapshot has no .git).
    """
    if override := os.environ.get("BENCH_CODE_VERSION"):
        return override

    def git(*args: str) -> str:
        try:
            out = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return out.stdout.strip() if out.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown commit"
    changed = [
        line
        for line in git("status", "--porcelain", "--", "services", "deploy").splitlines()
        if line.strip()
    ]
    return f"commit {commit}" + (
        f" + uncommitted changes in {len(changed)} files of services/ and deploy/"
        if changed
        else ""
    )


def tool_version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "?"
