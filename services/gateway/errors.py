"""One JSON error format over HTTP: a stable code and a message in Chinese and English."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.runtime.errors import AppError

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    code: str
    message_zh: str
    message_en: str
    request_id: str | None = None
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_response(
    request: Request,
    status: int,
    code: str,
    zh: str,
    en: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(
        error=ErrorDetail(
            code=code,
            message_zh=zh,
            message_en=en,
            request_id=request.scope.get("state", {}).get("request_id"),
            details=details,
        )
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


_HTTP_MESSAGES = {
    404: ("not_found", "请求的资源不存在", "not found"),
    405: ("method_not_allowed", "不支持该请求方法", "method not allowed"),
    413: ("payload_too_large", "请求内容过大", "request body too large"),
    415: ("unsupported_media_type", "不支持的内容类型", "unsupported media type"),
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors()[:20]
    ]


def retry_after(exc: AppError) -> dict[str, str] | None:
    """A service's 429 says how long to wait in its details; HTTP says it in a header."""
    if exc.status != 429:
        return None
    for detail in exc.details or []:
        if isinstance(detail.get("retry_after_s"), int):
            return {"Retry-After": str(detail["retry_after_s"])}
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def on_app_error(request: Request, exc: AppError) -> JSONResponse:
        return error_response(
            request,
            exc.status,
            exc.code,
            exc.message_zh,
            exc.message_en,
            exc.details,
            headers=exc.headers or retry_after(exc),
        )

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error in the gateway", exc_info=exc)
        return error_response(
            request,
            500,
            "internal_error",
            "服务内部错误，已记录，请稍后再试",
            "internal error; the request id leads to its trace",
        )

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(
            request,
            422,
            "invalid_input",
            "输入内容不符合要求",
            "the input is not valid",
            _validation_details(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, zh, en = _HTTP_MESSAGES.get(
            exc.status_code, ("http_error", "请求无法处理", str(exc.detail))
        )
        return error_response(
            request, exc.status_code, code, zh, en, headers=getattr(exc, "headers", None)
        )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        401: "not signed in, or the token is invalid or expired",
        403: "signed in, but the role may not do this",
        404: "no such object inside the caller's site subtree",
        409: "conflicts with what exists (e.g. a taken username)",
        413: "request body too large",
        422: "the input is not valid",
        429: "too many requests; see Retry-After",
        503: "the service behind this route is not running",
        504: "the service behind this route did not answer in time",
    }.items()
}
