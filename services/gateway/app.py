"""The FastAPI application: middlewares, routers, the bus client and the revocation feed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig
from faststream.nats import NatsBroker
from opentelemetry.sdk.trace import TracerProvider

from services.contracts import accounts, subjects
from services.contracts.catalog import GATEWAY_SERVICE
from services.contracts.envelope import Empty, EventEnvelope
from services.gateway import web
from services.gateway.auth import VerifiedTokens
from services.gateway.bus import BusClient
from services.gateway.errors import install_error_handlers
from services.gateway.middleware import (
    BodyLimitMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
    TimeoutMiddleware,
)
from services.gateway.ratelimit import RateLimiter, per_address
from services.gateway.revocations import Revocations
from services.gateway.routers import (
    accounts as accounts_routes,
)
from services.gateway.routers import (
    catalog,
    content,
    health,
    kiosks,
    media,
    menu,
    ops,
    plays,
    signin,
    sites,
    stats,
)
from services.gateway.settings import GatewaySettings
from services.runtime import tokens
from services.runtime.bus import ensure_stream, jetstream, make_broker, service_stream_config
from services.runtime.errors import AppError
from services.runtime.heap import settle_heap
from services.runtime.telemetry import setup_logging, setup_telemetry, shutdown_telemetry

log = logging.getLogger(__name__)
API_ROUTERS = (
    signin.router,
    sites.router,
    accounts_routes.router,
    kiosks.router,
    content.router,
    catalog.router,
    plays.router,
    media.router,
    menu.router,
    stats.router,
    ops.router,
)


def load_token_keys(settings: GatewaySettings) -> tokens.TokenKeys:
    private, public = settings.jwt_private_key_file, settings.jwt_public_key_file
    if private is None and public is None:
        private, public = tokens.generate_key_files(settings.data_dir / "secrets")
    return tokens.load_keys(private, public, settings.jwt_issuer)


def follow_revocations(broker: NatsBroker, region: str, revocations: Revocations) -> None:
    """Every replica hears every ended session (plain subscription, no queue group)."""

    @broker.subscriber(
        subjects.evt(region, accounts.SERVICE, accounts.EVT_SESSION_REVOKED),
        no_reply=True,
        include_in_schema=False,
    )
    async def session_revoked(event: EventEnvelope[accounts.SessionRevoked]) -> None:
        revocations.add(event.data.session_id, event.data.expires_at.timestamp())


async def load_revocations(bus: BusClient, revocations: Revocations) -> None:
    """Those ended before this replica started; retried until accounts answers."""
    for attempt in range(30):
        try:
            found = await bus.call(
                accounts.SERVICE,
                accounts.RPC_SESSIONS_REVOKED,
                Empty(),
                None,
                accounts.RevokedSessions,
            )
        except AppError:
            await asyncio.sleep(min(5.0, 0.2 * 2**attempt))
            continue
        for session_id in found.session_ids:
            revocations.add(session_id, float("inf"))
        revocations.prune()
        return
    log.error("could not load revoked sessions from the accounts service")


def create_app(
    settings: GatewaySettings | None = None, *, settle_heap_on_start: bool = False
) -> FastAPI:
    """The gateway; `settle_heap_on_start` when it is its process's only app (`__main__`)."""
    settings = settings or GatewaySettings()
    setup_logging(settings.log_level)
    provider = (
        setup_telemetry("gateway", settings.otlp_endpoint, settings.region, database=False)
        if settings.tracing
        else None
    )
    broker = make_broker(settings.nats_url, "gateway", provider)
    bus = BusClient(broker, settings.region, settings.rpc_timeout_s)
    revocations = Revocations()
    follow_revocations(broker, settings.region, revocations)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await broker.start()
        # The gateway's own stream carries play reports (it has no database/outbox).
        await ensure_stream(
            jetstream(bus.connection),
            service_stream_config(settings.region, GATEWAY_SERVICE, settings.stream_replicas),
        )
        loader = asyncio.create_task(load_revocations(bus, revocations))
        if settle_heap_on_start:
            settle_heap()
        try:
            yield
        finally:
            loader.cancel()
            with suppress(asyncio.CancelledError):
                await loader
            await broker.stop()
            shutdown_telemetry()

    app = FastAPI(
        title="文明实践云 Wenming Practice Cloud API",
        version="0.2.0",
        description=(
            "新时代文明实践云平台：内容、点单、志愿者、评估。所有接口按调用者的站点范围过滤；"
            "错误统一为 `{error: {code, message_zh, message_en, request_id}}`。"
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry=telemetry_config(provider),
    )
    app.state.settings = settings
    app.state.token_keys = load_token_keys(settings)
    app.state.bus = bus
    app.state.revocations = revocations
    app.state.verified_tokens = VerifiedTokens()
    app.state.rate_limiter = RateLimiter(settings.rate_per_address, settings.rate_per_caller)
    install_error_handlers(app)
    app.include_router(health.router)
    for router in API_ROUTERS:
        app.include_router(router, dependencies=[Depends(per_address)])
    web.install(app, settings)
    install_middlewares(app, settings)
    return app


def telemetry_config(provider: TracerProvider | None) -> TelemetryConfig:
    """FastAPI's own OpenTelemetry: a server span per request (trace context from the
    `traceparent` header), cheaper than the contrib instrumentor; request metrics and
    log records stay off (traces are what the ops console reads)."""
    if provider is None:
        return {"tracing": False, "metrics": False, "logs": False}
    return {
        "tracer_provider": provider,
        "metrics": False,
        "logs": False,
        "operation_spans": False,
    }


def install_middlewares(app: FastAPI, settings: GatewaySettings) -> None:
    # Added innermost first: the request-id middleware runs inside the tracing span.
    app.add_middleware(
        TimeoutMiddleware,
        timeout_s=settings.request_timeout_s,
        path_timeouts=media.timeouts(settings),
    )
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        path_limits=media.body_limits(settings),
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)
