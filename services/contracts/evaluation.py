"""Evaluation contracts: what the evaluation service answers about a site."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict

from services.contracts.identity import SitePath

SERVICE: Final = "evaluation"

RPC_SITE_STATS_GET: Final = "site_stats.get"


class SiteStatsGet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    site: SitePath


class SiteStats(BaseModel):
    """Counts for a site's whole subtree, kept from events through the inbox."""

    model_config = ConfigDict(frozen=True)

    site: SitePath
    published_content: int
