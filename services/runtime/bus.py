"""The NATS bus through FastStream: broker factory, stream declarations, event publishing.

Streams are declared here (idempotently, by whichever side starts first) rather than
by FastStream's subscriber declarations, so a consumer never rewrites a producer's
stream subjects. Each service's stream binds only `wm.<region>.<service>.evt.>`.
"""

from __future__ import annotations

import logging
from typing import Any

from faststream.nats import NatsBroker
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError
from opentelemetry.sdk.trace import TracerProvider

from services.contracts.subjects import dead_letter_stream, evt_wildcard, stream_name

log = logging.getLogger(__name__)

EVENT_RETENTION_S = 30 * 24 * 3600
DUPLICATE_WINDOW_S = 10 * 60
DEAD_LETTER_SUBJECTS = [
    "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>",
    "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>",
]


def make_broker(
    nats_url: str,
    client_name: str,
    tracer_provider: TracerProvider | None,
    *,
    extra_middlewares: tuple[Any, ...] = (),
) -> NatsBroker:
    middlewares: list[Any] = list(extra_middlewares)
    if tracer_provider is not None:
        middlewares.append(NatsTelemetryMiddleware(tracer_provider=tracer_provider))
    return NatsBroker(
        nats_url,
        name=client_name,
        middlewares=middlewares,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        logger=logging.getLogger(f"bus.{client_name}"),
        log_level=logging.DEBUG,
    )


def service_stream_config(region: str, service: str, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        num_replicas=replicas,
        name=stream_name(region, service),
        subjects=[evt_wildcard(region, service)],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=EVENT_RETENTION_S,
        duplicate_window=DUPLICATE_WINDOW_S,
        discard=DiscardPolicy.OLD,
    )


def dead_letter_stream_config(region: str, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        num_replicas=replicas,
        name=dead_letter_stream(region),
        subjects=DEAD_LETTER_SUBJECTS,
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=EVENT_RETENTION_S,
    )


async def ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    """Create the stream, or bring an existing one to `config` (idempotent)."""
    assert config.name is not None
    try:
        info = await js.stream_info(config.name)
    except NotFoundError:
        try:
            await js.add_stream(config)
        except BadRequestError:
            # Created concurrently by another process with the same config.
            await js.stream_info(config.name)
        return
    if info.config.subjects != config.subjects or info.config.max_age != config.max_age:
        await js.update_stream(config)


async def ensure_streams(
    js: JetStreamContext, region: str, services: list[str], replicas: int = 1
) -> None:
    for service in services:
        await ensure_stream(js, service_stream_config(region, service, replicas))
    await ensure_stream(js, dead_letter_stream_config(region, replicas))


def jetstream(client: NatsClient) -> JetStreamContext:
    return client.jetstream(timeout=5.0)
