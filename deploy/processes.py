"""Start, health-check and stop every process of one local deployment.

One `Stack` is one deployment: `nats-server` with JetStream (store in the data dir,
`sync_interval: always`), one `nx-27017` per service (each with its own data dir,
pid file and log file), the four services and the gateway. The runner (`wenming up`)
and the integration tests both use it, so the tests exercise what users run.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from deploy.ports import free_port, is_listening

# ops first: every other process exports its spans to it.
BUS_SERVICES = ("ops", "accounts", "catalog", "orders", "volunteers", "evaluation")
DEFAULT_PORTS = {"nats": 4222, "nats_monitor": 8222, "gateway": 8000, "otlp": 4318}
MONGO_BASE_PORT = 27017


def binary(name: str) -> str:
    """A console script installed beside this interpreter (nats-server, nx-27017)."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.exists():
        path = Path(sys.executable).parent / name
    if not path.exists():
        raise FileNotFoundError(f"{name} is not installed in this environment; run `make up`")
    return str(path)


@dataclass
class Ports:
    nats: int
    nats_monitor: int
    gateway: int
    otlp: int
    mongo: dict[str, int]

    @classmethod
    def choose(cls, prefer_defaults: bool) -> Ports:
        taken: set[int] = set()

        def pick(preferred: int) -> int:
            return free_port(preferred if prefer_defaults else None, taken)

        return cls(
            nats=pick(DEFAULT_PORTS["nats"]),
            nats_monitor=pick(DEFAULT_PORTS["nats_monitor"]),
            gateway=pick(DEFAULT_PORTS["gateway"]),
            otlp=pick(DEFAULT_PORTS["otlp"]),
            mongo={s: pick(MONGO_BASE_PORT + i) for i, s in enumerate(BUS_SERVICES)},
        )


@dataclass
class Proc:
    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


