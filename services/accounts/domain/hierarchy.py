"""Who may manage which sites and accounts (province → city → center → institute →
station → point). An admin acts only inside their own subtree and only on levels
below their own: a station admin cannot create another station admin."""

from __future__ import annotations

from typing import Final

from services.contracts.accounts import SITE_KIND_BY_DEPTH, SiteKind
from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.runtime import sites
from services.runtime.errors import AppError, forbidden

# The depth of the site an admin of each role sits at.
ADMIN_DEPTH: Final = {
    Role.provincial_admin: 0,
    Role.municipal_admin: 1,
    Role.center_admin: 2,
    Role.institute_admin: 3,
    Role.station_admin: 4,
}
OPS_DEPTH: Final = 0


def kind_for(path: str) -> SiteKind:
    depth = sites.depth(path)
    if depth >= len(SITE_KIND_BY_DEPTH):
        raise AppError("site_too_deep", 422, "站点层级过深", "the site tree has six levels")
    return SITE_KIND_BY_DEPTH[depth]


def require_admin(caller: Caller) -> None:
    if caller.role not in ADMIN_ROLES:
        raise forbidden("只有管理员可以执行此操作", "only admins may do this")


def check_site_create(caller: Caller, parent: str, kind: SiteKind) -> None:
    require_admin(caller)
    if not sites.is_within(parent, caller.site):
        raise forbidden("只能在本级管理范围内新建站点", "sites are created inside your own subtree")
    expected = kind_for(f"{parent}/x")
    if kind is not expected:
        raise AppError(
            "wrong_site_kind",
            422,
            f"该位置只能新建“{expected.value}”级站点",
            f"a site under {parent} must be a {expected.value}",
        )


def check_site_manage(caller: Caller, path: str) -> None:
    """Edit or disable a site: strictly below the caller's own site."""
    require_admin(caller)
    if path == caller.site or not sites.is_within(path, caller.site):
        raise forbidden("只能管理下级站点", "you manage only the sites below your own")


def check_admin_create(caller: Caller, role: Role, site: str) -> None:
    require_admin(caller)
    if role is Role.ops:
        if caller.role is not Role.provincial_admin or sites.depth(site) != OPS_DEPTH:
            raise forbidden("只有省级管理员可以创建运维账号", "only provincial admins create ops")
        return
    if role not in ADMIN_DEPTH:
        raise AppError("not_an_admin_role", 422, "只能创建管理员账号", "choose an admin role")
    if not sites.is_within(site, caller.site) or ADMIN_DEPTH[role] <= ADMIN_DEPTH[caller.role]:
        raise forbidden("只能为下级站点创建下级管理员", "admins are created for levels below yours")
    if sites.depth(site) != ADMIN_DEPTH[role]:
        raise AppError(
            "role_site_mismatch",
            422,
            "管理员角色与站点层级不匹配",
            f"a {role.value} belongs to a {SITE_KIND_BY_DEPTH[ADMIN_DEPTH[role]].value}",
        )


def check_account_manage(caller: Caller, role: Role, site: str) -> None:
    """Reset a password or unlock: a higher-level admin whose subtree holds the account."""
    require_admin(caller)
    if not sites.is_within(site, caller.site):
        raise forbidden("无权管理该账号", "the account is outside your subtree")
    own = ADMIN_DEPTH[caller.role]
    if role in ADMIN_DEPTH and ADMIN_DEPTH[role] <= own:
        raise forbidden("只有上级管理员可以重置该账号", "only a higher-level admin may do this")
    if role is Role.ops and caller.role is not Role.provincial_admin:
        raise forbidden("无权管理运维账号", "ops accounts are managed by provincial admins")


def check_kiosk_issue(caller: Caller, station: str) -> None:
    require_admin(caller)
    if not sites.is_within(station, caller.site):
        raise forbidden("只能为本级范围内的站点发放一体机", "kiosks only for your own subtree")
    if kind_for(station) not in (SiteKind.station, SiteKind.point):
        raise AppError(
            "kiosk_needs_station",
            422,
            "一体机只能绑定到实践站或实践点",
            "a kiosk is bound to a station or a point",
        )
