"""Accounts settings (environment variables, see README)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from services.runtime.settings import ServiceSettings


class AccountsSettings(ServiceSettings):
    root_site: str = Field(default="320000", alias="WENMING_ROOT_SITE")
    root_site_name: str = Field(default="江苏省", alias="WENMING_ROOT_SITE_NAME")
    bootstrap_admin: str | None = Field(default=None, alias="WENMING_BOOTSTRAP_ADMIN")
    bootstrap_password: str | None = Field(default=None, alias="WENMING_BOOTSTRAP_PASSWORD")
    pii_key_file: Path | None = Field(default=None, alias="WENMING_PII_KEY_FILE")
    sms_sender: Literal["dev", "http"] = Field(default="dev", alias="WENMING_SMS_SENDER")
    sms_url: str | None = Field(default=None, alias="WENMING_SMS_URL")
    sms_token: str | None = Field(default=None, alias="WENMING_SMS_TOKEN")
    argon2_time_cost: int = Field(default=3, ge=1, le=10, alias="WENMING_ARGON2_TIME_COST")
    argon2_memory_kib: int = Field(
        default=65536, ge=8192, le=1048576, alias="WENMING_ARGON2_MEMORY_KIB"
    )
