"""One error model: a stable code, an HTTP status and a message in Chinese and English.

Services raise `AppError`; the bus turns it into an `RpcReply` error and the gateway
into the same JSON body over HTTP.
"""

from __future__ import annotations

from typing import Any

from services.contracts.envelope import RpcError
from services.contracts.identity import Caller


class AppError(Exception):
    def __init__(
        self,
        code: str,
        status: int,
        message_zh: str,
        message_en: str,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message_en}")
        self.headers = headers
        self.code = code
        self.status = status
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details

    def to_rpc(self) -> RpcError:
        return RpcError(
            code=self.code,
            status=self.status,
            message_zh=self.message_zh,
            message_en=self.message_en,
            details=self.details,
        )

    @classmethod
    def from_rpc(cls, error: RpcError) -> AppError:
        return cls(error.code, error.status, error.message_zh, error.message_en, error.details)


def not_found(what_zh: str, what_en: str) -> AppError:
    # Also the answer for objects outside the caller's subtree: no existence leak.
    return AppError("not_found", 404, f"{what_zh}不存在", f"{what_en} not found")


def forbidden(message_zh: str, message_en: str) -> AppError:
    return AppError("forbidden", 403, message_zh, message_en)


def unauthenticated() -> AppError:
    return AppError("unauthenticated", 401, "请先登录", "sign-in required")


def require_caller(caller: Caller | None) -> Caller:
    """Services check the caller again: a request without one is refused."""
    if caller is None:
        raise unauthenticated()
    return caller


def invalid(
    message_zh: str, message_en: str, details: list[dict[str, Any]] | None = None
) -> AppError:
    return AppError("invalid_input", 422, message_zh, message_en, details)


def conflict(message_zh: str, message_en: str) -> AppError:
    return AppError("conflict", 409, message_zh, message_en)


def unavailable(service: str) -> AppError:
    return AppError(
        "service_unavailable",
        503,
        f"{service} 服务暂不可用，请稍后再试",
        f"the {service} service is not available; try again shortly",
    )


def timed_out(service: str) -> AppError:
    return AppError(
        "service_timeout",
        504,
        f"{service} 服务响应超时，请稍后再试",
        f"the {service} service did not answer in time",
    )
