"""Content items: who may create, review, schedule, retire and see them.

An item's life: pending_review → (rejected | scheduled | published) → published →
retired. Retiring a published item must be announced ahead (14 days by default, a
deployment setting; seed 000: resources vanished just before planned activities).
A resident sees a published item whose scope covers their site and whose media
link is not known to be broken or behind a paywall; an admin also sees everything
owned inside their subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.contracts.catalog import (
    ContentCreate,
    ContentKind,
    ContentStatus,
    LinkState,
    Section,
    SourceLevel,
)
from services.contracts.identity import ADMIN_ROLES, Caller
from services.runtime import sites
from services.runtime.errors import AppError, forbidden

from .levels import level_of, may_review, publishes_directly, scope_allowed

PLAYABLE = (ContentKind.video, ContentKind.audio)
HIDDEN_LINKS = (LinkState.broken, LinkState.paywalled)


@dataclass(frozen=True)
class Content:
    id: str
    title: str
    section: Section
    kind: ContentKind
    summary: str
    site: str
    scope: str
    status: ContentStatus
    created_by: str
    created_at: datetime
    tags: tuple[str, ...] = ()
    media_url: str | None = None
    media_id: str | None = None
    series_id: str | None = None
    episode: int | None = None
    publish_at: datetime | None = None
    published_at: datetime | None = None
    retire_at: datetime | None = None
    retire_reason: str | None = None
    announced_at: datetime | None = None
    retired_at: datetime | None = None
    reject_reason: str | None = None
    link_state: LinkState = LinkState.unchecked
    version: int = 1

    @property
    def source_level(self) -> SourceLevel:
        return level_of(self.site)

    @property
    def external_url(self) -> str | None:
        return self.media_url if self.media_id is None else None


def _check_media(command: ContentCreate) -> None:
    has_media = command.media_url is not None or command.media_id is not None
    if command.media_url is not None and command.media_id is not None:
        raise AppError(
            "media_ambiguous",
            422,
            "媒体只能是上传文件或外部链接之一",
            "give either an uploaded file or a link, not both",
        )
    if command.kind is ContentKind.series and has_media:
        raise AppError(
            "series_has_no_media",
            422,
            "系列课程本身不带媒体，请在分集中上传",
            "a series holds episodes, not media",
        )
    if command.kind in (*PLAYABLE, ContentKind.link) and not has_media:
        raise AppError(
            "media_required",
            422,
            "视频、音频和链接内容必须提供媒体",
            "video, audio and link content need media",
        )
    if command.kind is ContentKind.link and command.media_id is not None:
        raise AppError(
            "link_needs_url", 422, "外部链接内容需要填写链接地址", "link content needs a URL"
        )


def create(
    content_id: str,
    command: ContentCreate,
    caller: Caller,
    now: datetime,
    series: Content | None = None,
) -> Content:
    if caller.role not in ADMIN_ROLES:
        raise forbidden("只有管理员可以发布或上传内容", "only admins publish or upload content")
    _check_media(command)
    if (command.series_id is None) != (command.episode is None):
        raise AppError(
            "episode_needs_series",
            422,
            "分集需要同时指定系列和集数",
            "an episode names its series and its number",
        )
    if command.series_id is not None and (series is None or series.kind is not ContentKind.series):
        raise AppError("series_unknown", 422, "所属系列不存在", "no such series")
    direct = publishes_directly(caller)
    scope = command.scope or caller.site
    if direct and not sites.is_within(scope, caller.site):
        raise AppError(
            "scope_outside_subtree",
            403,
            "发布范围超出了您管理的站点范围",
            "the publish scope lies outside your own site subtree",
        )
    if not direct and scope != caller.site and command.scope is not None:
        raise AppError(
            "scope_needs_review",
            422,
            "基层上传的内容由上级审核时确定发布范围",
            "the reviewer sets the scope of an upload",
        )
    if command.publish_at is not None and command.publish_at <= now:
        raise AppError(
            "publish_at_past", 422, "定时发布时间必须晚于现在", "publish_at must be in the future"
        )
    if direct:
        status = ContentStatus.scheduled if command.publish_at else ContentStatus.published
    else:
        status = ContentStatus.pending_review
    return Content(
        id=content_id,
        title=command.title,
        section=command.section,
        kind=command.kind,
        summary=command.summary,
        site=caller.site,
        scope=scope,
        status=status,
        created_by=caller.sub,
        created_at=now,
        tags=tuple(command.tags),
        media_url=str(command.media_url) if command.media_url else None,
        media_id=command.media_id,
        series_id=command.series_id,
        episode=command.episode,
        publish_at=command.publish_at,
        published_at=now if status is ContentStatus.published else None,
    )


def review(
    item: Content,
    reviewer: Caller,
    approve: bool,
    scope: str | None,
    reason: str | None,
    now: datetime,
) -> Content:
    if item.status is not ContentStatus.pending_review:
        raise AppError(
            "not_pending", 409, "该内容不在待审核状态", "the item is not waiting for review"
        )
    if not may_review(reviewer, item.site):
        raise forbidden("只有上级管理员可以审核", "only an admin above the uploader reviews")
    if not approve:
        if not reason:
            raise AppError("reason_required", 422, "驳回时请填写原因", "a rejection needs a reason")
        return replace(
            item, status=ContentStatus.rejected, reject_reason=reason, version=item.version + 1
        )
    target = scope or item.site
    if not scope_allowed(target, item.site, reviewer.site):
        raise AppError(
            "scope_beyond_reviewer",
            403,
            "发布范围超出了审核人的权限",
            "the scope must lie between the uploader's site and the reviewer's",
        )
    due = item.publish_at is not None and item.publish_at > now
    return replace(
        item,
        scope=target,
        reject_reason=None,
        version=item.version + 1,
        status=ContentStatus.scheduled if due else ContentStatus.published,
        published_at=None if due else now,
    )


def publish_due(item: Content, now: datetime) -> Content | None:
    """A scheduled item whose time has come, published; None when not due."""
    if item.status is ContentStatus.scheduled and item.publish_at and item.publish_at <= now:
        return replace(
            item, status=ContentStatus.published, published_at=now, version=item.version + 1
        )
    return None


def announce_retirement(
    item: Content,
    caller: Caller,
    retire_at: datetime,
    reason: str,
    now: datetime,
    notice: timedelta,
) -> Content:
    if not (caller.role in ADMIN_ROLES and sites.is_within(item.site, caller.site)):
        raise forbidden("只能下架本级范围内的内容", "you retire only content of your subtree")
    if item.status not in (ContentStatus.published, ContentStatus.scheduled):
        raise AppError(
            "not_published", 409, "只有已发布的内容可以下架", "only published items retire"
        )
    if retire_at < now + notice:
        days = notice.days
        raise AppError(
            "retire_notice_too_short",
            422,
            f"下架需至少提前 {days} 天预告",
            f"retirement must be announced at least {days} days ahead",
            details=[{"earliest": (now + notice).isoformat()}],
        )
    return replace(
        item, retire_at=retire_at, retire_reason=reason, announced_at=now, version=item.version + 1
    )


def retire_due(item: Content, now: datetime) -> Content | None:
    if item.status is ContentStatus.published and item.retire_at and item.retire_at <= now:
        return replace(item, status=ContentStatus.retired, retired_at=now, version=item.version + 1)
    return None


def with_link_state(item: Content, state: LinkState) -> Content:
    return replace(item, link_state=state, version=item.version + 1)


def visible_to_public(item: Content) -> bool:
    return item.status is ContentStatus.published and item.link_state not in HIDDEN_LINKS


def visible_to(item: Content, caller: Caller) -> bool:
    if visible_to_public(item) and sites.is_within(caller.site, item.scope):
        return True
    return caller.role in ADMIN_ROLES and sites.is_within(item.site, caller.site)


def reviewable_by(item: Content, caller: Caller) -> bool:
    return item.status is ContentStatus.pending_review and may_review(caller, item.site)
