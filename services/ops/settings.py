"""The trace store's knobs, from the environment (on top of every service's settings)."""

from __future__ import annotations

from pydantic import Field

from services.runtime.settings import ServiceSettings

MIB = 1024 * 1024


class OpsSettings(ServiceSettings):
    otlp_host: str = Field(default="127.0.0.1", alias="WENMING_OPS_OTLP_HOST")
    otlp_port: int = Field(default=4318, ge=0, le=65535, alias="WENMING_OPS_OTLP_PORT")
    max_body_bytes: int = Field(
        default=8 * MIB, ge=1024, le=64 * MIB, alias="WENMING_OPS_MAX_BODY_BYTES"
    )
    max_spans: int = Field(default=200_000, ge=1, alias="WENMING_OPS_MAX_SPANS")
    retention_hours: float = Field(default=24.0, gt=0, alias="WENMING_OPS_RETENTION_HOURS")
    purge_interval_s: float = Field(
        default=60.0, gt=0, le=86_400, alias="WENMING_OPS_PURGE_INTERVAL"
    )
    flush_interval_s: float = Field(default=0.25, gt=0, le=60, alias="WENMING_OPS_FLUSH_INTERVAL")
    flush_batch: int = Field(default=1000, ge=1, le=10_000, alias="WENMING_OPS_FLUSH_BATCH")
    buffer_spans: int = Field(default=50_000, ge=1, alias="WENMING_OPS_BUFFER_SPANS")

    def without_self_export(self) -> OpsSettings:
        """The trace store never exports its own spans: they would come back to it (a loop)."""
        return self.model_copy(update={"otlp_endpoint": None})


def ops_settings(settings: ServiceSettings | None = None) -> OpsSettings:
    """Ops settings from the environment, or on top of given service settings."""
    if isinstance(settings, OpsSettings):
        return settings
    if settings is None:
        return OpsSettings()
    return OpsSettings(**settings.model_dump())
