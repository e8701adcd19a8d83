"""One uploaded file: a multipart/form-data body streamed to a temp file under a hard cap.

The body is read only after the caller passed the access check (the route reads
`request.stream()` itself; FastAPI's form parameters would read it first). Bytes are
counted as they arrive, so neither a missing nor a false Content-Length, nor a
chunked body, gets past `max_bytes`; the sha256 and the first bytes (for telling the
type by content) are taken on the way.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from services.runtime.errors import AppError, invalid
from services.runtime.media_types import SNIFF_BYTES

MAX_OTHER_FIELDS_BYTES = 16 * 1024
MAX_FILENAME = 200


@dataclass
class Upload:
    file: BinaryIO  # positioned anywhere; deleted when closed
    filename: str
    size: int
    sha256: str
    head: bytes  # the first SNIFF_BYTES


def too_large(max_bytes: int) -> AppError:
    mib = max_bytes / (1024 * 1024)
    return AppError(
        "payload_too_large",
        413,
        f"文件过大（上限 {mib:g} MB）",
        f"the file is larger than {max_bytes} bytes",
        headers={"Connection": "close"},
    )


def not_multipart() -> AppError:
    return AppError(
        "unsupported_media_type",
        415,
        "请以 multipart/form-data 表单上传文件（字段名 file）",
        "send the file as multipart/form-data in the field `file`",
    )


def incomplete() -> AppError:
    return AppError("upload_incomplete", 400, "上传未完成，请重试", "the upload was cut short")


def clean_filename(raw: bytes) -> str:
    """The name the user gave, without any path, control characters or excess length."""
    name = raw.decode("utf-8", errors="replace").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    return name[:MAX_FILENAME] or "upload"


class _Parts:
    """python-multipart callbacks: keep the `field` file's bytes, skip small other fields."""

    def __init__(self, field: str) -> None:
        self.field = field.encode()
        self.pending: list[bytes] = []
        self.filename: str | None = None
        self.finished = False
        self._in_file = False
        self._other = 0
        self._headers: dict[bytes, bytes] = {}
        self._name = bytearray()
        self._value = bytearray()

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self._headers.clear,
            "on_header_field": lambda d, s, e: self._name.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }

    def _header_end(self) -> None:
        self._headers[bytes(self._name).strip().lower()] = bytes(self._value).strip()
        self._name.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        self._in_file = options.get(b"name") == self.field and b"filename" in options
        if self._in_file:
            if self.filename is not None:
                raise invalid("一次只能上传一个文件", "upload one file at a time")
            self.filename = clean_filename(options[b"filename"])

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.pending.append(data[start:end])
            return
        self._other += end - start
        if self._other > MAX_OTHER_FIELDS_BYTES:
            raise invalid("表单中除文件外的内容过多", "too much form data besides the file")

    def _part_end(self) -> None:
        self._in_file = False

    def _end(self) -> None:
        self.finished = True


def _boundary(content_type: str | None) -> bytes:
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise not_multipart()
    return boundary


async def _chunks(request: Request, idle_timeout_s: float) -> AsyncIterator[bytes]:
    stream = request.stream()
    while True:
        try:
            async with asyncio.timeout(idle_timeout_s):
                chunk = await anext(stream)
        except StopAsyncIteration:
            return
        except TimeoutError as exc:
            raise AppError(
                "upload_stalled", 408, "上传长时间无数据，已中止", "the upload stalled"
            ) from exc
        except ClientDisconnect as exc:
            raise incomplete() from exc
        if chunk:
            yield chunk


def _spool(directory: Path) -> BinaryIO:
    directory.mkdir(parents=True, exist_ok=True)
    return cast(BinaryIO, tempfile.TemporaryFile(mode="w+b", dir=directory))


def _append(file: BinaryIO, hasher: Any, data: bytes) -> None:
    hasher.update(data)
    file.write(data)


async def receive_upload(
    request: Request, *, field: str, max_bytes: int, spool_dir: Path, idle_timeout_s: float
) -> Upload:
    """Read the request's `field` file into a temp file in `spool_dir` (deleted on close)."""
    parts = _Parts(field)
    parser = MultipartParser(_boundary(request.headers.get("content-type")), parts.callbacks())
    file = await asyncio.to_thread(_spool, spool_dir)
    hasher, size, head = hashlib.sha256(), 0, bytearray()
    try:
        async for chunk in _chunks(request, idle_timeout_s):
            try:
                parser.write(chunk)
            except FormParserError as exc:
                raise invalid("上传的表单格式有误", "malformed multipart body") from exc
            if not parts.pending:
                continue
            data = b"".join(parts.pending)
            parts.pending.clear()
            size += len(data)
            if size > max_bytes:
                raise too_large(max_bytes)
            head += data[: max(SNIFF_BYTES - len(head), 0)]
            await asyncio.to_thread(_append, file, hasher, data)
        if not parts.finished:
            raise incomplete()
        if parts.filename is None:
            raise invalid(
                f"未找到上传的文件（表单字段 {field}）", f"no file in the field `{field}`"
            )
        if size == 0:
            raise invalid("上传的文件是空的", "the file is empty")
        await asyncio.to_thread(file.flush)
    except BaseException:
        file.close()
        raise
    return Upload(file, parts.filename, size, hasher.hexdigest(), bytes(head))
