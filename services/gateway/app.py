"""The FastAPI application: middlewares, routers, and the bus client in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.gateway.bus import BusClient
from services.gateway.errors import install_error_handlers
from services.gateway.middleware import BodyLimitMiddleware, RequestIdMiddleware
from services.gateway.routers import content, health, stats
from services.gateway.settings import GatewaySettings
from services.runtime import tokens
from services.runtime.bus import make_broker
from services.runtime.telemetry import setup_logging, setup_telemetry, shutdown_telemetry


def load_token_keys(settings: GatewaySettings) -> tokens.TokenKeys:
    private, public = settings.jwt_private_key_file, settings.jwt_public_key_file
    if private is None and public is None:
        private, public = tokens.generate_key_files(settings.data_dir / "secrets")
    return tokens.load_keys(private, public, settings.jwt_issuer)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    setup_logging(settings.log_level)
    provider = (
        setup_telemetry("gateway", settings.otlp_endpoint, settings.region)
        if settings.tracing
        else None
    )
    broker = make_broker(settings.nats_url, "gateway", provider)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()
            shutdown_telemetry()

    app = FastAPI(
        title="文明实践云 Wenming Practice Cloud API",
        version="0.1.0",
        description="新时代文明实践云平台：内容、点单、志愿者、评估。所有接口按调用者的站点范围过滤。",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.token_keys = load_token_keys(settings)
    app.state.bus = BusClient(broker, settings.region, settings.rpc_timeout_s)
    install_error_handlers(app)
    for router in (health.router, content.router, stats.router):
        app.include_router(router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestIdMiddleware)
    if provider is not None:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=provider, exclude_spans=["receive", "send"]
        )
    return app
