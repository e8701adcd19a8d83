"""The site tree (站点): read and manage the sites of the caller's subtree; QR codes."""

from __future__ import annotations

import io
from typing import Annotated
from urllib.parse import quote

import segno
from fastapi import APIRouter, Query, Request, Response

from services.contracts import accounts as c
from services.contracts.identity import SITE_PATH_PATTERN
from services.gateway.auth import Admin, Public, Viewer
from services.gateway.deps import Bus
from services.gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/sites", tags=["sites 站点"], responses=ERROR_RESPONSES)

PathQuery = Annotated[
    str,
    Query(
        pattern=SITE_PATH_PATTERN,
        max_length=120,
        description="site path, e.g. 320000/320500/320582",
    ),
]


@router.get("", summary="下级站点列表 list sites under a site")
async def list_sites(
    caller: Admin,
    bus: Bus,
    under: Annotated[str | None, Query(pattern=SITE_PATH_PATTERN, max_length=120)] = None,
    children_only: bool = True,
    limit: Annotated[int, Query(ge=1, le=c.MAX_PAGE)] = 50,
    after: Annotated[str | None, Query(pattern=SITE_PATH_PATTERN, max_length=120)] = None,
) -> c.SitePage:
    query = c.SiteList(under=under, children_only=children_only, limit=limit, after=after)
    return await bus.call(c.SERVICE, c.RPC_SITE_LIST, query, caller, c.SitePage)


@router.post("", status_code=201, summary="新建站点 create a site")
async def create_site(body: c.SiteCreate, caller: Admin, bus: Bus) -> c.SiteView:
    return await bus.call(c.SERVICE, c.RPC_SITE_CREATE, body, caller, c.SiteView)


@router.get("/detail", summary="站点详情 one site")
async def get_site(path: PathQuery, caller: Viewer, bus: Bus) -> c.SiteView:
    return await bus.call(c.SERVICE, c.RPC_SITE_GET, c.SiteRef(path=path), caller, c.SiteView)


@router.patch("/detail", summary="修改或停用站点 edit or disable a site")
async def update_site(body: c.SiteUpdate, caller: Admin, bus: Bus) -> c.SiteView:
    return await bus.call(c.SERVICE, c.RPC_SITE_UPDATE, body, caller, c.SiteView)


@router.get("/public", summary="站点公开信息 public site info (QR landing)")
async def public_site(path: PathQuery, bus: Bus, _: Public) -> c.PublicSite:
    return await bus.call(c.SERVICE, c.RPC_SITE_PUBLIC, c.SiteRef(path=path), None, c.PublicSite)


def mobile_url(request: Request, path: str) -> str:
    base = request.app.state.settings.public_url or str(request.base_url).rstrip("/")
    return f"{base}/m/?site={quote(path, safe='')}"


@router.get(
    "/qr.svg",
    summary="三端一码：站点二维码 the site's QR code (opens the mobile page)",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "QR code"}},
)
async def site_qr(path: PathQuery, caller: Admin, bus: Bus, request: Request) -> Response:
    site = await bus.call(c.SERVICE, c.RPC_SITE_GET, c.SiteRef(path=path), caller, c.SiteView)
    qr = segno.make(mobile_url(request, site.path), error="m")
    buffer = io.BytesIO()
    # A standalone SVG document (with its namespace), so an <img> or a download shows it.
    qr.save(buffer, kind="svg", scale=8, border=2, title=site.name, xmldecl=False)
    svg = buffer.getvalue()
    return Response(
        svg, media_type="image/svg+xml", headers={"cache-control": "private, max-age=300"}
    )
