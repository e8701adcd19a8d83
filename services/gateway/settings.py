"""Gateway settings (environment variables, see README)."""

from __future__ import annotations

from pydantic import Field

from services.runtime.settings import PlatformSettings


class GatewaySettings(PlatformSettings):
    host: str = Field(default="127.0.0.1", alias="WENMING_GATEWAY_HOST")
    port: int = Field(default=8000, ge=1, le=65535, alias="WENMING_GATEWAY_PORT")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, alias="WENMING_MAX_BODY_BYTES")
    tracing: bool = Field(default=True, alias="WENMING_TRACING")
    request_timeout_s: float = Field(default=15.0, gt=0, le=120, alias="WENMING_REQUEST_TIMEOUT")
    rate_per_address: str = Field(default="1200/minute", alias="WENMING_RATE_PER_ADDRESS")
    rate_per_caller: str = Field(default="600/minute", alias="WENMING_RATE_PER_CALLER")
    cors_origins: list[str] = Field(default_factory=list, alias="WENMING_CORS_ORIGINS")
    public_url: str | None = Field(
        default=None, alias="WENMING_PUBLIC_URL", description="base URL printed in QR codes"
    )
    web_vendor_dir: str | None = Field(default=None, alias="WENMING_WEB_VENDOR_DIR")
    max_upload_bytes: int = Field(
        default=200 * 1024 * 1024,
        ge=1024,
        alias="WENMING_MAX_UPLOAD_BYTES",
        description="largest media file POST /api/v1/media accepts (413 beyond)",
    )
    upload_timeout_s: float = Field(
        default=1800.0,
        gt=0,
        alias="WENMING_UPLOAD_TIMEOUT",
        description="how long one upload may take (replaces WENMING_REQUEST_TIMEOUT there)",
    )
    upload_idle_timeout_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        alias="WENMING_UPLOAD_IDLE_TIMEOUT",
        description="an upload that sends nothing for this long is dropped (408)",
    )
