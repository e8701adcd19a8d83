"""Site statistics roll up: an item published at a station counts for the station,
its institute, its center, the city and the province (each sees its whole subtree)."""

from __future__ import annotations

from services.contracts.identity import Caller
from services.runtime import sites


def sites_to_count(owner_site: str) -> list[str]:
    return sites.ancestors(owner_site)


def may_read(caller: Caller, site: str) -> bool:
    """Anyone may read the figures of the sites above them (their own station, its
    center…); admins also read every site inside their subtree."""
    if sites.is_within(caller.site, site):
        return True
    return caller.is_admin and sites.is_within(site, caller.site)
