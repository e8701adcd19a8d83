"""Uploaded media (媒体文件): the catalog's media store decides what is accepted, and whose.

The gateway streams an upload into the media bucket (`runtime.media_bucket`) and asks
here to register it. The catalog does not take the gateway's word: it reads the
object's info (size, digest, type header) and its first chunk (type by content)
from the bucket, then records the owner's site in the `media` collection in one
transaction. `content.require_media` reads that record when an item names the upload,
so only the uploader's subtree can attach it.
"""

from __future__ import annotations

from typing import Any

import nats.errors

from services.catalog.store import MEDIA
from services.catalog.usecases.context import Context
from services.catalog.usecases.views import MEDIA_PATH
from services.contracts import catalog as c
from services.contracts.envelope import RpcReply, RpcRequest
from services.contracts.identity import Caller
from services.runtime import media_types, sites
from services.runtime.errors import AppError, conflict, forbidden, not_found, require_caller
from services.runtime.media_bucket import MediaBucket, StoredMedia, store_unavailable
from services.runtime.mongo import Document, Session
from services.runtime.service import ServiceHost


def register(host: ServiceHost, ctx: Context) -> None:
    """Create the bucket at start and answer `media.register`."""

    def connect() -> Any:
        assert host.js is not None, "the bus connects before the first request"
        return host.js

    bucket = MediaBucket(connect, host.region, host.settings.stream_replicas)

    @host.on_startup
    async def create_bucket() -> None:
        await bucket.ensure()

    @host.rpc(c.RPC_MEDIA_REGISTER)
    async def register_media(request: RpcRequest[c.MediaRegister]) -> RpcReply[c.MediaView]:
        caller = require_caller(request.caller)
        view = await accept(ctx, bucket, caller, request.data, request.idempotency_key)
        return RpcReply(data=view)


def mismatch(what: str) -> AppError:
    return AppError(
        "media_mismatch",
        422,
        "存储的文件与登记信息不符，请重新上传",
        f"the stored object's {what} differs from the registration",
    )


async def check_object(bucket: MediaBucket, command: c.MediaRegister) -> StoredMedia:
    """The object as the bucket has it, matching what the gateway says it stored."""
    if not media_types.accepted(command.mime):
        raise media_types.unsupported(command.mime)
    try:
        found = await bucket.stat(command.media_id)
        head = await bucket.head(found) if found is not None else b""
    except nats.errors.Error as exc:
        raise store_unavailable() from exc
    if found is None:
        raise not_found("上传的媒体文件", "uploaded media")
    for what in ("size", "sha256", "mime"):
        if getattr(found, what) != getattr(command, what):
            raise mismatch(what)
    sniffed = media_types.sniff(head)
    if sniffed != command.mime:
        raise media_types.unsupported(sniffed)
    return found


def to_view(doc: Document) -> c.MediaView:
    return c.MediaView(
        media_id=doc["_id"],
        mime=doc["mime"],
        size=doc["size"],
        url=f"{MEDIA_PATH}{doc['_id']}",
        owner_site=doc["site"],
    )


async def accept(
    ctx: Context,
    bucket: MediaBucket,
    caller: Caller,
    command: c.MediaRegister,
    idempotency_key: str | None,
) -> c.MediaView:
    if not caller.is_admin:
        raise forbidden("只有站点管理员可以上传媒体文件", "only site admins upload media")
    await check_object(bucket, command)
    doc: Document = {
        "_id": command.media_id,
        "mime": command.mime,
        "size": command.size,
        "sha256": command.sha256,
        "filename": command.filename,
        "site": caller.site,
        "site_path": sites.ancestors(caller.site),
        "uploaded_by": caller.sub,
        "created_at": ctx.now(),
    }
    media = ctx.store.mongo.collection(MEDIA)

    async def write(session: Session) -> c.MediaView:
        existing = await media.find_one({"_id": command.media_id}, session=session)
        if existing is not None:
            if existing["uploaded_by"] != caller.sub:
                raise conflict("该媒体编号已被占用", "the media id is taken")
            return to_view(existing)
        await media.insert_one(doc, session=session)
        return to_view(doc)

    return await ctx.host.commands.run(
        caller_sub=caller.sub,
        action="media.register",
        key=idempotency_key,
        reply_model=c.MediaView,
        work=write,
    )
