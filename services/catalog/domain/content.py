"""Content items and who may publish or see them.

Publishing: only admins publish, and only to a scope inside their own subtree
(a station admin cannot push content to the whole county).
Seeing: a viewer sees a published item whose scope covers the viewer's site
(provincial content stands beside the station's own, seed 000); an admin also
sees everything owned inside the admin's subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.contracts.catalog import ContentCreate, ContentKind, ContentStatus, Section
from services.contracts.identity import Caller
from services.runtime import sites
from services.runtime.errors import AppError, forbidden


@dataclass(frozen=True)
class Content:
    id: str
    title: str
    section: Section
    kind: ContentKind
    summary: str
    media_url: str | None
    site: str
    scope: str
    status: ContentStatus
    published_at: datetime
    created_by: str


def publish(content_id: str, command: ContentCreate, caller: Caller, now: datetime) -> Content:
    if not caller.is_admin:
        raise forbidden("只有管理员可以发布内容", "only admins publish content")
    scope = command.scope or caller.site
    if not sites.is_within(scope, caller.site):
        raise AppError(
            "scope_outside_subtree",
            403,
            "发布范围超出了您管理的站点范围",
            "the publish scope lies outside your own site subtree",
        )
    if command.kind in (ContentKind.video, ContentKind.audio, ContentKind.link) and not (
        command.media_url
    ):
        raise AppError(
            "media_required",
            422,
            "视频、音频和链接内容必须提供媒体地址",
            "video, audio and link content need a media URL",
        )
    return Content(
        id=content_id,
        title=command.title,
        section=command.section,
        kind=command.kind,
        summary=command.summary,
        media_url=str(command.media_url) if command.media_url else None,
        site=caller.site,
        scope=scope,
        status=ContentStatus.published,
        published_at=now,
        created_by=caller.sub,
    )


def visible_to(content: Content, caller: Caller) -> bool:
    if content.status is ContentStatus.published and sites.is_within(caller.site, content.scope):
        return True
    return caller.is_admin and sites.is_within(content.site, caller.site)
