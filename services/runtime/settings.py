"""Settings from the environment (pydantic-settings). Every knob is documented in the README."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.contracts.subjects import REGION_PATTERN

Region = Annotated[str, StringConstraints(pattern=REGION_PATTERN)]


class PlatformSettings(BaseSettings):
    """What every process of one deployment shares."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    region: Region = Field(default="320582", alias="WENMING_REGION")
    data_dir: Path = Field(default=Path(".data"), alias="WENMING_DATA_DIR")
    nats_url: str = Field(default="nats://127.0.0.1:4222", alias="NATS_URL")
    otlp_endpoint: str | None = Field(default=None, alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    log_level: str = Field(default="INFO", alias="WENMING_LOG_LEVEL")
    jwt_private_key_file: Path | None = Field(default=None, alias="WENMING_JWT_PRIVATE_KEY_FILE")
    jwt_public_key_file: Path | None = Field(default=None, alias="WENMING_JWT_PUBLIC_KEY_FILE")
    jwt_issuer: str = Field(default="wenming", alias="WENMING_JWT_ISSUER")
    rpc_timeout_s: float = Field(default=5.0, gt=0, le=60, alias="WENMING_RPC_TIMEOUT")
    stream_replicas: int = Field(
        default=1,
        ge=1,
        le=5,
        alias="WENMING_STREAM_REPLICAS",
        description="JetStream replicas per stream: 3 on a production cluster (R3)",
    )


class ServiceSettings(PlatformSettings):
    """One bus service. `MONGODB_URL` is set per process; the database name defaults per service."""

    mongodb_url: str = Field(default="mongodb://127.0.0.1:27017", alias="MONGODB_URL")
    mongodb_database: str | None = Field(default=None, alias="MONGODB_DATABASE")
    outbox_poll_s: float = Field(default=1.0, gt=0, le=60, alias="WENMING_OUTBOX_POLL")
    max_deliver: int = Field(default=6, ge=2, le=100, alias="WENMING_MAX_DELIVER")
    ack_wait_s: float = Field(default=30.0, ge=1, le=3600, alias="WENMING_ACK_WAIT")
    rpc_workers: int = Field(
        default=16,
        ge=1,
        le=256,
        alias="WENMING_RPC_WORKERS",
        description="requests one replica handles at once (writes stay serialized on nx-27017)",
    )

    def database_name(self, service: str) -> str:
        return self.mongodb_database or f"wenming_{service}"
