"""Catalog settings (environment variables, see README)."""

from __future__ import annotations

from pydantic import Field

from services.runtime.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    retire_notice_days: int = Field(
        default=14,
        ge=0,
        le=365,
        alias="WENMING_RETIRE_NOTICE_DAYS",
        description="retirements are announced at least this many days ahead",
    )
    tick_s: float = Field(default=15.0, gt=0, le=3600, alias="WENMING_CATALOG_TICK")
    link_check_interval_s: float = Field(default=3600, gt=0, alias="WENMING_LINK_CHECK_INTERVAL")
    link_check_concurrency: int = Field(
        default=8, ge=1, le=64, alias="WENMING_LINK_CHECK_CONCURRENCY"
    )
    link_check_timeout_s: float = Field(default=10, gt=0, le=60, alias="WENMING_LINK_CHECK_TIMEOUT")
    link_check_allow_private: bool = Field(
        default=True,
        alias="WENMING_LINK_CHECK_ALLOW_PRIVATE",
        description=(
            "let the link checker fetch loopback, private and link-local addresses; "
            "set false in production (SSRF hygiene: admins type these URLs)"
        ),
    )
