"""Accounts contracts: the site tree, admin accounts, phone sign-in, kiosk devices, sessions.

Served by the accounts service. The gateway turns a successful sign-in into JWTs; the
session id (`sid`) in every token lets a logout or a revoked kiosk end it at once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.contracts.identity import Caller, Role, SitePath

SERVICE: Final = "accounts"

RPC_SITE_CREATE: Final = "site.create"
RPC_SITE_UPDATE: Final = "site.update"
RPC_SITE_GET: Final = "site.get"
RPC_SITE_LIST: Final = "site.list"
RPC_SITE_PUBLIC: Final = "site.public"
RPC_ADMIN_CREATE: Final = "admin.create"
RPC_ADMIN_LIST: Final = "admin.list"
RPC_ADMIN_RESET_PASSWORD: Final = "admin.reset_password"
RPC_ADMIN_UNLOCK: Final = "admin.unlock"
RPC_ADMIN_SIGN_IN: Final = "admin.sign_in"
RPC_PASSWORD_CHANGE: Final = "password.change"
RPC_PHONE_CODE: Final = "phone.code"
RPC_PHONE_SIGN_IN: Final = "phone.sign_in"
RPC_KIOSK_ISSUE: Final = "kiosk.issue"
RPC_KIOSK_LIST: Final = "kiosk.list"
RPC_KIOSK_REVOKE: Final = "kiosk.revoke"
RPC_KIOSK_SIGN_IN: Final = "kiosk.sign_in"
RPC_SESSION_REFRESH: Final = "session.refresh"
RPC_SESSION_END: Final = "session.end"
RPC_SESSIONS_REVOKED: Final = "sessions.revoked"
RPC_ME: Final = "me"

EVT_SESSION_REVOKED: Final = "session_revoked"
EVT_SITE_CHANGED: Final = "site_changed"

MAX_PAGE: Final = 100


class SiteKind(StrEnum):
    province = "province"
    city = "city"
    county_center = "center"  # 实践中心 (county); `center` would shadow str.center
    institute = "institute"  # 实践所 (town / street)
    station = "station"  # 实践站 (village / community)
    point = "point"  # 实践点


SITE_KIND_BY_DEPTH: Final = list(SiteKind)
SITE_KIND_LABELS: Final = {
    SiteKind.province: "省",
    SiteKind.city: "市",
    SiteKind.county_center: "新时代文明实践中心",
    SiteKind.institute: "新时代文明实践所",
    SiteKind.station: "新时代文明实践站",
    SiteKind.point: "新时代文明实践点",
}

SiteCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,16}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.-]{3,32}$")]
Password = Annotated[str, StringConstraints(min_length=10, max_length=128)]
Phone = Annotated[str, StringConstraints(pattern=r"^1[3-9][0-9]{9}$")]
OneTimeCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
DeviceToken = Annotated[str, StringConstraints(pattern=r"^wmk_[A-Za-z0-9_-]{20,80}$")]
RecordId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{36}$")]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(Frozen):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)


# -- sites -------------------------------------------------------------------------


class SiteCreate(Frozen):
    parent: SitePath
    code: SiteCode
    name: Name
    kind: SiteKind
    region_code: RegionCode = Field(description="GB/T 2260 区划代码 of the county the site is in")
    address: Address = ""
    location: Location | None = None


class SiteUpdate(Frozen):
    path: SitePath
    name: Name | None = None
    address: Address | None = None
    location: Location | None = None
    disabled: bool | None = None


class SiteRef(Frozen):
    path: SitePath


class SiteList(Frozen):
    under: SitePath | None = None
    children_only: bool = True
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    after: SitePath | None = None


class SiteView(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: SitePath
    code: str
    name: str
    kind: SiteKind
    region_code: str
    address: str
    location: Location | None
    parent: SitePath | None
    disabled: bool


class SitePage(BaseModel):
    items: list[SiteView]
    next_after: SitePath | None


class PublicSite(BaseModel):
    """What anyone may see of a site (the mobile landing page of its QR code)."""

    path: SitePath
    name: str
    kind: SiteKind
    trail: list[str]


# -- accounts ----------------------------------------------------------------------


class AdminCreate(Frozen):
    username: Username
    display_name: Name
    role: Role
    site: SitePath
    password: Password


class AccountView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    username: str | None
    display_name: str
    role: Role
    site: SitePath
    locked: bool
    phone: str | None = Field(default=None, description="masked, e.g. 138****5678")
    created_at: datetime


class AccountPage(BaseModel):
    items: list[AccountView]
    next_after: str | None


class AccountList(Frozen):
    under: SitePath | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    after: str | None = Field(default=None, max_length=36)


class AccountRef(Frozen):
    account_id: RecordId


class PasswordReset(Frozen):
    account_id: RecordId
    new_password: Password


class PasswordChange(Frozen):
    old_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    new_password: Password


# -- sign-in -----------------------------------------------------------------------


class AdminSignIn(Frozen):
    username: Username
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class PhoneCodeRequest(Frozen):
    phone: Phone


class CodeSent(BaseModel):
    sent: bool
    retry_after_s: int
    expires_in_s: int


class PhoneSignIn(Frozen):
    phone: Phone
    code: OneTimeCode
    site: SitePath | None = Field(default=None, description="the site whose QR code was scanned")


class KioskSignIn(Frozen):
    device_token: DeviceToken


class SignedIn(BaseModel):
    """A new session: the gateway mints its access and refresh tokens."""

    caller: Caller
    session_id: str
    refresh_id: str
    display_name: str
    session_expires_at: datetime


class SessionRefresh(Frozen):
    session_id: RecordId
    refresh_id: RecordId


class SessionRef(Frozen):
    session_id: RecordId


class RevokedSessions(BaseModel):
    session_ids: list[str]


class SessionRevoked(BaseModel):
    """Event data: the gateway refuses this session's tokens from now on."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    session_id: str
    expires_at: datetime


class Me(BaseModel):
    caller: Caller
    display_name: str
    site_name: str | None
    phone: str | None


# -- kiosk devices -----------------------------------------------------------------


class KioskIssue(Frozen):
    station: SitePath
    name: Name


class KioskDeviceView(BaseModel):
    id: str
    name: str
    station: SitePath
    revoked: bool
    created_at: datetime
    last_seen_at: datetime | None


class KioskIssued(BaseModel):
    device: KioskDeviceView
    device_token: str = Field(description="shown once; the kiosk signs in with it")


class KioskList(Frozen):
    under: SitePath | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)


class KioskRevoke(Frozen):
    device_id: RecordId
