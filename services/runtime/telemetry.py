"""OpenTelemetry for every process: traces exported over OTLP/HTTP (DESIGN §9).

Without an endpoint the tracer provider still runs (spans exist for log correlation)
but nothing is exported. PyMongo's command listener is installed once per process;
it covers `AsyncMongoClient` commands too.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None


def setup_telemetry(
    service: str, endpoint: str | None, region: str, *, database: bool = True
) -> TracerProvider:
    """Create (once per process) the global tracer provider for `service`."""
    global _provider
    if _provider is not None:
        return _provider
    resource = Resource.create(
        {
            "service.name": service,
            "service.namespace": "wenming",
            "deployment.region": region,
            "process.pid": os.getpid(),
        }
    )
    provider = TracerProvider(resource=resource)
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")
        provider.add_span_processor(
            BatchSpanProcessor(exporter, schedule_delay_millis=500, max_export_batch_size=512)
        )
    trace.set_tracer_provider(provider)
    if database:
        _instrument_pymongo()
    _provider = provider
    return provider


def _instrument_pymongo() -> None:
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

    instrumentor = PymongoInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


def shutdown_telemetry() -> None:
    if _provider is not None:
        _provider.force_flush(timeout_millis=2000)
        _provider.shutdown()


def current_carrier() -> dict[str, str]:
    """The current trace context as headers (`traceparent`), to store with an outbox entry."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from(carrier: dict[str, Any]) -> Context:
    return propagate.extract(carrier)


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


class TraceIdFilter(logging.Filter):
    """Adds `trace_id` to every log record so a log line leads to its trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.trace_id = current_trace_id() or "-"
        return True


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(TraceIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s trace=%(trace_id)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # FastStream logs every message at INFO; keep the bus quiet unless asked.
    logging.getLogger("faststream").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("pymongo").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
