"""Who may create which site kind and which admin role where (accounts domain/hierarchy)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from services.accounts.domain import hierarchy
from services.contracts.accounts import SiteKind
from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.runtime.errors import AppError

PROVINCE = "320000"
CITY = f"{PROVINCE}/320500"
CENTER = f"{CITY}/320582"
INSTITUTE = f"{CENTER}/320582001"
STATION = f"{INSTITUTE}/320582001001"
POINT = f"{STATION}/P01"
TOO_DEEP = f"{POINT}/X"
SIBLING_INSTITUTE = f"{CENTER}/320582102"
SIBLING_STATION = f"{SIBLING_INSTITUTE}/320582102205"
# Shares a string prefix with INSTITUTE but lies outside it.
INSTITUTE_TRAP = f"{CENTER}/3205820011"

CHAIN = [PROVINCE, CITY, CENTER, INSTITUTE, STATION, POINT]
SITE_OF = {
    Role.provincial_admin: PROVINCE,
    Role.municipal_admin: CITY,
    Role.center_admin: CENTER,
    Role.institute_admin: INSTITUTE,
    Role.station_admin: STATION,
}
LEVEL = {role: CHAIN.index(site) for role, site in SITE_OF.items()}
NON_ADMINS = sorted(set(Role) - ADMIN_ROLES)
ADMINS = sorted(ADMIN_ROLES, key=lambda r: LEVEL[r])


def admin(role: Role) -> Caller:
    return Caller(sub=f"{role.value}-1", role=role, site=SITE_OF[role])


def refused(code: str, status: int, call: Callable[..., object], *args: object) -> None:
    with pytest.raises(AppError) as caught:
        call(*args)
    assert (caught.value.code, caught.value.status) == (code, status)
    assert caught.value.message_zh
    assert caught.value.message_en


# -- kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (PROVINCE, SiteKind.province),
        (CITY, SiteKind.city),
        (CENTER, SiteKind.county_center),
        (INSTITUTE, SiteKind.institute),
        (STATION, SiteKind.station),
        (POINT, SiteKind.point),
    ],
)
def test_the_kind_follows_the_depth(path: str, kind: SiteKind) -> None:
    assert hierarchy.kind_for(path) is kind


def test_nothing_lies_below_a_point() -> None:
    refused("site_too_deep", 422, hierarchy.kind_for, TOO_DEEP)


# -- creating sites --------------------------------------------------------------------


@pytest.mark.parametrize("role", ADMINS)
def test_each_admin_creates_the_next_kind_below_their_own_site(role: Role) -> None:
    site = SITE_OF[role]
    hierarchy.check_site_create(admin(role), site, hierarchy.kind_for(f"{site}/x"))


@pytest.mark.parametrize("role", ADMINS)
def test_an_admin_creates_deeper_in_the_subtree_too(role: Role) -> None:
    for parent in CHAIN[LEVEL[role] : len(CHAIN) - 1]:
        hierarchy.check_site_create(admin(role), parent, hierarchy.kind_for(f"{parent}/x"))


@pytest.mark.parametrize(
    ("parent", "kind"),
    [
        (parent, kind)
        for parent in CHAIN[:-1]
        for kind in SiteKind
        if kind is not hierarchy.kind_for(f"{parent}/x")
    ],
)
def test_a_wrong_kind_is_refused(parent: str, kind: SiteKind) -> None:
    refused(
        "wrong_site_kind",
        422,
        hierarchy.check_site_create,
        admin(Role.provincial_admin),
        parent,
        kind,
    )


def test_below_a_point_is_too_deep() -> None:
    refused(
        "site_too_deep",
        422,
        hierarchy.check_site_create,
        admin(Role.station_admin),
        POINT,
        SiteKind.point,
    )


@pytest.mark.parametrize(
    ("role", "parent"),
    [
        (Role.station_admin, SIBLING_STATION),
        (Role.station_admin, INSTITUTE),
        (Role.institute_admin, SIBLING_INSTITUTE),
        (Role.institute_admin, INSTITUTE_TRAP),
        (Role.institute_admin, CENTER),
        (Role.center_admin, CITY),
        (Role.municipal_admin, PROVINCE),
    ],
)
def test_no_site_is_created_outside_the_subtree(role: Role, parent: str) -> None:
    kind = hierarchy.kind_for(f"{parent}/x")
    refused("forbidden", 403, hierarchy.check_site_create, admin(role), parent, kind)


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_admins_create_sites(role: Role) -> None:
    caller = Caller(sub="x", role=role, site=STATION)
    refused("forbidden", 403, hierarchy.check_site_create, caller, STATION, SiteKind.point)


# -- managing sites ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ADMINS)
def test_an_admin_manages_every_site_strictly_below(role: Role) -> None:
    for path in CHAIN[LEVEL[role] + 1 :]:
        hierarchy.check_site_manage(admin(role), path)


@pytest.mark.parametrize("role", ADMINS)
def test_an_admin_does_not_manage_their_own_site(role: Role) -> None:
    refused("forbidden", 403, hierarchy.check_site_manage, admin(role), SITE_OF[role])


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.station_admin, SIBLING_STATION),
        (Role.institute_admin, SIBLING_STATION),
        (Role.institute_admin, INSTITUTE_TRAP),
        (Role.institute_admin, CENTER),
    ],
)
def test_an_admin_does_not_manage_outside_the_subtree(role: Role, path: str) -> None:
    refused("forbidden", 403, hierarchy.check_site_manage, admin(role), path)


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_admins_manage_sites(role: Role) -> None:
    caller = Caller(sub="x", role=role, site=INSTITUTE)
    refused("forbidden", 403, hierarchy.check_site_manage, caller, STATION)


# -- creating admins ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller_role", "role"),
    [(c, r) for c, r in itertools.product(ADMINS, ADMINS) if LEVEL[r] > LEVEL[c]],
)
def test_an_admin_creates_every_lower_admin_at_its_level(caller_role: Role, role: Role) -> None:
    hierarchy.check_admin_create(admin(caller_role), role, SITE_OF[role])


@pytest.mark.parametrize(
    ("caller_role", "role"),
    [(c, r) for c, r in itertools.product(ADMINS, ADMINS) if LEVEL[r] <= LEVEL[c]],
)
def test_no_admin_creates_an_admin_at_or_above_their_level(caller_role: Role, role: Role) -> None:
    # Even at a site inside the caller's own subtree with the right depth for nothing.
    for site in {SITE_OF[role], SITE_OF[caller_role]}:
        with pytest.raises(AppError) as caught:
            hierarchy.check_admin_create(admin(caller_role), role, site)
        assert caught.value.status == 403


def test_the_admin_role_must_match_the_site_level() -> None:
    refused(
        "role_site_mismatch",
        422,
        hierarchy.check_admin_create,
        admin(Role.center_admin),
        Role.station_admin,
        INSTITUTE,
    )
    refused(
        "role_site_mismatch",
        422,
        hierarchy.check_admin_create,
        admin(Role.provincial_admin),
        Role.station_admin,
        POINT,
    )


@pytest.mark.parametrize(
    ("caller_role", "site"),
    [
        (Role.institute_admin, SIBLING_STATION),
        (Role.institute_admin, f"{INSTITUTE_TRAP}/S1"),
        (Role.center_admin, f"{CITY}/320583/320583001"),
    ],
)
def test_no_admin_is_created_outside_the_subtree(caller_role: Role, site: str) -> None:
    refused(
        "forbidden",
        403,
        hierarchy.check_admin_create,
        admin(caller_role),
        Role.station_admin if site.count("/") == 4 else Role.institute_admin,
        site,
    )


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_admin_roles_are_created(role: Role) -> None:
    if role is Role.ops:
        return  # ops has its own rule, below
    refused(
        "not_an_admin_role",
        422,
        hierarchy.check_admin_create,
        admin(Role.provincial_admin),
        role,
        STATION,
    )


def test_only_the_provincial_admin_creates_ops_at_the_province() -> None:
    hierarchy.check_admin_create(admin(Role.provincial_admin), Role.ops, PROVINCE)
    refused(
        "forbidden", 403, hierarchy.check_admin_create, admin(Role.provincial_admin), Role.ops, CITY
    )
    for role in ADMINS[1:]:
        refused("forbidden", 403, hierarchy.check_admin_create, admin(role), Role.ops, PROVINCE)


@pytest.mark.parametrize("role", NON_ADMINS)
def test_non_admins_create_no_admin(role: Role) -> None:
    caller = Caller(sub="x", role=role, site=PROVINCE)
    refused("forbidden", 403, hierarchy.check_admin_create, caller, Role.station_admin, STATION)


# -- resetting and unlocking accounts -----------------------------------------------------


@pytest.mark.parametrize(
    ("caller_role", "role"),
    [(c, r) for c, r in itertools.product(ADMINS, ADMINS) if LEVEL[r] > LEVEL[c]],
)
def test_a_higher_admin_manages_a_lower_account(caller_role: Role, role: Role) -> None:
    hierarchy.check_account_manage(admin(caller_role), role, SITE_OF[role])


@pytest.mark.parametrize(
    ("caller_role", "role"),
    [(c, r) for c, r in itertools.product(ADMINS, ADMINS) if LEVEL[r] <= LEVEL[c]],
)
def test_an_equal_or_lower_admin_manages_no_account(caller_role: Role, role: Role) -> None:
    # A same-level account at the caller's own site: inside the subtree, still refused.
    site = SITE_OF[caller_role] if LEVEL[role] == LEVEL[caller_role] else SITE_OF[role]
    with pytest.raises(AppError) as caught:
        hierarchy.check_account_manage(admin(caller_role), role, site)
    assert caught.value.status == 403


def test_an_account_outside_the_subtree_is_not_managed() -> None:
    refused(
        "forbidden",
        403,
        hierarchy.check_account_manage,
        admin(Role.institute_admin),
        Role.station_admin,
        SIBLING_STATION,
    )


def test_ops_accounts_are_managed_by_the_provincial_admin_only() -> None:
    hierarchy.check_account_manage(admin(Role.provincial_admin), Role.ops, PROVINCE)
    refused(
        "forbidden",
        403,
        hierarchy.check_account_manage,
        admin(Role.municipal_admin),
        Role.ops,
        CITY,
    )


# -- kiosks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ADMINS)
@pytest.mark.parametrize("site", [STATION, POINT])
def test_kiosks_are_bound_to_stations_and_points_in_the_subtree(role: Role, site: str) -> None:
    hierarchy.check_kiosk_issue(admin(role), site)


@pytest.mark.parametrize("site", [PROVINCE, CITY, CENTER, INSTITUTE])
def test_a_kiosk_needs_a_station_or_point(site: str) -> None:
    refused(
        "kiosk_needs_station", 422, hierarchy.check_kiosk_issue, admin(Role.provincial_admin), site
    )


def test_no_kiosk_outside_the_subtree() -> None:
    refused(
        "forbidden", 403, hierarchy.check_kiosk_issue, admin(Role.station_admin), SIBLING_STATION
    )


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_admins_issue_kiosks(role: Role) -> None:
    caller = Caller(sub="x", role=role, site=STATION)
    refused("forbidden", 403, hierarchy.check_kiosk_issue, caller, STATION)
