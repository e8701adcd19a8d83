"""Subject and stream names (DESIGN §4).

`wm.<region>.<service>.rpc.<action>` for request/reply and
`wm.<region>.<service>.evt.<event>` for events; one stream per service per
deployment binds only `…evt.>` so it never answers a request with a publish ack.
"""

from __future__ import annotations

import re
from typing import Final

REGION_PATTERN: Final = r"^[0-9]{6}$"
_TOKEN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")

SERVICES: Final = ("accounts", "catalog", "orders", "volunteers", "evaluation", "ops")


def _check(region: str, service: str, name: str) -> None:
    if not re.fullmatch(REGION_PATTERN, region):
        raise ValueError(f"region must be a 6-digit GB/T 2260 code, got {region!r}")
    if not _TOKEN.fullmatch(service) or not _TOKEN.fullmatch(name):
        raise ValueError(f"bad subject token in {service!r}/{name!r}")


def rpc_prefix(region: str, service: str) -> str:
    return f"wm.{region}.{service}.rpc."


def rpc(region: str, service: str, action: str) -> str:
    _check(region, service, action)
    return f"{rpc_prefix(region, service)}{action}"


def evt(region: str, service: str, event: str) -> str:
    _check(region, service, event)
    return f"wm.{region}.{service}.evt.{event}"


def evt_wildcard(region: str, service: str) -> str:
    return f"wm.{region}.{service}.evt.>"


def stream_name(region: str, service: str) -> str:
    return f"WM_{region}_{service.upper()}"


def dead_letter_stream(region: str) -> str:
    return f"WM_{region}_DEADLETTER"


def durable_name(consumer_service: str, source_service: str) -> str:
    """One durable pull consumer per (consumer service, source stream); replicas share it."""
    return f"{consumer_service}--{source_service}"
