"""Failpoints for fault-injection tests: crash or fail at a named point on purpose.

Off unless `WENMING_FAILPOINTS` names them, e.g.
`WENMING_FAILPOINTS=outbox.after_commit:kill,inbox.effect:raise`. The fault tests
use them to stop a process exactly between a commit and a publish or an ack,
which no amount of timing can hit reliably.
"""

from __future__ import annotations

import os
import signal
from functools import cache


class InjectedFault(RuntimeError):
    pass


@cache
def _armed() -> dict[str, str]:
    spec = os.environ.get("WENMING_FAILPOINTS", "")
    points: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, action = item.partition(":")
        points[name] = action or "raise"
    return points


def hit(name: str) -> None:
    action = _armed().get(name)
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "raise":
        raise InjectedFault(name)
