"""Media (媒体文件): upload into the media bucket, and serve it to players with byte ranges.

Upload: the body streams to a temp file under a hard cap, its type is told by its
bytes, it goes into the bucket, and the catalog registers it (re-checking it) for
the caller's site; the client then names `media_id` when it creates content.
Serving reads the bucket's chunks for the asked range only; nothing is loaded whole.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import quote

import nats.errors
from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import StreamingResponse

from services.contracts import catalog as c
from services.gateway.auth import Admin, Public, limit_per_caller
from services.gateway.bus import BusClient
from services.gateway.byte_ranges import ByteRange, Unsatisfiable, parse_range
from services.gateway.deps import Bus, IdempotencyKey
from services.gateway.errors import ERROR_RESPONSES
from services.gateway.settings import GatewaySettings
from services.gateway.uploads import receive_upload
from services.runtime import media_types
from services.runtime.bus import jetstream
from services.runtime.errors import AppError, not_found
from services.runtime.media_bucket import (
    MediaBucket,
    MediaReadError,
    StoredMedia,
    store_unavailable,
)

log = logging.getLogger(__name__)

UPLOAD_PATH = "/api/v1/media"
SERVE_PREFIX = "/media/"
FIELD = "file"
# Room for the multipart framing around the file (boundaries, part headers, small fields).
MULTIPART_SLACK = 64 * 1024
MEDIA_ID = re.compile(r"^[0-9a-f]{32}$")
IMMUTABLE = "public, max-age=31536000, immutable"

router = APIRouter(tags=["media 媒体"], responses=ERROR_RESPONSES)


def body_limits(settings: GatewaySettings) -> dict[str, int]:
    """Per-path body limits for `BodyLimitMiddleware` (the upload path only)."""
    return {UPLOAD_PATH: settings.max_upload_bytes + MULTIPART_SLACK}


def timeouts(settings: GatewaySettings) -> dict[str, float | None]:
    """Per-path request timeouts for `TimeoutMiddleware`: long uploads; downloads stream
    as long as the player reads (each chunk has its own timeout)."""
    return {UPLOAD_PATH: settings.upload_timeout_s, SERVE_PREFIX: None}


def media_bucket(request: Request) -> MediaBucket:
    """The gateway's handle on the bucket, made on first use (the broker is connected then)."""
    state = request.app.state
    bucket: MediaBucket | None = getattr(state, "media_bucket", None)
    if bucket is None:
        settings: GatewaySettings = state.settings
        bus: BusClient = state.bus
        bucket = MediaBucket(
            lambda: jetstream(bus.connection),
            settings.region,
            settings.stream_replicas,
        )
        state.media_bucket = bucket
    return bucket


Bucket = Annotated[MediaBucket, Depends(media_bucket)]


@contextmanager
def store_errors() -> Iterator[None]:
    try:
        yield
    except (nats.errors.Error, MediaReadError) as exc:
        log.warning("media store failed: %r", exc)
        raise store_unavailable() from exc


# -- upload ----------------------------------------------------------------------------------

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FIELD],
                    "properties": {
                        FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "视频、音频、图片或 PDF；类型按文件内容判断 "
                            + "("
                            + ", ".join(media_types.MEDIA_TYPES)
                            + ")",
                        }
                    },
                }
            }
        },
    }
}


async def discard(bucket: MediaBucket, media_id: str) -> None:
    """Delete an object nothing refers to (shielded: it runs even if the caller went away)."""
    try:
        await asyncio.shield(bucket.delete(media_id))
    except (nats.errors.Error, AppError):
        log.warning("could not delete unregistered media %s", media_id, exc_info=True)


