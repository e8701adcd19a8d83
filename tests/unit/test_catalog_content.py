"""Catalog content rules: who publishes or uploads, who reviews how wide, the 14-day
retirement notice, scheduled releases, and who sees what."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.catalog.domain import content as rules
from services.catalog.domain.content import Content
from services.catalog.domain.levels import level_of, may_review, scope_allowed
from services.contracts.catalog import (
    ContentCreate,
    ContentKind,
    ContentStatus,
    LinkState,
    Section,
    SourceLevel,
)
from services.contracts.identity import ADMIN_ROLES, Caller, Role
from services.runtime.errors import AppError

PROVINCE = "320000"
CITY = "320000/320500"
CENTER = "320000/320500/320582"
INSTITUTE = f"{CENTER}/320582001"
STATION = f"{INSTITUTE}/320582001001"
POINT = f"{STATION}/P01"
SIBLING_INSTITUTE = f"{CENTER}/320582102"
SIBLING_STATION = f"{SIBLING_INSTITUTE}/320582102205"

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
NOTICE = timedelta(days=14)
ARTICLE = ContentCreate(title="柔力球入门教学", section=Section.health, kind=ContentKind.article)
ROLE_AT = {
    PROVINCE: Role.provincial_admin,
    CITY: Role.municipal_admin,
    CENTER: Role.center_admin,
    INSTITUTE: Role.institute_admin,
    STATION: Role.station_admin,
    SIBLING_INSTITUTE: Role.institute_admin,
    SIBLING_STATION: Role.station_admin,
}


def admin(site: str) -> Caller:
    return Caller(sub=f"admin-{site[-6:]}", role=ROLE_AT[site], site=site)


def resident(site: str) -> Caller:
    return Caller(sub="resident-1", role=Role.resident, site=site)


def make(site: str, command: ContentCreate = ARTICLE, **changes: object) -> Content:
    item = rules.create("c-1", command, admin(site), NOW)
    return replace(item, **changes) if changes else item  # type: ignore[arg-type]


# -- create -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(set(Role) - ADMIN_ROLES))
def test_non_admins_cannot_publish_or_upload(role: Role) -> None:
    with pytest.raises(AppError) as refused:
        rules.create("c-1", ARTICLE, Caller(sub="x", role=role, site=CENTER), NOW)
    assert refused.value.status == 403


@pytest.mark.parametrize("site", [PROVINCE, CITY, CENTER])
def test_center_and_above_publish_directly_to_their_own_site(site: str) -> None:
    item = make(site)
    assert item.status is ContentStatus.published
    assert item.scope == site
    assert item.published_at == NOW


@pytest.mark.parametrize("site", [INSTITUTE, STATION])
def test_institutes_and_stations_upload_for_review(site: str) -> None:
    item = make(site)
    assert item.status is ContentStatus.pending_review
    assert item.published_at is None


def test_a_center_may_narrow_the_scope_but_not_widen_it() -> None:
    narrowed = make(CENTER, ARTICLE.model_copy(update={"scope": STATION}))
    assert narrowed.scope == STATION
    with pytest.raises(AppError) as wider:
        make(CENTER, ARTICLE.model_copy(update={"scope": CITY}))
    assert wider.value.code == "scope_outside_subtree"
    with pytest.raises(AppError) as sideways:
        make(INSTITUTE, ARTICLE.model_copy(update={"scope": SIBLING_INSTITUTE}))
    assert sideways.value.code == "scope_needs_review"


def test_scheduling_needs_a_future_time() -> None:
    later = make(CENTER, ARTICLE.model_copy(update={"publish_at": NOW + timedelta(days=2)}))
    assert later.status is ContentStatus.scheduled
    assert later.published_at is None
    with pytest.raises(AppError) as past:
        make(CENTER, ARTICLE.model_copy(update={"publish_at": NOW - timedelta(minutes=1)}))
    assert past.value.code == "publish_at_past"


@pytest.mark.parametrize(
    ("kind", "media", "code"),
    [
        (ContentKind.video, {}, "media_required"),
        (ContentKind.audio, {}, "media_required"),
        (ContentKind.link, {"media_id": "a" * 32}, "link_needs_url"),
        (ContentKind.series, {"media_url": "https://example.org/a"}, "series_has_no_media"),
        (
            ContentKind.video,
            {"media_url": "https://example.org/a", "media_id": "a" * 32},
            "media_ambiguous",
        ),
    ],
)
def test_media_rules(kind: ContentKind, media: dict[str, str], code: str) -> None:
    command = ContentCreate.model_validate(
        {"title": "讲座", "section": "health", "kind": kind.value, **media}
    )
    with pytest.raises(AppError) as refused:
        make(CENTER, command)
    assert refused.value.code == code


def test_episodes_need_a_series_of_kind_series() -> None:
    series = make(
        CENTER,
        ContentCreate(title="老年人手机摄影课", section=Section.education, kind=ContentKind.series),
    )
    episode = ContentCreate(
        title="第一讲：拿稳手机",
        section=Section.education,
        kind=ContentKind.article,
        series_id="0" * 8 + "-0000-0000-0000-" + "0" * 12,
        episode=1,
    )
    made = rules.create("e-1", episode, admin(CENTER), NOW, series)
    assert (made.series_id, made.episode) == (episode.series_id, 1)
    with pytest.raises(AppError) as unknown:
        rules.create("e-2", episode, admin(CENTER), NOW, None)
    assert unknown.value.code == "series_unknown"
    with pytest.raises(AppError) as not_series:
        rules.create("e-3", episode, admin(CENTER), NOW, make(CENTER))
    assert not_series.value.code == "series_unknown"
    with pytest.raises(AppError) as half:
        rules.create(
            "e-4", episode.model_copy(update={"episode": None}), admin(CENTER), NOW, series
        )
    assert half.value.code == "episode_needs_series"


def test_source_level_follows_the_publishing_site() -> None:
    assert [level_of(s) for s in (PROVINCE, CITY, CENTER, INSTITUTE, STATION, POINT)] == [
        SourceLevel.province,
        SourceLevel.city,
        SourceLevel.county_center,
        SourceLevel.institute,
        SourceLevel.station,
        SourceLevel.station,
    ]
    assert make(STATION).source_level is SourceLevel.station


# -- review -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reviewer", "allowed"),
    [
        (INSTITUTE, True),
        (CENTER, True),
        (CITY, True),
        (PROVINCE, True),
        (STATION, False),  # the uploader's own level
        (SIBLING_INSTITUTE, False),  # another branch
        (SIBLING_STATION, False),
    ],
)
def test_only_an_admin_above_the_uploader_reviews(reviewer: str, allowed: bool) -> None:
    upload = make(STATION)
    assert may_review(admin(reviewer), STATION) is allowed
    if allowed:
        assert rules.review(upload, admin(reviewer), True, None, None, NOW).status is (
            ContentStatus.published
        )
    else:
        with pytest.raises(AppError) as refused:
            rules.review(upload, admin(reviewer), True, None, None, NOW)
        assert refused.value.status == 403


@pytest.mark.parametrize(
    ("reviewer", "scope", "allowed"),
    [
        (INSTITUTE, STATION, True),
        (INSTITUTE, INSTITUTE, True),
        (INSTITUTE, CENTER, False),  # wider than the reviewer's level allows
        (CENTER, CENTER, True),
        (CENTER, CITY, False),
        (CENTER, SIBLING_INSTITUTE, False),  # not on the uploader's branch
        (CENTER, POINT, False),  # narrower than the uploader's own site
        (PROVINCE, PROVINCE, True),
    ],
)
def test_nobody_publishes_beyond_their_level(reviewer: str, scope: str, allowed: bool) -> None:
    assert scope_allowed(scope, STATION, reviewer) is allowed
    upload = make(STATION)
    if allowed:
        assert rules.review(upload, admin(reviewer), True, scope, None, NOW).scope == scope
    else:
        with pytest.raises(AppError) as refused:
            rules.review(upload, admin(reviewer), True, scope, None, NOW)
        assert refused.value.code == "scope_beyond_reviewer"


def test_a_rejection_needs_a_reason_the_uploader_sees_and_reaches_nobody() -> None:
    upload = make(STATION)
    with pytest.raises(AppError) as silent:
        rules.review(upload, admin(INSTITUTE), False, None, None, NOW)
    assert silent.value.code == "reason_required"
    rejected = rules.review(upload, admin(INSTITUTE), False, None, "画质模糊，请重新上传", NOW)
    assert rejected.status is ContentStatus.rejected
    assert rejected.reject_reason == "画质模糊，请重新上传"
    assert not rules.visible_to(rejected, resident(POINT))
    assert rules.visible_to(rejected, admin(STATION))  # the uploader sees why
    with pytest.raises(AppError) as again:
        rules.review(rejected, admin(INSTITUTE), True, None, None, NOW)
    assert again.value.code == "not_pending"


def test_an_approved_upload_with_a_future_time_waits_for_it() -> None:
    upload = replace(make(STATION), publish_at=NOW + timedelta(days=1))
    approved = rules.review(upload, admin(CENTER), True, CENTER, None, NOW)
    assert approved.status is ContentStatus.scheduled
    assert rules.publish_due(approved, NOW) is None
    published = rules.publish_due(approved, NOW + timedelta(days=1))
    assert published is not None
    assert published.status is ContentStatus.published
    assert published.version == approved.version + 1


# -- retirement: announced at least 14 days ahead ----------------------------------------


def test_retirement_needs_fourteen_days_notice() -> None:
    item = make(CENTER)
    with pytest.raises(AppError) as short:
        rules.announce_retirement(
            item, admin(CENTER), NOW + timedelta(days=13, hours=23), "版权到期", NOW, NOTICE
        )
    assert short.value.code == "retire_notice_too_short"
    assert "14" in short.value.message_zh
    announced = rules.announce_retirement(
        item, admin(CENTER), NOW + NOTICE, "版权到期", NOW, NOTICE
    )
    assert announced.retire_at == NOW + NOTICE
    assert announced.announced_at == NOW
    assert rules.retire_due(announced, NOW + NOTICE - timedelta(seconds=1)) is None
    retired = rules.retire_due(announced, NOW + NOTICE)
    assert retired is not None
    assert retired.status is ContentStatus.retired
    assert not rules.visible_to(retired, resident(POINT))


def test_the_notice_period_is_a_deployment_setting() -> None:
    item = make(CENTER)
    soon = rules.announce_retirement(
        item, admin(CENTER), NOW + timedelta(days=1), "调整", NOW, timedelta(days=1)
    )
    assert soon.retire_at == NOW + timedelta(days=1)


def test_only_admins_of_the_owning_subtree_retire() -> None:
    item = make(INSTITUTE, status=ContentStatus.published)
    with pytest.raises(AppError) as refused:
        rules.announce_retirement(item, admin(SIBLING_INSTITUTE), NOW + NOTICE, "x", NOW, NOTICE)
    assert refused.value.status == 403
    with pytest.raises(AppError) as pending:
        rules.announce_retirement(make(STATION), admin(STATION), NOW + NOTICE, "x", NOW, NOTICE)
    assert pending.value.code == "not_published"


# -- visibility ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "viewer_site", "visible"),
    [
        (PROVINCE, POINT, True),  # provincial content on every screen
        (CENTER, POINT, True),
        (STATION, POINT, True),
        (STATION, SIBLING_STATION, False),
        (INSTITUTE, f"{CENTER}/3205820011", False),  # the prefix trap
        (POINT, STATION, False),  # a point's own item is not shown at its station
    ],
)
def test_residents_see_items_whose_scope_covers_their_site(
    scope: str, viewer_site: str, visible: bool
) -> None:
    item = make(PROVINCE, scope=scope)
    assert rules.visible_to(item, resident(viewer_site)) is visible


@pytest.mark.parametrize("state", [LinkState.broken, LinkState.paywalled])
def test_broken_or_paid_links_are_hidden_from_residents_not_from_owners(
    state: LinkState,
) -> None:
    item = rules.with_link_state(make(CENTER), state)
    assert not rules.visible_to(item, resident(POINT))
    assert rules.visible_to(item, admin(CENTER))
    fixed = rules.with_link_state(item, LinkState.ok)
    assert rules.visible_to(fixed, resident(POINT))
    assert fixed.version == item.version + 1


def test_pending_items_are_seen_by_reviewers_above_not_by_siblings() -> None:
    upload = make(STATION)
    assert rules.visible_to(upload, admin(INSTITUTE))
    assert rules.reviewable_by(upload, admin(CENTER))
    assert not rules.visible_to(upload, admin(SIBLING_INSTITUTE))
    assert not rules.visible_to(upload, resident(POINT))
