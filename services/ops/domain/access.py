"""Traces show every service's internals (queries, attributes): the ops role only."""

from __future__ import annotations

from services.contracts.identity import Caller, Role
from services.runtime.errors import forbidden, unauthenticated


def require_ops(caller: Caller | None) -> Caller:
    if caller is None:
        raise unauthenticated()
    if caller.role is not Role.ops:
        raise forbidden("只有运维人员可以查看调用链路", "only the ops role may read traces")
    return caller
