"""The deployment's media store: one JetStream Object Store bucket, `WM_MEDIA_<region>`.

File storage, in the NATS store directory inside the data dir locally; replicated
like the event streams in production (`WENMING_STREAM_REPLICAS`). Whoever needs it
first creates it (the catalog at start, the gateway on its first upload or read);
creation is idempotent.

An object is named by its media id and split into chunks of `CHUNK_BYTES` on the
subject `$O.<bucket>.C.<nuid>` (nats-py `ObjectStore.put`). Reads never load a whole
object: `read` streams the chunks of a byte range through an ordered consumer that
starts at the chunk holding the range's first byte — found from the first and last
chunk's stream sequences when the chunks lie back to back, else by a headers-only
walk — so a seek to the end of a long video moves no chunk before it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import BinaryIO, cast

import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext, api
from nats.js.errors import BadRequestError, BucketNotFoundError, NotFoundError
from nats.js.object_store import OBJ_CHUNKS_PRE_TEMPLATE, OBJ_STREAM_TEMPLATE, ObjectStore

from services.contracts.catalog import MEDIA_BUCKET_PREFIX
from services.runtime.errors import AppError

log = logging.getLogger(__name__)

CHUNK_BYTES = 128 * 1024
HEADER_TYPE = "Content-Type"


def bucket_name(region: str) -> str:
    return f"{MEDIA_BUCKET_PREFIX}{region}"


def store_unavailable() -> AppError:
    return AppError(
        "media_store_unavailable",
        503,
        "媒体存储暂不可用，请稍后再试",
        "the media store is not available; try again shortly",
    )


class MediaReadError(Exception):
    """The object's chunks ended before the requested range did."""


@dataclass(frozen=True)
class StoredMedia:
    media_id: str
    size: int
    sha256: str  # hex
    mime: str
    filename: str
    nuid: str
    chunks: int = 0
    chunk_size: int = CHUNK_BYTES

    @property
    def evenly_chunked(self) -> bool:
        """Every chunk but the last is full (as `put` writes them): chunk i starts at i * size."""
        return self.chunks == -(-self.size // self.chunk_size)

    @classmethod
    def from_info(cls, info: api.ObjectInfo) -> StoredMedia:
        digest = (info.digest or "").partition("=")[2]
        sha = base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4)).hex() if digest else ""
        return cls(
            media_id=info.name,
            size=info.size or 0,
            sha256=sha,
            mime=_header(info.headers, HEADER_TYPE) or "application/octet-stream",
            filename=info.description or info.name,
            nuid=info.nuid,
            chunks=info.chunks or 0,
            chunk_size=(info.options.max_chunk_size if info.options else None) or CHUNK_BYTES,
        )


def _header(headers: dict[str, object] | None, name: str) -> str | None:
    # Go clients store `nats.Header` (map[string][]string); accept plain strings too.
    value = (headers or {}).get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


