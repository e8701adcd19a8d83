"""The two reference points: (a) bare NATS request/reply and (b) a bare FastAPI handler."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from benchmarks import machine, wrk
from benchmarks.results import Measurement
from deploy.ports import free_port, is_listening
from deploy.processes import binary

WINDOWS = 3


@contextlib.contextmanager
def spawned(argv: list[str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process in its own session, stopped (TERM, then KILL) on exit."""
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=8)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def wait_listening(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited early ({proc.returncode})")
        if is_listening(port):
            return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on {port} after {timeout_s}s")


def wait_log_line(log_path: Path, text: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited early; see {log_path}")
        if text in log_path.read_text(errors="replace"):
            return
        time.sleep(0.02)
    raise TimeoutError(f"{text!r} never appeared in {log_path}")


def nats_request_reply(
    workdir: Path, levels: list[int], seconds: float, warmup_s: float
) -> list[Measurement]:
    """(a) nats-py client → nats-server → trivial nats-py responder, and back."""
    port = free_port()
    server_argv = [binary("nats-server"), "-a", "127.0.0.1", "-p", str(port)]
    responder_log = workdir / "bench-responder.log"
    url = f"nats://127.0.0.1:{port}"
    results: list[Measurement] = []
    with spawned(server_argv, workdir / "bench-nats.log") as server:
        wait_listening(port, server)
        responder_argv = [sys.executable, "-m", "benchmarks.nats_rr", "respond", url]
        with spawned(responder_argv, responder_log) as responder:
            wait_log_line(responder_log, "ready", responder)
            machine.WATCHED.clear()
            machine.WATCHED.update({"nats-server": server.pid, "responder": responder.pid})
            for clients in levels:
                windows = [
                    _nats_window(url, clients, seconds / WINDOWS, warmup_s) for _ in range(WINDOWS)
                ]
                results.append(wrk.least_disturbed(windows))
    return results


def _nats_window(url: str, clients: int, seconds: float, warmup_s: float) -> Measurement:
    """One run of the nats-py load client (its own process); figures from its JSON line."""
    argv = [
        sys.executable,
        "-m",
        "benchmarks.nats_rr",
        "load",
        url,
        str(clients),
        str(seconds),
        str(warmup_s),
    ]
    with machine.CpuWindow() as window:
        out = subprocess.run(argv, capture_output=True, text=True, check=True)
        cpu = window.cores()
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return Measurement(
        scenario="a",
        clients=clients,
        requests=int(figures["requests"]),
        seconds=float(figures["seconds"]),
        p50_ms=float(figures["p50_ms"]),
        p99_ms=float(figures["p99_ms"]),
        errors=int(figures["errors"]),
        cpu=cpu,
    )


def bare_fastapi(
    workdir: Path,
    levels: list[int],
    seconds: float,
    warmup_s: float,
    routes: Mapping[str, str] | None = None,
) -> dict[str, list[Measurement]]:
    """(b) wrk → uvicorn → a FastAPI handler returning a constant dict.

    `routes` maps scenario → path of `bare_app` (default (b) `/bare`); each is measured
    at every level in the same uvicorn process, one after the other.
    """
    routes = routes or {"b": "/bare"}
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.bare_app", str(port)]
    results: dict[str, list[Measurement]] = {}
    with spawned(argv, workdir / "bench-bare-app.log") as app:
        wait_listening(port, app)
        machine.WATCHED.clear()
        machine.WATCHED.update({"uvicorn": app.pid})
        for scenario, path in routes.items():
            load = wrk.HttpLoad(url=f"http://127.0.0.1:{port}{path}")
            if warmup_s > 0 and not results:  # one warm-up: the routes share the process
                wrk.run(scenario, load, 16, warmup_s)
            results[scenario] = [
                wrk.run_windows(scenario, load, clients, seconds, WINDOWS) for clients in levels
            ]
    machine.WATCHED.clear()
    return results
