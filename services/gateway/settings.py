"""Gateway settings (environment variables, see README)."""

from __future__ import annotations

from pydantic import Field

from services.runtime.settings import PlatformSettings


class GatewaySettings(PlatformSettings):
    host: str = Field(default="127.0.0.1", alias="WENMING_GATEWAY_HOST")
    port: int = Field(default=8000, ge=1, le=65535, alias="WENMING_GATEWAY_PORT")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, alias="WENMING_MAX_BODY_BYTES")
    tracing: bool = Field(default=True, alias="WENMING_TRACING")
