"""The `wenming` command: `up`, `status`, `seed`, `deadletters`."""

from __future__ import annotations

import argparse
import asyncio

from deploy import runner
from services.runtime.settings import PlatformSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wenming", description="文明实践云 local platform")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start everything with demo data; Ctrl-C stops it")
    commands.add_parser("status", help="each process: up/down, port, pid")
    commands.add_parser("seed", help="load the demo data into the running platform")
    dead = commands.add_parser("deadletters", help="list or replay dead-lettered events")
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("sequence", nargs="?", type=int, help="dead-letter sequence to replay")
    args = parser.parse_args(argv)
    settings = PlatformSettings()
    data_dir = settings.data_dir.resolve()
    if args.command == "up":
        return runner.up(data_dir, settings.region)
    if args.command == "status":
        return runner.status(data_dir)
    if args.command == "seed":
        return runner.seed_running(data_dir)
    return asyncio.run(runner.deadletters(data_dir, args.action, args.sequence))
