"""The web clients the gateway serves: kiosk (/kiosk), mobile H5 (/m), admin console
(/admin), and the API docs (/docs) — all without a build step or a CDN.

Pages are Jinja2 shells plus small ES modules that call the JSON API with the
caller's bearer token; vendor libraries (ECharts, Swagger UI) come from the
project's own `npm ci` into node_modules and are served under /static/vendor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from services.gateway.auth import Public
from services.gateway.settings import GatewaySettings

HERE = Path(__file__).resolve().parent
REPO_NODE_MODULES = HERE.parents[2] / "node_modules"
VENDOR = {"echarts": "echarts/dist", "swagger-ui": "swagger-ui-dist"}

templates = Jinja2Templates(directory=HERE / "templates")


def install(app: FastAPI, settings: GatewaySettings) -> None:
    app.mount("/static/app", StaticFiles(directory=HERE / "static"), name="static")
    node_modules = Path(settings.web_vendor_dir) if settings.web_vendor_dir else REPO_NODE_MODULES
    for name, sub in VENDOR.items():
        folder = node_modules / sub
        if folder.is_dir():
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=folder), name=name)

    def page(template: str, title: str) -> Callable[..., Awaitable[HTMLResponse]]:
        async def render(request: Request, _: Public) -> HTMLResponse:
            return templates.TemplateResponse(
                request, template, {"title": title, "region": settings.region}
            )

        return render

    pages = {
        "/kiosk/": ("kiosk.html", "文明实践云 · 一体机"),
        "/m/": ("mobile.html", "文明实践云"),
        "/admin/": ("admin.html", "文明实践云 · 管理后台"),
        "/docs": ("docs.html", "文明实践云 API 文档"),
    }
    for path, (template, title) in pages.items():
        app.add_api_route(
            path,
            page(template, title),
            methods=["GET"],
            response_class=HTMLResponse,
            include_in_schema=False,
        )
    for short in ("/kiosk", "/m", "/admin"):
        app.add_api_route(short, redirect_to(short + "/"), methods=["GET"], include_in_schema=False)
    app.add_api_route("/", redirect_to("/m/"), methods=["GET"], include_in_schema=False)


def redirect_to(target: str) -> Callable[..., Awaitable[RedirectResponse]]:
    async def redirect(_: Public) -> RedirectResponse:
        return RedirectResponse(target, status_code=307)

    return redirect
