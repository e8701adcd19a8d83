"""The site tree: create, edit, read and list sites inside the caller's subtree."""

from __future__ import annotations

from services.accounts.domain import hierarchy
from services.accounts.store import SITES
from services.accounts.usecases.context import Context
from services.accounts.views import site_view
from services.contracts.accounts import (
    EVT_SITE_CHANGED,
    PublicSite,
    SiteCreate,
    SiteKind,
    SiteList,
    SitePage,
    SiteUpdate,
    SiteView,
)
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import AppError, conflict, not_found
from services.runtime.mongo import Document, Session


def may_see(caller: Caller, path: str) -> bool:
    """A caller sees their own chain of sites upward and, if admin, their subtree."""
    return sites.is_within(caller.site, path) or (
        caller.is_admin and sites.is_within(path, caller.site)
    )


async def ensure_root(ctx: Context, name: str) -> None:
    if await ctx.store.site(ctx.root_site) is not None:
        return
    doc = {
        "_id": ctx.root_site,
        "code": ctx.root_site.rsplit("/", 1)[-1],
        "name": name,
        "kind": hierarchy.kind_for(ctx.root_site).value,
        "region_code": ctx.root_site[:6],
        "address": "",
        "location": None,
        "parent": sites.parent(ctx.root_site),
        "site_path": sites.ancestors(ctx.root_site),
        "disabled": False,
        "created_at": ctx.now_dt(),
    }

    async def write(session: Session) -> None:
        await ctx.store.insert(session, SITES, doc)
        await announce(ctx, session, doc, None)

    await ctx.store.mongo.transaction(write)
    ctx.host.outbox.committed()


async def create(ctx: Context, caller: Caller, command: SiteCreate) -> SiteView:
    hierarchy.check_site_create(caller, command.parent, command.kind)
    parent = await ctx.store.site(command.parent)
    if parent is None or parent.get("disabled"):
        raise not_found("上级站点", "parent site")
    path = f"{command.parent}/{command.code}"
    if await ctx.store.site(path) is not None:
        raise conflict("该站点编码已存在", "a site with this code already exists here")
    doc = {
        "_id": path,
        "code": command.code,
        "name": command.name,
        "kind": command.kind.value,
        "region_code": command.region_code,
        "address": command.address,
        "location": command.location.model_dump() if command.location else None,
        "parent": command.parent,
        "site_path": sites.ancestors(path),
        "disabled": False,
        "created_at": ctx.now_dt(),
    }

    async def write(session: Session) -> None:
        await ctx.store.insert(session, SITES, doc)
        await announce(ctx, session, doc, caller)

    await ctx.store.mongo.transaction(write)
    ctx.host.outbox.committed()
    return site_view(doc)


async def announce(ctx: Context, session: Session, doc: Document, caller: Caller | None) -> None:
    """Other services keep a read model of the tree (names, kinds, locations)."""
    await ctx.host.emit(session, EVT_SITE_CHANGED, site_view(doc), site=doc["_id"], actor=caller)


async def update(ctx: Context, caller: Caller, command: SiteUpdate) -> SiteView:
    if not sites.is_within(command.path, caller.site):
        raise not_found("站点", "site")  # outside the subtree: no existence leak
    hierarchy.check_site_manage(caller, command.path)
    doc = await ctx.store.site(command.path)
    if doc is None:
        raise not_found("站点", "site")
    changes = command.model_dump(exclude_none=True, exclude={"path"})
    doc.update(changes)

    async def write(session: Session) -> None:
        await ctx.store.replace(session, SITES, doc)
        await announce(ctx, session, doc, caller)

    await ctx.store.mongo.transaction(write)
    ctx.host.outbox.committed()
    return site_view(doc)


async def get(ctx: Context, caller: Caller, path: str) -> SiteView:
    doc = await ctx.store.site(path) if may_see(caller, path) else None
    if doc is None:
        raise not_found("站点", "site")
    return site_view(doc)


async def page(ctx: Context, caller: Caller, query: SiteList) -> SitePage:
    under = query.under or caller.site
    if not caller.is_admin or not sites.is_within(under, caller.site):
        raise not_found("站点", "site")
    docs = await ctx.store.sites_page(
        caller.site, under, query.children_only, query.after, query.limit + 1
    )
    more = len(docs) > query.limit
    docs = docs[: query.limit]
    return SitePage(
        items=[site_view(d) for d in docs], next_after=docs[-1]["_id"] if more else None
    )


async def active(ctx: Context, path: str) -> Document | None:
    """The site, if it and every site above it are enabled."""
    doc = await ctx.store.site(path)
    if doc is None or await ctx.store.any_disabled(sites.ancestors(path)):
        return None
    return doc


async def public(ctx: Context, path: str) -> PublicSite:
    doc = await active(ctx, path)
    if doc is None:
        raise not_found("站点", "site")
    names = await ctx.store.names(sites.ancestors(path))
    trail = [names[p] for p in sites.ancestors(path) if p in names]
    return PublicSite(path=path, name=doc["name"], kind=SiteKind(doc["kind"]), trail=trail)


async def require_active(ctx: Context, path: str) -> None:
    if await active(ctx, path) is None:
        raise AppError("site_unknown", 422, "站点不存在或已停用", "unknown or disabled site")
