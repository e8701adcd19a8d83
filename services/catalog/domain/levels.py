"""Site levels in the catalog: who publishes directly, who reviews whom, how wide.

Province (depth 0), city (1), center (2) admins publish directly inside their own
subtree. Institute (3) and station (4) admins upload; the level above reviews (seed 000:
grassroots upload "after hierarchical management"), and may publish an approved item
to any subtree between the uploader's site and the reviewer's own site.
"""

from __future__ import annotations

from typing import Final

from services.contracts.catalog import SourceLevel
from services.contracts.identity import ADMIN_ROLES, Caller
from services.runtime import sites

LEVEL_BY_DEPTH: Final = list(SourceLevel)
COUNTY_DEPTH: Final = 2  # province / city / county (the center's site)
DIRECT_PUBLISH_MAX_DEPTH: Final = COUNTY_DEPTH  # center and above


def county_of(site: str) -> str:
    """The county (center) `site` lies in; `site` itself above county level.

    A county is where hot lists, next week's picks and venue catchments are kept.
    """
    return sites.ancestors(site)[: COUNTY_DEPTH + 1][-1]


def level_of(site: str) -> SourceLevel:
    return LEVEL_BY_DEPTH[min(sites.depth(site), len(LEVEL_BY_DEPTH) - 1)]


def publishes_directly(caller: Caller) -> bool:
    return caller.role in ADMIN_ROLES and sites.depth(caller.site) <= DIRECT_PUBLISH_MAX_DEPTH


def may_review(reviewer: Caller, uploader_site: str) -> bool:
    """An admin strictly above the uploader's site, in the same branch."""
    return (
        reviewer.role in ADMIN_ROLES
        and uploader_site != reviewer.site
        and sites.is_within(uploader_site, reviewer.site)
    )


def scope_allowed(scope: str, uploader_site: str, reviewer_site: str) -> bool:
    """Between the uploader's own site and the reviewer's site, inclusive."""
    return sites.is_within(uploader_site, scope) and sites.is_within(scope, reviewer_site)
