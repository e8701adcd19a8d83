"""ServiceHost: the wiring every bus service shares, so each `app.py` stays thin.

It owns the broker, the service's database, the outbox relay and the health reply,
and offers two decorators: `rpc(action)` for request/reply handlers and
`on_event(source, event, model)` for idempotent JetStream consumers.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import uvloop
from faststream import FastStream
from faststream.middlewares import AckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsMessage, PullSub
from faststream.nats.annotations import NatsMessage as NatsMessageParam
from nats.js import JetStreamContext
from pydantic import BaseModel
from pymongo import IndexModel

from services.contracts import subjects
from services.contracts.envelope import Actor, Empty, EventEnvelope, RpcReply, RpcRequest
from services.contracts.health import RPC_HEALTH, Health
from services.contracts.identity import Caller
from services.runtime import failpoints
from services.runtime.bus import ensure_streams, jetstream, make_broker
from services.runtime.heap import settle_heap
from services.runtime.idempotency import IDEMPOTENCY_INDEXES, IdempotentCommands
from services.runtime.inbox import INBOX_INDEXES, Inbox, redelivery_delay
from services.runtime.mongo import Mongo, Session
from services.runtime.outbox import OUTBOX_INDEXES, Outbox, OutboxRelay
from services.runtime.rpc import build_exception_middleware
from services.runtime.settings import ServiceSettings
from services.runtime.telemetry import setup_logging, setup_telemetry, shutdown_telemetry

log = logging.getLogger(__name__)
EMITTED_MEMORY = 10_000

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])
ModelT = TypeVar("ModelT", bound=BaseModel)
EventEffect = Callable[[EventEnvelope[Any], Session], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]


class ServiceHost:
    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        indexes: Mapping[str, Sequence[IndexModel]],
    ) -> None:
        self.name = name
        self.settings = settings
        self.owns_process = False  # `serve()`: the heap is this replica's alone
        self.region = settings.region
        setup_logging(settings.log_level)
        self.tracer_provider = setup_telemetry(name, settings.otlp_endpoint, settings.region)
        self.broker = make_broker(
            settings.nats_url,
            f"{name}-{os.getpid()}",
            self.tracer_provider,
            extra_middlewares=(build_exception_middleware(),),
        )
        self.mongo = Mongo(settings.mongodb_url, settings.database_name(name), name)
        self.outbox = Outbox(self.mongo)
        self.commands = IdempotentCommands(self.mongo)
        self._indexes = {**indexes, **OUTBOX_INDEXES, **INBOX_INDEXES, **IDEMPOTENCY_INDEXES}
        self._sources: set[str] = {name}
        self._declared_events: set[str] = set()
        self._emitted_here: dict[str, None] = {}  # insertion-ordered: the oldest go first
        self._startup_hooks: list[Hook] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.js: JetStreamContext | None = None
        self.ready = False
        self.app = FastStream(self.broker, logger=log)
        self.app.on_startup(self._startup)
        self.app.after_startup(self._after_startup)
        self.app.on_shutdown(self._shutdown)
        self.rpc(RPC_HEALTH)(self._health)

    # -- registration -------------------------------------------------------------

    def rpc(self, action: str) -> Callable[[F], F]:
        """Register a request/reply handler on `wm.<region>.<service>.rpc.<action>`."""
        subject = subjects.rpc(self.region, self.name, action)

        def register(handler: F) -> F:
            self.broker.subscriber(
                subject, queue=self.name, title=subject, max_workers=self.settings.rpc_workers
            )(handler)
            return handler

        return register

    def on_event(
        self,
        source: str,
        event: str,
        model: type[ModelT],
        after: Callable[[EventEnvelope[Any]], Awaitable[None]] | None = None,
    ) -> Callable[[EventEffect], EventEffect]:
        """Consume `source`'s `event` through a durable pull consumer and the inbox.

        `after` runs once the effect committed, before the ack (e.g. to refresh an
        in-memory model);
        a failure there does not redeliver the event.
        """
        self._sources.add(source)
        subject = subjects.evt(self.region, source, event)
        durable = f"{subjects.durable_name(self.name, source)}--{event}"
        inbox = Inbox(self.mongo, self.name)
        base_delay = max(0.05, self.settings.outbox_poll_s / 2)

        def register(effect: EventEffect) -> EventEffect:
            async def effected(event: EventEnvelope[Any], session: Session) -> None:
                failpoints.hit("inbox.effect")
                await effect(event, session)

            async def consume(body: Any, msg: NatsMessage) -> None:
                deliveries = msg.raw_message.metadata.num_delivered
                try:
                    applied = await inbox.apply(body, effected)
                    failpoints.hit("inbox.after_commit")
                except Exception:
                    log.warning(
                        "effect of %s %s failed (delivery %d)",
                        body.type,
                        body.id,
                        deliveries,
                        exc_info=True,
                    )
                    await msg.nack(delay=redelivery_delay(deliveries, base_delay))
                    return
                if applied and after is not None:
                    # Before the ack: whoever waits for the ack sees the hook's result too.
                    try:
                        await after(body)
                    except Exception:
                        log.exception("after-commit hook of %s %s failed", body.type, body.id)
                await msg.ack()

            consume.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
                [
                    inspect.Parameter(
                        "body",
                        inspect.Parameter.POSITIONAL_OR_KEYWORD,
                        annotation=EventEnvelope[model],  # type: ignore[valid-type]
                    ),
                    inspect.Parameter(
                        "msg",
                        inspect.Parameter.POSITIONAL_OR_KEYWORD,
                        annotation=NatsMessageParam,
                    ),
                ],
                return_annotation=None,
            )
            consume.__name__ = f"on_{source}_{event}"
            self.broker.subscriber(
                subject,
                stream=JStream(subjects.stream_name(self.region, source), declare=False),
                durable=durable,
                pull_sub=PullSub(batch_size=64, timeout=1.0),
                config=ConsumerConfig(
                    max_deliver=self.settings.max_deliver,
                    # No consumer `backoff`: with it set, nats-server 2.15 stops honouring
                    # nak delays after the second delivery. A crashed consumer's message
                    # comes back after ack_wait; a failed effect after its nak delay.
                    ack_wait=self.settings.ack_wait_s,
                ),
                ack_policy=AckPolicy.MANUAL,
                title=f"{durable}:{subject}",
            )(consume)
            return effect

        return register

    def emits(self, event: str, model: type[BaseModel], description: str) -> None:
        """Declare an event this service publishes (through its outbox) for the AsyncAPI doc."""
        subject = subjects.evt(self.region, self.name, event)
        self._declared_events.add(event)
        self.broker.publisher(
            subject,
            stream=JStream(subjects.stream_name(self.region, self.name), declare=False),
            title=subject,
            description=description,
            schema=EventEnvelope[model],  # type: ignore[valid-type]
        )

    def on_startup(self, hook: Hook) -> Hook:
        """Run `hook` after the database and streams are ready, before consuming starts."""
        self._startup_hooks.append(hook)
        return hook

    def background(self, coro: Callable[[], Awaitable[None]]) -> None:
        self._tasks.append(asyncio.create_task(coro()))  # type: ignore[arg-type]

    # -- events ---------------------------------------------------------------------

    async def emit(
        self,
        session: Session,
        event: str,
        data: BaseModel,
        *,
        site: str,
        actor: Caller | None,
    ) -> EventEnvelope[Any]:
        """Write `event` to the outbox inside the caller's transaction."""
        if event not in self._declared_events:
            raise ValueError(f"{self.name} emits undeclared event {event!r}; call emits() first")
        envelope: EventEnvelope[Any] = EventEnvelope(
            type=f"{self.name}.{event}",
            site=site,
            actor=Actor(sub=actor.sub, role=actor.role.value) if actor else None,
            data=data.model_dump(mode="json"),
        )
        await self.outbox.add(session, subjects.evt(self.region, self.name, event), envelope)
        self._emitted_here[envelope.id] = None
        if len(self._emitted_here) > EMITTED_MEMORY:
            self._emitted_here.pop(next(iter(self._emitted_here)))
        return envelope

    def emitted_here(self, event_id: str) -> bool:
        """True for a recent event this process wrote (replicas skip their own echoes)."""
        return event_id in self._emitted_here

    async def _publish(self, subject: str, envelope: dict[str, Any], msg_id: str) -> None:
        await self.broker.publish(
            envelope,
            subject,
            headers={"Nats-Msg-Id": msg_id},
            stream=subjects.stream_name(self.region, self.name),
            timeout=5.0,
        )

    # -- lifecycle ------------------------------------------------------------------

    async def _startup(self) -> None:
        client = await self.broker.connect()
        self.js = jetstream(client)
        await ensure_streams(
            self.js, self.region, sorted(self._sources), self.settings.stream_replicas
        )
        await self.mongo.ensure_indexes(self._indexes)
        for hook in self._startup_hooks:
            await hook()

    async def _after_startup(self) -> None:
        relay = OutboxRelay(self.outbox, self._publish, self.settings.outbox_poll_s)
        self._tasks.append(asyncio.create_task(relay.run(), name=f"{self.name}-outbox-relay"))
        if self.owns_process:
            settle_heap()
        self.ready = True
        log.info("%s ready (region %s, pid %d)", self.name, self.region, os.getpid())

    async def _shutdown(self) -> None:
        self.ready = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.mongo.close()
        shutdown_telemetry()

    async def _health(self, request: RpcRequest[Empty]) -> RpcReply[Health]:
        database = await self.mongo.ping()
        return RpcReply(
            data=Health(
                service=self.name,
                ready=self.ready and database,
                database=database,
                bus=self.broker.config.connection_state.connection.is_connected,
                outbox_pending=await self.outbox.pending_count() if database else -1,
                pid=os.getpid(),
            )
        )

    async def run(self) -> None:
        await self.app.run()

    def serve(self) -> None:
        """Run this replica as its process's whole work until it is stopped, on uvloop as
        uvicorn runs the gateway: the stdlib loop's scheduling and socket writes were a
        fifth of a service's busy time."""
        self.owns_process = True
        uvloop.run(self.run())