@dataclass
class Stack:
    data_dir: Path
    region: str = "320582"
    ports: Ports = field(default_factory=lambda: Ports.choose(prefer_defaults=False))
    extra_env: dict[str, str] = field(default_factory=dict)
    proc_env: dict[str, dict[str, str]] = field(default_factory=dict)
    procs: dict[str, Proc] = field(default_factory=dict)

    # -- addresses ------------------------------------------------------------------

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{self.ports.nats}"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    def mongodb_url(self, service: str) -> str:
        return f"mongodb://127.0.0.1:{self.ports.mongo[service]}/?directConnection=true"

    @property
    def otlp_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.otlp}"

    def bootstrap_password(self) -> str:
        """The first provincial admin's password: generated once, kept in the data dir."""
        path = self.data_dir / "secrets" / "bootstrap-admin-password"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(12))
            path.chmod(0o600)
        return path.read_text().strip()

    def base_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "WENMING_REGION": self.region,
                "WENMING_DATA_DIR": str(self.data_dir),
                "NATS_URL": self.nats_url,
                # Every process sends its spans to the embedded trace store (ops).
                "OTEL_EXPORTER_OTLP_ENDPOINT": self.otlp_url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    # -- process specs --------------------------------------------------------------

    def nats_config(self) -> Path:
        store = self.data_dir / "nats"
        store.mkdir(parents=True, exist_ok=True)
        config = store / "nats-server.conf"
        config.write_text(
            f"""# written by deploy/processes.py for this local deployment
server_name: wenming-{self.region}
listen: 127.0.0.1:{self.ports.nats}
http: 127.0.0.1:{self.ports.nats_monitor}
max_payload: 1MB
jetstream {{
  store_dir: "{store}"
  # fsync every write: the default two-minute interval lost acknowledged writes (Jepsen 2025)
  sync_interval: always
  max_memory_store: 256MB
  max_file_store: 10GB
}}
"""
        )
        return config

    def spec(self, name: str) -> Proc:
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = {**self.base_env(), **self.proc_env.get(name, {})}
        if name == "nats":
            argv = [binary("nats-server"), "-c", str(self.nats_config())]
            return Proc(name, argv, env, self.ports.nats, logs / "nats.log")
        if name.startswith("mongo-"):
            service = name.removeprefix("mongo-")
            db_dir = self.data_dir / "mongo" / service
            db_dir.mkdir(parents=True, exist_ok=True)
            argv = [
                binary("nx-27017"),
                "--data-dir",
                str(db_dir),
                "--host",
                "127.0.0.1",
                "-p",
                str(self.ports.mongo[service]),
                "--pid-file",
                str(db_dir / "nx-27017.pid"),
                "--log-file",
                str(db_dir / "nx-27017.log"),
            ]
            return Proc(name, argv, env, self.ports.mongo[service], logs / f"{name}.log")
        if name == "ops":
            # The trace store: OTLP/HTTP in on its own port, queries over the bus.
            env["MONGODB_URL"] = self.mongodb_url("ops")
            env["WENMING_OPS_OTLP_PORT"] = str(self.ports.otlp)
            argv = [sys.executable, "-m", "services.ops"]
            return Proc(name, argv, env, self.ports.otlp, logs / "ops.log")
        if name == "gateway":
            env["WENMING_GATEWAY_PORT"] = str(self.ports.gateway)
            argv = [sys.executable, "-m", "services.gateway"]
            return Proc(name, argv, env, self.ports.gateway, logs / "gateway.log")
        env["MONGODB_URL"] = self.mongodb_url(name)
        if name == "accounts":
            env.setdefault("WENMING_BOOTSTRAP_ADMIN", "admin")
            env.setdefault("WENMING_BOOTSTRAP_PASSWORD", self.bootstrap_password())
        argv = [sys.executable, "-m", f"services.{name}"]
        # A bus service listens on no port of its own: it is reached through NATS.
        return Proc(name, argv, env, 0, logs / f"{name}.log")

    # -- lifecycle ------------------------------------------------------------------

    def start(self, name: str) -> Proc:
        proc = self.procs.get(name) or self.spec(name)
        log = proc.log_path.open("ab")
        proc.popen = subprocess.Popen(
            proc.argv,
            env=proc.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self.procs[name] = proc
        return proc

    def wait_port(self, name: str, timeout_s: float = 20.0) -> None:
        proc = self.procs[name]
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not proc.alive():
                raise RuntimeError(f"{name} exited early; see {proc.log_path}")
            if is_listening(proc.port):
                return
            time.sleep(0.02)
        raise TimeoutError(f"{name} did not listen on port {proc.port} in {timeout_s}s")

    def start_infrastructure(self, services: tuple[str, ...] = BUS_SERVICES) -> None:
        self.start("nats")
        for service in services:
            self.start(f"mongo-{service}")
        self.wait_port("nats")
        for service in services:
            self.wait_port(f"mongo-{service}")

    def signal(self, name: str, sig: int) -> None:
        proc = self.procs[name]
        if proc.alive() and proc.popen is not None:
            os.killpg(proc.popen.pid, sig)

    def kill(self, name: str) -> None:
        """SIGKILL: the crash the outbox and inbox must survive."""
        self.signal(name, signal.SIGKILL)
        proc = self.procs[name]
        if proc.popen is not None:
            proc.popen.wait(timeout=10)

    def stop(self, name: str, timeout_s: float = 8.0) -> None:
        proc = self.procs.get(name)
        if proc is None or proc.popen is None or not proc.alive():
            return
        self.signal(name, signal.SIGTERM)
        try:
            proc.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill(name)

    def stop_all(self, timeout_s: float = 8.0) -> None:
        """Stop the front and the services together, then their databases and the bus."""
        front = ["gateway", *BUS_SERVICES]
        back = [n for n in self.procs if n not in front and n != "nats"] + ["nats"]
        for group in (front, back):
            running = [n for n in group if n in self.procs and self.procs[n].alive()]
            for name in running:
                self.signal(name, signal.SIGTERM)
            deadline = time.monotonic() + timeout_s
            for name in running:
                popen = self.procs[name].popen
                assert popen is not None
                try:
                    popen.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self.kill(name)

    def describe(self) -> dict[str, object]:
        return {
            "data_dir": str(self.data_dir),
            "region": self.region,
            "ports": asdict(self.ports),
            "procs": {
                n: {"pid": p.pid, "port": p.port, "log": str(p.log_path)}
                for n, p in self.procs.items()
            },
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**self.describe(), "runner_pid": os.getpid()}, indent=2))
