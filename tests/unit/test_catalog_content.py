"""Catalog content rules: who publishes where, who sees what."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.catalog.domain.content import Content, publish, visible_to
from services.contracts.catalog import ContentCreate, ContentKind, ContentStatus, Section
from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.runtime.errors import AppError

PROVINCE = "320000"
CENTER = "320000/320500/320582"
INSTITUTE = f"{CENTER}/320582001"
INSTITUTE_TRAP = f"{CENTER}/3205820011"
STATION = f"{INSTITUTE}/320582001001"
POINT = f"{STATION}/P01"
SIBLING_INSTITUTE = f"{CENTER}/320582102"
SIBLING_STATION = f"{SIBLING_INSTITUTE}/320582102205"

NOW = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
ARTICLE = ContentCreate(title="柔力球入门教学", section=Section.health, kind=ContentKind.article)


def caller(role: Role, site: str, sub: str = "u-1") -> Caller:
    return Caller(sub=sub, role=role, site=site)


def content(site: str, scope: str, status: ContentStatus = ContentStatus.published) -> Content:
    return Content(
        id="c-1",
        title="t",
        section=Section.culture,
        kind=ContentKind.article,
        summary="",
        media_url=None,
        site=site,
        scope=scope,
        status=status,
        published_at=NOW,
        created_by="admin",
    )


# -- publish --------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(set(Role) - ADMIN_ROLES))
def test_non_admins_are_refused_403(role: Role) -> None:
    with pytest.raises(AppError) as refused:
        publish("c-1", ARTICLE, caller(role, CENTER), NOW)
    assert refused.value.status == 403
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("role", "site", "scope"),
    [
        (Role.station_admin, STATION, INSTITUTE),  # up the tree
        (Role.station_admin, STATION, CENTER),
        (Role.institute_admin, INSTITUTE, SIBLING_INSTITUTE),  # sideways
        (Role.institute_admin, INSTITUTE, INSTITUTE_TRAP),  # string prefix, other subtree
        (Role.institute_admin, INSTITUTE, f"{INSTITUTE_TRAP}/S1"),
        (Role.center_admin, CENTER, PROVINCE),
        (Role.center_admin, CENTER, "320000/320100/320102"),
    ],
)
def test_scope_outside_own_subtree_is_refused(role: Role, site: str, scope: str) -> None:
    command = ARTICLE.model_copy(update={"scope": scope})
    with pytest.raises(AppError) as refused:
        publish("c-1", command, caller(role, site), NOW)
    assert refused.value.code == "scope_outside_subtree"
    assert refused.value.status == 403


@pytest.mark.parametrize("kind", [ContentKind.video, ContentKind.audio, ContentKind.link])
def test_media_kinds_need_a_media_url(kind: ContentKind) -> None:
    command = ARTICLE.model_copy(update={"kind": kind})
    with pytest.raises(AppError) as refused:
        publish("c-1", command, caller(Role.center_admin, CENTER), NOW)
    assert refused.value.code == "media_required"
    assert refused.value.status == 422


def test_video_with_a_media_url_is_published() -> None:
    command = ContentCreate.model_validate(
        {
            "title": "太极拳",
            "section": "health",
            "kind": "video",
            "media_url": "https://media.example.cn/v/1.mp4",
        }
    )
    item = publish("c-9", command, caller(Role.center_admin, CENTER), NOW)
    assert item.media_url == "https://media.example.cn/v/1.mp4"
    assert item.kind is ContentKind.video


def test_default_scope_is_the_admins_own_site() -> None:
    item = publish("c-1", ARTICLE, caller(Role.institute_admin, INSTITUTE, sub="adm-3"), NOW)
    assert item == Content(
        id="c-1",
        title="柔力球入门教学",
        section=Section.health,
        kind=ContentKind.article,
        summary="",
        media_url=None,
        site=INSTITUTE,
        scope=INSTITUTE,
        status=ContentStatus.published,
        published_at=NOW,
        created_by="adm-3",
    )


@pytest.mark.parametrize("scope", [CENTER, INSTITUTE, STATION, POINT])
def test_scope_inside_own_subtree_is_accepted(scope: str) -> None:
    command = ARTICLE.model_copy(update={"scope": scope})
    item = publish("c-1", command, caller(Role.center_admin, CENTER), NOW)
    assert (item.scope, item.site) == (scope, CENTER)


# -- visible_to -----------------------------------------------------------------------


@pytest.mark.parametrize("site", [INSTITUTE, STATION, POINT])
def test_resident_at_or_below_the_scope_sees_it(site: str) -> None:
    assert visible_to(content(INSTITUTE, INSTITUTE), caller(Role.resident, site)) is True


@pytest.mark.parametrize(
    "site",
    [SIBLING_INSTITUTE, SIBLING_STATION, CENTER, PROVINCE, INSTITUTE_TRAP, f"{INSTITUTE_TRAP}/S1"],
)
def test_resident_beside_or_above_the_scope_does_not(site: str) -> None:
    assert visible_to(content(INSTITUTE, INSTITUTE), caller(Role.resident, site)) is False


def test_provincial_content_reaches_every_station() -> None:
    item = content(PROVINCE, PROVINCE)
    assert visible_to(item, caller(Role.resident, POINT)) is True
    assert visible_to(item, caller(Role.kiosk, SIBLING_STATION)) is True


def test_retired_items_are_invisible_to_residents_at_any_site() -> None:
    retired = content(INSTITUTE, INSTITUTE, ContentStatus.retired)
    for site in (INSTITUTE, STATION, POINT):
        assert visible_to(retired, caller(Role.resident, site)) is False
    assert visible_to(
        replace(retired, status=ContentStatus.published), caller(Role.resident, POINT)
    )


@pytest.mark.parametrize(
    ("role", "site"),
    [
        (Role.institute_admin, INSTITUTE),
        (Role.center_admin, CENTER),
        (Role.provincial_admin, PROVINCE),
    ],
)
def test_retired_items_are_visible_to_admins_whose_subtree_owns_them(role: Role, site: str) -> None:
    retired = content(INSTITUTE, INSTITUTE, ContentStatus.retired)
    assert visible_to(retired, caller(role, site)) is True


@pytest.mark.parametrize(
    ("role", "site"),
    [
        (Role.station_admin, STATION),  # below the owner
        (Role.institute_admin, SIBLING_INSTITUTE),
        (Role.institute_admin, INSTITUTE_TRAP),
        (Role.volunteer, INSTITUTE),  # not an admin
        (Role.ops, CENTER),
    ],
)
def test_retired_items_are_invisible_to_everyone_else(role: Role, site: str) -> None:
    retired = content(INSTITUTE, INSTITUTE, ContentStatus.retired)
    assert visible_to(retired, caller(role, site)) is False


def test_admin_sees_items_owned_in_the_subtree_even_if_scoped_elsewhere() -> None:
    """A center item pushed to one institute: the center admin still sees it; a sibling
    institute's admin (outside both the owner's subtree and the scope) does not."""
    item = content(CENTER, INSTITUTE)
    assert visible_to(item, caller(Role.center_admin, CENTER)) is True
    assert visible_to(item, caller(Role.institute_admin, SIBLING_INSTITUTE)) is False
    assert visible_to(item, caller(Role.resident, f"{SIBLING_INSTITUTE}/x")) is False
