"""Ops entrypoint: the OTLP/HTTP receiver, the span writer and purge, and trace queries.

One process: `ServiceHost` runs the FastStream app (bus, database, health); a start-up
hook opens the receiver on `WENMING_OPS_OTLP_HOST:WENMING_OPS_OTLP_PORT` and starts the
writer and purge tasks. The host's settings never carry an OTLP endpoint: this process
does not export its own spans (they would come back to it, endlessly).
"""

from __future__ import annotations

from services.contracts import ops as contract
from services.contracts.envelope import RpcReply, RpcRequest
from services.runtime import deadletter
from services.runtime.errors import AppError
from services.runtime.service import ServiceHost
from services.runtime.settings import ServiceSettings

from .domain.access import require_ops
from .domain.retention import RetentionPolicy
from .purge import Purger
from .queries import TraceQueries
from .receiver import OtlpApp
from .server import OtlpServer
from .settings import ops_settings
from .store import INDEXES, SpanStore
from .writer import SpanWriter


def create_host(base: ServiceSettings | None = None) -> ServiceHost:
    settings = ops_settings(base).without_self_export()
    host = ServiceHost(contract.SERVICE, settings, INDEXES)
    store = SpanStore(host.mongo)
    writer = SpanWriter(
        store,
        flush_interval_s=settings.flush_interval_s,
        batch=settings.flush_batch,
        capacity=settings.buffer_spans,
    )
    server = OtlpServer(
        OtlpApp(writer, settings.max_body_bytes), settings.otlp_host, settings.otlp_port
    )
    policy = RetentionPolicy(settings.max_spans, settings.retention_hours)
    purger = Purger(store, policy, settings.purge_interval_s)
    queries = TraceQueries(store)

    async def ingest() -> None:
        """Write spans until the host shuts down; then stop intake and flush the buffer."""
        try:
            await writer.run()
        finally:
            await server.stop()
            await writer.flush()

    @host.on_startup
    async def start_ingest() -> None:
        await server.start()
        host.background(ingest)
        host.background(purger.run)

    @host.rpc(contract.RPC_TRACES_SEARCH)
    async def search_traces(
        request: RpcRequest[contract.TraceSearch],
    ) -> RpcReply[contract.TraceSearchResult]:
        return RpcReply(data=await queries.search(request.caller, request.data))

    @host.rpc(contract.RPC_TRACES_GET)
    async def get_trace(
        request: RpcRequest[contract.TraceGet],
    ) -> RpcReply[contract.TraceDetail]:
        return RpcReply(data=await queries.get(request.caller, request.data.trace_id))

    @host.rpc(contract.RPC_DEAD_LETTERS_LIST)
    async def dead_letters(
        request: RpcRequest[contract.DeadLetterList],
    ) -> RpcReply[contract.DeadLetters]:
        require_ops(request.caller)
        assert host.js is not None
        items = await deadletter.list_dead_letters(host.js, host.region, request.data.limit)
        return RpcReply(data=contract.DeadLetters(items=items))

    @host.rpc(contract.RPC_DEAD_LETTERS_REPLAY)
    async def replay_dead_letter(
        request: RpcRequest[contract.DeadLetterReplay],
    ) -> RpcReply[contract.DeadLetter]:
        require_ops(request.caller)
        assert host.js is not None
        try:
            letter = await deadletter.replay(host.js, host.region, request.data.sequence)
        except deadletter.ReplayError as exc:
            raise AppError("replay_refused", 409, "无法重放该事件", str(exc)) from exc
        return RpcReply(data=letter)

    return host
