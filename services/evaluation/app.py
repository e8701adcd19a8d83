"""Evaluation entrypoint: event consumers and queries."""

from __future__ import annotations

from typing import Any

from services.contracts import catalog as catalog_contract
from services.contracts import evaluation as contract
from services.contracts.envelope import EventEnvelope, RpcReply, RpcRequest
from services.runtime.errors import not_found, require_caller
from services.runtime.mongo import Session
from services.runtime.service import ServiceHost
from services.runtime.settings import ServiceSettings

from .domain import site_stats
from .store import INDEXES, SiteStatsStore


def create_host(settings: ServiceSettings | None = None) -> ServiceHost:
    host = ServiceHost(contract.SERVICE, settings or ServiceSettings(), INDEXES)
    stats = SiteStatsStore(host.mongo)

    @host.on_event(
        catalog_contract.SERVICE,
        catalog_contract.EVT_CONTENT_PUBLISHED,
        catalog_contract.ContentPublished,
    )
    async def count_published(event: EventEnvelope[Any], session: Session) -> None:
        published = catalog_contract.ContentPublished.model_validate(event.data)
        await stats.increment(
            session, site_stats.sites_to_count(published.site), "published_content"
        )

    @host.rpc(contract.RPC_SITE_STATS_GET)
    async def get_site_stats(
        request: RpcRequest[contract.SiteStatsGet],
    ) -> RpcReply[contract.SiteStats]:
        caller = require_caller(request.caller)
        if not site_stats.may_read(caller, request.data.site):
            raise not_found("站点", "site")
        figures = await stats.get(request.data.site)
        return RpcReply(
            data=contract.SiteStats(
                site=request.data.site,
                published_content=figures.get("published_content", 0),
            )
        )

    return host
