"""The platform under test: a `deploy.processes.Stack` started the way `wenming up` does it.

Production settings throughout: default outbox poll, INFO logs, tracing on (the
gateway's `WENMING_TRACING` defaults to true, every service sets up its tracer
provider), but `OTEL_EXPORTER_OTLP_ENDPOINT` unset, so spans are created and
dropped — no exporter runs. Free ports, so a running `make up` is not disturbed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
from pymongo import MongoClient

from benchmarks import machine
from deploy.health import wait_http, wait_services
from deploy.processes import BUS_SERVICES, Proc, Stack
from services.contracts.identity import Caller, Role
from services.runtime import tokens

CENTER = "320000/320500/320582"
RESIDENT_SITE = f"{CENTER}/320582102/320582102205/P01"
# Creates come from the admins of fresh centers (county codes no demo data uses): a
# center admin publishes at once (station uploads wait for review), and each run's
# count at its own center is its own.
BENCH_CITY = "320000/320500"
TOKEN_TTL_S = 3 * 3600
# The gateway's rate limits stay on (their cost is measured) but far above the load:
# every wrk connection comes from 127.0.0.1 with one token.
BENCH_ENV = {
    "WENMING_RATE_PER_ADDRESS": "1000000000/minute",
    "WENMING_RATE_PER_CALLER": "1000000000/minute",
}
OTLP_ENV = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


@dataclass(frozen=True)
class Memory:
    rss_bytes: int
    pss_bytes: int
    processes: int
    by_name: dict[str, int]


class BenchStack:
    def __init__(self, data_dir: Path) -> None:
        # The benchmark runs with the exporter off (see the module docstring).
        for name in OTLP_ENV:
            os.environ.pop(name, None)
        self.stack = Stack(data_dir, extra_env=dict(BENCH_ENV))
        private, public = tokens.generate_key_files(data_dir / "secrets")
        self.keys = tokens.load_keys(private, public, "wenming")
        self._stations = iter(range(1, 10**6))
        self._catalog_db: MongoClient[dict[str, Any]] | None = None
        self._ops_db: MongoClient[dict[str, Any]] | None = None

    # -- lifecycle, as deploy/runner.py `_start` ------------------------------------

    def start(self) -> float:
        """Start everything; seconds from the first process start to all ready."""
        started = time.monotonic()
        names = ["nats", *(f"mongo-{s}" for s in BUS_SERVICES), *BUS_SERVICES, "gateway"]
        for name in names:
            self.stack.procs[name] = self._spec(name)
        self.stack.start_infrastructure()
        for service in BUS_SERVICES:
            self.stack.start(service)
        self.stack.start("gateway")
        asyncio.run(wait_services(self.stack.nats_url, self.stack.region, BUS_SERVICES))
        asyncio.run(wait_http(self.gateway_url + "/readyz"))
        ready_s = time.monotonic() - started
        self.watch()
        return ready_s

    def settle(self, names: tuple[str, ...], timeout_s: float = 20.0) -> None:
        """Wait until `names` are idle (< 0.1 core over half a second): warm-ups done."""
        deadline = time.monotonic() + timeout_s
        procs = [psutil.Process(p) for n in names if (p := self.stack.procs[n].pid)]
        while time.monotonic() < deadline:
            before = sum(_cpu(p) for p in procs)
            time.sleep(0.5)
            if sum(_cpu(p) for p in procs) - before < 0.05:
                return

    def _spec(self, name: str) -> Proc:
        """The runner's process spec, with no OTLP exporter even if the stack sets one."""
        proc = self.stack.spec(name)
        for key in OTLP_ENV:
            proc.env.pop(key, None)
        return proc

    def watch(self) -> None:
        """Tell the CPU accounting which processes are the stack."""
        machine.WATCHED.clear()
        machine.WATCHED.update({n: p.pid for n, p in self.stack.procs.items() if p.pid})

    def stop(self) -> None:
        for client in (self._catalog_db, self._ops_db):
            if client is not None:
                client.close()
        self.stack.stop_all()

    def restart(
        self, name: str, profile_to: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        """Restart one process of the stack: plain, under pyinstrument, or with `env`."""
        self.stack.stop(name)
        proc = self._spec(name)
        if profile_to is not None:
            profiler = ["-m", "pyinstrument", "-r", "pyisession", "-o", str(profile_to)]
            if name.startswith("mongo-"):
                # nx-27017 is a console script: profile the script file itself.
                proc.argv = [sys.executable, *profiler, *proc.argv]
            else:
                proc.argv = [proc.argv[0], *profiler, *proc.argv[1:]]
        proc.env.update(env or {})
        self.stack.procs[name] = proc
        self.stack.start(name)
        if name == "gateway":
            asyncio.run(wait_http(self.gateway_url + "/readyz", timeout_s=60))
        elif name in BUS_SERVICES:
            asyncio.run(
                wait_services(self.stack.nats_url, self.stack.region, (name,), timeout_s=60)
            )
        else:
            self.stack.wait_port(name)
        self.watch()

    def restart_together(self, names: tuple[str, ...], env: dict[str, str]) -> None:
        """Restart bus services and/or the gateway at once (stop all, start all, wait).

        Quicker than `restart` one by one: the services warm up in parallel.
        """
        running = [n for n in names if self.stack.procs[n].alive()]
        for name in running:
            self.stack.signal(name, signal.SIGTERM)
        for name in running:
            popen = self.stack.procs[name].popen
            assert popen is not None
            try:
                popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.stack.kill(name)
        for name in names:
            proc = self._spec(name)
            proc.env.update(env)
            self.stack.procs[name] = proc
            self.stack.start(name)
        services = tuple(n for n in names if n in BUS_SERVICES)
        if services:
            asyncio.run(wait_services(self.stack.nats_url, self.stack.region, services, 60))
        if "gateway" in names:
            asyncio.run(wait_http(self.gateway_url + "/readyz", timeout_s=60))
        self.watch()

    # -- callers ----------------------------------------------------------------------

    @property
    def gateway_url(self) -> str:
        return self.stack.gateway_url

    def token(self, role: Role, site: str) -> str:
        caller = Caller(sub=f"bench-{role.value}", role=role, site=site)
        return tokens.mint(self.keys, caller, ttl_s=TOKEN_TTL_S)

    def fresh_center(self) -> str:
        return f"{BENCH_CITY}/{320600 + next(self._stations)}"

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.gateway_url, headers=headers, timeout=10.0)

    # -- peeking (benchmarks only) ------------------------------------------------------

    def catalog_total(self) -> int:
        """Content items the catalog has committed (its own database; `count`, cheap).

        `count_documents` with a filter scans the collection in nx-27017 (~16 ms for
        600 items) and would load the catalog's database while (e) waits; the total
        before and after a run gives the same number.
        """
        if self._catalog_db is None:
            self._catalog_db = MongoClient(self.stack.mongodb_url("catalog"))
        return int(self._catalog_db["wenming_catalog"]["content"].estimated_document_count())

    def spans_stored(self) -> int:
        """Spans in the ops trace store (its own database; the metadata count)."""
        if self._ops_db is None:
            self._ops_db = MongoClient(self.stack.mongodb_url("ops"))
        return int(self._ops_db["wenming_ops"]["spans"].estimated_document_count())

    def memory(self) -> Memory:
        """RSS (and PSS, which counts shared pages once) of every process of the stack."""
        rss = pss = count = 0
        by_name: dict[str, int] = {}
        for name, proc in self.stack.procs.items():
            if proc.pid is None:
                continue
            try:
                root = psutil.Process(proc.pid)
                family = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for member in family:
                try:
                    info = member.memory_full_info()
                except psutil.NoSuchProcess:
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                by_name[name] = by_name.get(name, 0) + info.rss
                count += 1
        return Memory(rss, pss, count, by_name)

    def pids(self) -> set[int]:
        return {p.pid for p in self.stack.procs.values() if p.pid is not None}


def _cpu(proc: psutil.Process) -> float:
    try:
        times = proc.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return float(times.user + times.system)


def python_version() -> str:
    return sys.version.split()[0]