class MediaBucket:
    def __init__(
        self,
        connect: Callable[[], JetStreamContext],
        region: str,
        replicas: int = 1,
        *,
        chunk_timeout_s: float = 10.0,
    ) -> None:
        self.name = bucket_name(region)
        self.stream = OBJ_STREAM_TEMPLATE.format(bucket=self.name)
        self.replicas = replicas
        self.chunk_timeout_s = chunk_timeout_s
        self._connect = connect
        self._js: JetStreamContext | None = None
        self._store: ObjectStore | None = None
        self._lock = asyncio.Lock()

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            self._js = self._connect()
        return self._js

    async def ensure(self) -> ObjectStore:
        """The bucket, created on first use (idempotent, also against a concurrent creator)."""
        if self._store is None:
            async with self._lock:
                if self._store is None:
                    self._store = await self._open_or_create()
        return self._store

    async def _open_or_create(self) -> ObjectStore:
        try:
            return await self.js.object_store(self.name)
        except BucketNotFoundError:
            pass
        config = api.ObjectStoreConfig(
            description="文明实践云上传的媒体 uploaded media",
            storage=api.StorageType.FILE,
            replicas=self.replicas,
        )
        try:
            store = await self.js.create_object_store(self.name, config)
        except BadRequestError:
            # Created meanwhile by another process (the catalog or another gateway).
            return await self.js.object_store(self.name)
        log.info("created media bucket %s (replicas %d)", self.name, self.replicas)
        return store

    async def put(
        self, media_id: str, file: BinaryIO, *, mime: str, sha256: str, filename: str
    ) -> StoredMedia:
        """Store `file` (read from its start, in chunks, off the event loop)."""
        store = await self.ensure()
        meta = api.ObjectMeta(
            name=media_id,
            description=filename,
            headers={HEADER_TYPE: [mime]},  # the digest is the object store's own
            options=api.ObjectMetaOptions(max_chunk_size=CHUNK_BYTES),
        )
        file.seek(0)
        info = await store.put(media_id, cast(io.BufferedIOBase, file), meta=meta)
        stored = StoredMedia.from_info(info)
        if stored.sha256 != sha256:
            await self.delete(media_id)
            raise AppError(
                "media_corrupted", 500, "文件存储校验失败，请重新上传", "stored digest differs"
            )
        return stored

    async def stat(self, media_id: str) -> StoredMedia | None:
        store = await self.ensure()
        try:
            info = await store.get_info(media_id)
        except NotFoundError:
            return None
        return StoredMedia.from_info(info)

    async def delete(self, media_id: str) -> None:
        store = await self.ensure()
        with contextlib.suppress(NotFoundError):
            await store.delete(media_id)

    def _chunk_subject(self, media: StoredMedia) -> str:
        return OBJ_CHUNKS_PRE_TEMPLATE.format(bucket=self.name, obj=media.nuid)

    async def head(self, media: StoredMedia) -> bytes:
        """The object's first chunk (enough to tell its type), in one request."""
        if media.size == 0:
            return b""
        msg = await self.js.get_msg(
            self.stream, seq=1, subject=self._chunk_subject(media), next=True
        )
        return msg.data or b""

    async def read(self, media: StoredMedia, start: int, end: int) -> AsyncIterator[bytes]:
        """Bytes `start`..`end` (inclusive) of the object, chunk by chunk."""
        subject = self._chunk_subject(media)
        first_seq, position = await self._locate(media, subject, start)
        config = None
        if first_seq is not None:
            config = api.ConsumerConfig(
                deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=first_seq
            )
        sub = await self.js.subscribe(
            subject, stream=self.stream, ordered_consumer=True, config=config
        )
        try:
            while position <= end:
                msg = await sub.next_msg(timeout=self.chunk_timeout_s)
                if first_seq is not None and msg.metadata.sequence.stream < first_seq:
                    continue  # an ordered-consumer reset before the first chunk restarts at 1
                data = msg.data
                low, high = max(start - position, 0), min(end + 1 - position, len(data))
                if high > low:
                    yield data[low:high]
                position += len(data)
                if position <= end and msg.metadata.num_pending == 0:
                    raise MediaReadError(f"{media.media_id}: chunks end at {position}")
        finally:
            await _quietly_unsubscribe(sub)

    async def _locate(self, media: StoredMedia, subject: str, start: int) -> tuple[int | None, int]:
        """(stream sequence, byte offset) of the chunk holding `start`; (None, 0) = the first.

        Chunks stored back to back (no other upload between them) are found by arithmetic
        from the first and last chunk's sequences; otherwise a headers-only ordered
        consumer walks the chunk sizes (`Nats-Msg-Size`) without their payloads.
        """
        if start < media.chunk_size:
            return None, 0
        if media.evenly_chunked:
            first = await self.js.get_msg(
                self.stream, seq=1, subject=subject, next=True, direct=True
            )
            last = await self.js.get_msg(self.stream, subject=subject, direct=True)
            if first.seq and last.seq and last.seq - first.seq + 1 == media.chunks:
                index = start // media.chunk_size
                return first.seq + index, index * media.chunk_size
        return await self._skim(subject, start)

    async def _skim(self, subject: str, start: int) -> tuple[int, int]:
        sub = await self.js.subscribe(
            subject, stream=self.stream, ordered_consumer=True, headers_only=True
        )
        position = 0
        try:
            while True:
                msg = await sub.next_msg(timeout=self.chunk_timeout_s)
                size = _msg_size(msg)
                if position + size > start:
                    return msg.metadata.sequence.stream, position
                position += size
                if msg.metadata.num_pending == 0:
                    raise MediaReadError(f"{subject}: {start} lies beyond {position}")
        finally:
            await _quietly_unsubscribe(sub)


def _msg_size(msg: Msg) -> int:
    value = (msg.headers or {}).get("Nats-Msg-Size")
    return int(value) if value else len(msg.data)


async def _quietly_unsubscribe(sub: JetStreamContext.PushSubscription) -> None:
    # Shielded: a cancelled download (the client went away) still ends its consumer.
    try:
        await asyncio.shield(sub.unsubscribe())
    except nats.errors.Error:
        log.debug("unsubscribe of a media read failed", exc_info=True)
