"""The local runner behind `wenming up` / `status` / `seed` / `deadletters`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nats

from deploy import demo
from deploy import seed as demo_seed
from deploy.health import wait_http, wait_services
from deploy.ports import is_listening
from deploy.processes import BUS_SERVICES, Ports, Stack
from services.runtime import deadletter
from services.runtime.bus import jetstream

RESTART_LIMIT = 5


def state_file(data_dir: Path) -> Path:
    return data_dir / "run" / "stack.json"


def read_state(data_dir: Path) -> dict[str, Any] | None:
    path = state_file(data_dir)
    if not path.exists():
        return None
    state: dict[str, Any] = json.loads(path.read_text())
    return state


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def say(message: str) -> None:
    print(message, flush=True)


def up(data_dir: Path, region: str) -> int:
    state = read_state(data_dir)
    if state and pid_alive(state.get("runner_pid")):
        gateway = state["ports"]["gateway"]
        say(
            f"平台已在运行 / already running (runner pid {state['runner_pid']}): "
            f"http://127.0.0.1:{gateway} — `wenming status` shows each process."
        )
        return 1
    started = time.monotonic()
    stack = Stack(data_dir, region=region, ports=Ports.choose(prefer_defaults=True))
    stop = _install_signal_handlers()
    try:
        _start(stack, started)
        stack.save(state_file(data_dir))
        _seed_and_print(stack)
        _supervise(stack, stop)
    finally:
        say("\nstopping every process …")
        stack.stop_all()
        state_file(data_dir).unlink(missing_ok=True)
        say("stopped; data kept in " + str(data_dir))
    return 0


def _install_signal_handlers() -> dict[str, bool]:
    stop = {"requested": False}

    def request_stop(signum: int, frame: object) -> None:
        stop["requested"] = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return stop


def _start(stack: Stack, started: float) -> None:
    say(f"data directory: {stack.data_dir}")
    say(f"starting nats-server (JetStream) on :{stack.ports.nats} and one nx-27017 per service …")
    stack.start_infrastructure()
    for service in BUS_SERVICES:
        say(f"  mongo for {service:<10} :{stack.ports.mongo[service]}")
    say(f"  trace store (ops) receives OTLP on {stack.otlp_url}")
    for service in BUS_SERVICES:
        stack.start(service)
    stack.start("gateway")
    say("starting services: " + ", ".join(BUS_SERVICES) + ", gateway …")
    asyncio.run(
        wait_services(
            stack.nats_url,
            stack.region,
            BUS_SERVICES,
            on_ready=lambda s: say(f"  {s:<10} ready ({time.monotonic() - started:.1f}s)"),
        )
    )
    asyncio.run(wait_http(stack.gateway_url + "/readyz"))
    say(f"  gateway    ready ({time.monotonic() - started:.1f}s)")


def _seed_and_print(stack: Stack) -> None:
    result = demo_seed.seed(stack.gateway_url, stack.data_dir, stack.bootstrap_password())
    url = stack.gateway_url
    say(
        f"\ndemo data loaded: {len(demo.SITES)} sites, {len(demo.ADMINS) + 1} admin accounts, "
        f"{result.content} content items, 1 kiosk."
    )
    say(f"\n  管理后台 admin console  {url}/admin/")
    say(f"  移动端 mobile H5        {url}/m/?site={quote(demo.RESIDENT_SITE, safe='')}")
    say(f"  一体机 kiosk            {url}/kiosk/#setup={result.kiosk_token}")
    say(f"  API 文档 docs           {url}/docs")
    say(f"  调用链 traces (ops)     {url}/admin/#/ops")
    say(f"  NATS {stack.nats_url}  (monitor http://127.0.0.1:{stack.ports.nats_monitor})")
    say("\ndemo logins (管理员账号):")
    say(f"  {'admin':<12} {stack.bootstrap_password():<20} 平台管理员 · provincial_admin")
    for admin in demo.ADMINS:
        say(f"  {admin.username:<12} {demo.DEMO_PASSWORD:<20} {admin.name} · {admin.role.value}")
    say(
        f"  resident phone {demo.RESIDENT_PHONE}: the code is written to "
        f"{stack.data_dir / 'sms' / 'outbox.log'}"
    )
    say("\nPress Ctrl-C to stop.")


def _supervise(stack: Stack, stop: dict[str, bool]) -> None:
    restarts: dict[str, int] = {}
    while not stop["requested"]:
        time.sleep(0.5)
        for name, proc in list(stack.procs.items()):
            if proc.alive() or stop["requested"]:
                continue
            restarts[name] = restarts.get(name, 0) + 1
            if restarts[name] > RESTART_LIMIT:
                say(f"{name} keeps exiting; see {proc.log_path}. Stopping.")
                return
            say(f"{name} exited (code {proc.popen.returncode if proc.popen else '?'}); restarting")
            stack.start(name)
            stack.save(state_file(stack.data_dir))


def status(data_dir: Path) -> int:
    state = read_state(data_dir)
    if state is None:
        say("not running (no state file in " + str(state_file(data_dir)) + ")")
        return 1
    runner_alive = pid_alive(state.get("runner_pid"))
    say(f"runner pid {state.get('runner_pid')}: {'up' if runner_alive else 'down'}")
    say(f"{'process':<18}{'state':<7}{'port':<7}pid")
    all_up = runner_alive
    for name, proc in state["procs"].items():
        port = proc["port"]
        alive = pid_alive(proc["pid"]) and (port == 0 or is_listening(port))
        all_up = all_up and alive
        shown = port or "bus"
        say(f"{name:<18}{'up' if alive else 'down':<7}{shown!s:<7}{proc['pid']}")
    return 0 if all_up else 1


def seed_running(data_dir: Path) -> int:
    state = read_state(data_dir)
    if state is None:
        say("the platform is not running; start it with `make up`")
        return 1
    stack = Stack(data_dir)
    result = demo_seed.seed(
        f"http://127.0.0.1:{state['ports']['gateway']}", data_dir, stack.bootstrap_password()
    )
    say(f"demo data loaded ({result.content} content items; seeding twice changes nothing)")
    return 0


async def deadletters(data_dir: Path, action: str, sequence: int | None) -> int:
    state = read_state(data_dir)
    if state is None:
        say("the platform is not running; start it with `make up`")
        return 1
    client = await nats.connect(f"nats://127.0.0.1:{state['ports']['nats']}")
    try:
        js = jetstream(client)
        if action == "list":
            letters = await deadletter.list_dead_letters(js, state["region"])
            for letter in letters:
                say(letter.model_dump_json())
            say(f"{len(letters)} dead letter(s)")
            return 0
        if sequence is None:
            say("replay needs the dead letter's sequence (see `wenming deadletters list`)")
            return 2
        try:
            letter = await deadletter.replay(js, state["region"], sequence)
        except deadletter.ReplayError as exc:
            say(str(exc))
            return 1
        say(f"replayed {letter.event_type} {letter.event_id} to {letter.subject}")
        return 0
    finally:
        await client.close()