@router.post(
    UPLOAD_PATH,
    status_code=201,
    summary="上传媒体文件 upload a video, audio, image or PDF (multipart, field `file`)",
    openapi_extra=UPLOAD_BODY,
    responses={
        408: {"description": "the upload stalled"},
        415: {"description": "not multipart, or the file's content is not an accepted type"},
    },
)
async def upload_media(
    request: Request,
    bus: Bus,
    bucket: Bucket,
    caller: Admin,
    idempotency_key: IdempotencyKey = None,
    _: None = limit_per_caller("media.upload", "120/hour"),
) -> c.MediaView:
    settings: GatewaySettings = request.app.state.settings
    upload = await receive_upload(
        request,
        field=FIELD,
        max_bytes=settings.max_upload_bytes,
        spool_dir=settings.data_dir / "uploads",
        idle_timeout_s=settings.upload_idle_timeout_s,
    )
    media_id = secrets.token_hex(16)
    try:
        mime = media_types.require_accepted(upload.head)
        with store_errors():
            await bucket.put(
                media_id, upload.file, mime=mime, sha256=upload.sha256, filename=upload.filename
            )
    finally:
        await asyncio.to_thread(upload.file.close)
    command = c.MediaRegister(
        media_id=media_id,
        filename=upload.filename,
        mime=mime,
        size=upload.size,
        sha256=upload.sha256,
    )
    try:
        view = await bus.call(
            c.SERVICE,
            c.RPC_MEDIA_REGISTER,
            command,
            caller,
            c.MediaView,
            idempotency_key=idempotency_key,
        )
    except AppError as exc:
        # Refused, or never reached the catalog: nothing refers to the object. After a
        # timeout the catalog may still have recorded it, so it stays.
        if exc.status < 500 or exc.code == "service_unavailable":
            await discard(bucket, media_id)
        raise
    if view.media_id != media_id:
        await discard(bucket, media_id)  # a retry: the first upload under this key stands
    return view


# -- serving ---------------------------------------------------------------------------------


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def disposition(filename: str) -> str:
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in filename)
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def stored(bucket: MediaBucket, media_id: str) -> StoredMedia:
    if not MEDIA_ID.fullmatch(media_id):
        raise not_found("媒体文件", "media")
    with store_errors():
        media = await bucket.stat(media_id)
    if media is None or media.size == 0:
        raise not_found("媒体文件", "media")
    return media


def plan(request: Request, media: StoredMedia) -> tuple[int, ByteRange, dict[str, str]]:
    """Status, the bytes to send and the headers, from the request's validators and range."""
    etag = f'"{media.sha256}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": IMMUTABLE,
        "Content-Disposition": disposition(media.filename),
        "Content-Type": media.mime,
    }
    whole = ByteRange(0, media.size - 1)
    if etag_matches(request.headers.get("if-none-match"), etag):
        return 304, whole, headers
    asked = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range.strip() != etag:
        asked = None  # the client's copy is another object: send it whole
    try:
        wanted = parse_range(asked, media.size)
    except Unsatisfiable as exc:
        raise AppError(
            "range_not_satisfiable",
            416,
            f"请求的范围超出文件大小（{media.size} 字节）",
            f"the range lies outside the file ({media.size} bytes)",
            headers={"Content-Range": f"bytes */{media.size}", "Accept-Ranges": "bytes"},
        ) from exc
    headers["Content-Length"] = str((wanted or whole).length)
    if wanted is None:
        return 200, whole, headers
    headers["Content-Range"] = wanted.content_range(media.size)
    return 206, wanted, headers


async def _stream(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    try:
        async for piece in rest:
            yield piece
    except (nats.errors.Error, MediaReadError):
        # Headers are gone already: all that is left is to cut the response short.
        log.warning("media read broke off mid-response", exc_info=True)
        raise


MediaIdPath = Annotated[str, Path(description="32 位十六进制媒体编号 the media id")]


@router.get(
    SERVE_PREFIX + "{media_id}",
    summary="播放/下载媒体文件 stream a media file (Range supported)",
    response_class=Response,
    responses={
        206: {"description": "the requested byte range"},
        416: {"description": "the range lies outside the file"},
    },
)
async def get_media(media_id: MediaIdPath, request: Request, bucket: Bucket, _: Public) -> Response:
    """Public on purpose: a media id is 128 random bits, so its URL is a capability.

    Whoever holds the URL may play the file, as a kiosk, a resident's phone or a
    shared link must without signing in; the content item that names it is what the
    site scoping guards (GET /api/v1/content/{id}). Nobody can list media ids, and a
    guessed id answers 404 like an unknown one. Objects never change (ETag = sha256),
    so they are cached as immutable.
    """
    media = await stored(bucket, media_id)
    status, wanted, headers = plan(request, media)
    if status == 304:
        return Response(status_code=304, headers=headers)
    reader = bucket.read(media, wanted.start, wanted.end)
    with store_errors():
        # Open the read before answering: a store that is down is a 503, not a cut body.
        first = await anext(reader)
    return StreamingResponse(_stream(first, reader), status_code=status, headers=headers)


@router.head(SERVE_PREFIX + "{media_id}", summary="媒体文件信息 a media file's headers")
async def head_media(
    media_id: MediaIdPath, request: Request, bucket: Bucket, _: Public
) -> Response:
    """As GET, without the body (players probe size and range support with it)."""
    media = await stored(bucket, media_id)
    status, _wanted, headers = plan(request, media)
    return Response(status_code=status, headers=headers)
