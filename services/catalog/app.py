"""Catalog entrypoint: bus handlers only; rules live in `domain/`, queries in `store.py`."""

from __future__ import annotations

from typing import Any

from services.contracts import catalog as contract
from services.contracts import subjects
from services.contracts.envelope import EventEnvelope, RpcReply, RpcRequest
from services.runtime.service import ServiceHost
from services.runtime.settings import ServiceSettings

from .read_model import PublishedContent
from .service import Catalog
from .store import INDEXES, ContentStore


def create_host(settings: ServiceSettings | None = None) -> ServiceHost:
    host = ServiceHost(contract.SERVICE, settings or ServiceSettings(), INDEXES)
    catalog = Catalog(host, ContentStore(host.mongo), PublishedContent())
    host.on_startup(catalog.warm)
    host.emits(
        contract.EVT_CONTENT_PUBLISHED,
        contract.ContentPublished,
        "内容已发布 a content item was published to a site subtree",
    )

    @host.rpc(contract.RPC_CONTENT_CREATE)
    async def create_content(
        request: RpcRequest[contract.ContentCreate],
    ) -> RpcReply[contract.ContentView]:
        view = await catalog.create_content(request.caller, request.data, request.idempotency_key)
        return RpcReply(data=view)

    @host.rpc(contract.RPC_CONTENT_GET)
    async def get_content(
        request: RpcRequest[contract.ContentGet],
    ) -> RpcReply[contract.ContentView]:
        return RpcReply(data=await catalog.get_content(request.caller, request.data.id))

    @host.rpc(contract.RPC_CONTENT_GET_FRESH)
    async def get_content_fresh(
        request: RpcRequest[contract.ContentGet],
    ) -> RpcReply[contract.ContentView]:
        return RpcReply(data=await catalog.get_content_fresh(request.caller, request.data.id))

    @host.broker.subscriber(
        subjects.evt(host.region, contract.SERVICE, contract.EVT_CONTENT_PUBLISHED),
        include_in_schema=False,
        # A JetStream publish is a request: answering it would race the stream's PubAck.
        no_reply=True,
    )
    async def replica_sync(event: EventEnvelope[dict[str, Any]]) -> None:
        await catalog.refresh(str(event.data["id"]))

    return host
