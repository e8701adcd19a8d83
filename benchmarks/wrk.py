"""Drive `wrk` (Debian package) with `wrk_report.lua` and parse its one-line JSON result."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.machine import CpuWindow
from benchmarks.results import Measurement

SCRIPT = Path(__file__).with_name("wrk_report.lua")
MARKER = "BENCH_RESULT "


class WrkMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class HttpLoad:
    """One HTTP request shape: the same request repeated by every connection.

    With `paths` (each a path and query string, already percent-encoded), the requests
    rotate through them in order instead of repeating the path of `url`.
    """

    url: str
    method: str = "GET"
    body: str = ""
    token: str = ""
    paths: tuple[str, ...] = ()


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing("wrk is not installed; `make bench` installs it (apt-get install -y wrk)")
    return path


def wrk_version() -> str:
    result = subprocess.run(
        [wrk_binary(), "--version"], capture_output=True, text=True, check=False
    )
    first = (result.stdout or result.stderr).splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk"


def run(
    scenario: str, load: HttpLoad, clients: int, seconds: float, threads: int = 1
) -> Measurement:
    """`clients` keep-alive connections for `seconds`; one wrk thread unless asked.

    One thread is plenty for wrk on this machine (it does >50k req/s per thread) and
    leaves the second core to the servers under test.
    """
    env = dict(os.environ)
    env.update({"BENCH_METHOD": load.method, "BENCH_BODY": load.body, "BENCH_TOKEN": load.token})
    env.pop("BENCH_PATHS_FILE", None)
    with tempfile.NamedTemporaryFile("w", suffix=".paths", encoding="utf-8") as paths:
        if load.paths:
            paths.write("\n".join(load.paths) + "\n")
            paths.flush()
            env["BENCH_PATHS_FILE"] = paths.name
        return _run(scenario, load, clients, seconds, threads, env)


def _run(
    scenario: str, load: HttpLoad, clients: int, seconds: float, threads: int, env: dict[str, str]
) -> Measurement:
    argv = [
        wrk_binary(),
        f"-t{max(1, min(threads, clients))}",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        load.url,
    ]
    with CpuWindow() as window:
        result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
        cpu = window.cores()
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith(MARKER)), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}\n{result.stderr}")
    figures = json.loads(line.removeprefix(MARKER))
    errors = sum(
        int(figures[k])
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    notes = []
    if figures["status_errors"]:
        notes.append(f"{figures['status_errors']} non-2xx")
    return Measurement(
        scenario=scenario,
        clients=clients,
        requests=int(figures["requests"]),
        seconds=int(figures["duration_us"]) / 1e6,
        p50_ms=int(figures["p50_us"]) / 1000,
        p99_ms=int(figures["p99_us"]) / 1000,
        errors=errors,
        notes=notes,
        cpu=cpu,
    )


def least_disturbed(runs: list[Measurement]) -> Measurement:
    """Of equally long windows, the one other processes on the machine disturbed least."""
    best = min(runs, key=lambda m: m.cpu.get("other", 0.0))
    others = ", ".join(f"{m.cpu.get('other', 0.0):.2f}" for m in runs)
    best.notes.append(f"best of {len(runs)} windows by other-CPU ({others})")
    return best


def run_windows(
    scenario: str, load: HttpLoad, clients: int, seconds: float, windows: int = 3
) -> Measurement:
    """`seconds` split into `windows` runs; the least disturbed one is reported.

    This machine is shared: a neighbour's test suite can take a whole core for a few
    seconds. Which window a neighbour hits has nothing to do with the system under
    test, so picking by the neighbours' CPU does not flatter it.
    """
    each = max(2.0, seconds / windows)
    return least_disturbed([run(scenario, load, clients, each) for _ in range(windows)])
